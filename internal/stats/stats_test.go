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
	if got, want := get(), `{"users":0,"workspaces":0,"service_apps":0,"resources":0}`; got != want {
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
	if got, want := get(), `{"users":3,"workspaces":2,"service_apps":3,"resources":4}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// Stats need an admin session.
	if res := api.Do(apitest.Request{Method: "GET", Path: "/admin/stats"}); res.Status != 401 {
		t.Errorf("without a session: %d", res.Status)
	}
}
