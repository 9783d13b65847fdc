package stats_test

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
)

func TestStatsCountWhatExists(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	get := func() string {
		t.Helper()
		res := admin.Do("GET", "/admin/stats", nil)
		if res.Status != 200 {
			t.Fatalf("stats: %d %s", res.Status, res.Body)
		}
		return string(res.Body)
	}
	if got, want := get(), `{"users":0,"users_active":0,"users_inactive":0,"workspaces":0,"groups":0,"service_apps":0,"resources":0}`; got != want {
		t.Errorf("empty: %s, want %s", got, want)
	}
	_, docsKey := admin.CreateApp("docs")
	_, billingKey := admin.CreateApp("billing")
	_, _ = admin.CreateApp("idle")
	var workspaces []string
	for i := range 2 {
		ws := admin.Do("POST", "/admin/workspaces", map[string]any{"name": fmt.Sprint("W", i), "slug": fmt.Sprint("w-", i)}).Map(t)["id"].(string)
		workspaces = append(workspaces, ws)
	}
	var owner string
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		owner = admin.Do("POST", "/admin/workspaces/"+workspaces[0]+"/members", map[string]any{"email": email, "role": "viewer"}).Map(t)["user_id"].(string)
	}
	for _, name := range []string{"Readers", "Writers"} {
		if res := admin.Do("POST", "/admin/workspaces/"+workspaces[0]+"/groups", map[string]any{"name": name}); res.Status != 201 {
			t.Fatalf("group: %d %s", res.Status, res.Body)
		}
	}
	if res := admin.Do("POST", "/admin/workspaces/"+workspaces[1]+"/groups", map[string]any{"name": "Readers"}); res.Status != 201 {
		t.Fatalf("group: %d %s", res.Status, res.Body)
	}
	if res := admin.Do("PATCH", "/admin/users/"+owner, map[string]any{"is_active": false}); res.Status != 200 {
		t.Fatalf("deactivate: %d %s", res.Status, res.Body)
	}
	register := func(key, service string) {
		t.Helper()
		res := api.Key("POST", "/permissions/register", key, map[string]any{
			"service_name": service, "resource_type": "doc", "resource_id": uuid.NewString(), "workspace_id": workspaces[0], "owner_id": owner,
		})
		if res.Status != 201 {
			t.Fatalf("register: %d %s", res.Status, res.Body)
		}
	}
	for range 3 {
		register(docsKey, "docs")
	}
	register(billingKey, "billing")
	if got, want := get(), `{"users":3,"users_active":2,"users_inactive":1,"workspaces":2,"groups":3,"service_apps":3,"resources":4}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// Stats need an admin session.
	if res := api.Do(apitest.Request{Method: "GET", Path: "/admin/stats"}); res.Status != 401 {
		t.Errorf("without a session: %d", res.Status)
	}
}

// The chart's series: one count a day for 30 days, today's equal to the
// entries the log lists for today.
func TestActivityPerDayCountsTodaysEntries(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	for i := range 3 {
		admin.Do("POST", "/admin/workspaces", map[string]any{"name": fmt.Sprint("W", i), "slug": fmt.Sprint("w-", i)})
	}
	res := admin.Do("GET", "/admin/stats/activity", nil)
	if res.Status != 200 {
		t.Fatalf("per day: %d %s", res.Status, res.Body)
	}
	var got struct {
		TimeZone string `json:"time_zone"`
		Days     []struct {
			Day   string `json:"day"`
			Count int    `json:"count"`
		} `json:"days"`
	}
	res.JSON(t, &got)
	if got.TimeZone != "UTC" || len(got.Days) != 30 {
		t.Fatalf("time zone %q, %d days", got.TimeZone, len(got.Days))
	}
	today := got.Days[29]
	var log struct {
		Items []any `json:"items"`
	}
	admin.Do("GET", "/admin/activity?limit=100&from="+today.Day, nil).JSON(t, &log)
	// The sign-in and the three creations at least.
	if today.Count != len(log.Items) || today.Count < 4 {
		t.Errorf("today (%s): %d, the log lists %d entries", today.Day, today.Count, len(log.Items))
	}
	if res := admin.Do("GET", "/admin/stats/activity?days=91", nil); res.Status != 400 {
		t.Errorf("days=91: %d", res.Status)
	}
}
