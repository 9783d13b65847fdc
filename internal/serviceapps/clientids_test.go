package serviceapps_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"sentinel/internal/apitest"
)

type clientIDs = map[string][]string

func createWithClients(admin *apitest.Admin, serviceName string, ids clientIDs) *apitest.Response {
	return admin.Do("POST", "/admin/service-apps", map[string]any{"name": serviceName, "service_name": serviceName, "idp_client_ids": ids})
}

func clientsOf(t *testing.T, res *apitest.Response) string {
	t.Helper()
	var v struct {
		IdPClientIDs json.RawMessage `json:"idp_client_ids"`
	}
	res.JSON(t, &v)
	return string(v.IdPClientIDs)
}

// idp_client_ids (issue 17, item 1): shown, created, patched and deleted
// with the app; each client id of a provider belongs to one app (409);
// every change is in the activity log.
func TestClientIDsLifecycle(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()

	plain, _ := admin.CreateApp("plain")
	if got := clientsOf(t, admin.Do("GET", "/admin/service-apps/"+plain, nil)); got != "{}" {
		t.Errorf("an app without client ids shows %s, want {}", got)
	}

	res := createWithClients(admin, "shop", clientIDs{"google": {"123-shop.apps.googleusercontent.com"}, "corp": {"shop-web", "shop-mobile"}, "entra_id": {}})
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	shop := res.Map(t)["id"].(string)
	want := `{"corp":["shop-web","shop-mobile"],"google":["123-shop.apps.googleusercontent.com"]}`
	if got := clientsOf(t, res); got != want {
		t.Errorf("create answered %s, want %s (a provider without ids is dropped)", got, want)
	}
	if got := clientsOf(t, admin.Do("GET", "/admin/service-apps/"+shop, nil)); got != want {
		t.Errorf("GET = %s, want %s", got, want)
	}

	// Another app may not list shop's client ids, on create or on patch;
	// the same id under another provider is another client.
	if res := createWithClients(admin, "thief", clientIDs{"corp": {"shop-mobile"}}); res.Status != 409 ||
		res.Detail(t) != "Client id 'shop-mobile' of provider 'corp' is already used by another service app" {
		t.Errorf("create with a taken client id = %d %s, want 409", res.Status, res.Body)
	}
	if res := createWithClients(admin, "elsewhere", clientIDs{"other": {"shop-mobile"}}); res.Status != 201 {
		t.Errorf("the same id of another provider = %d %s, want 201", res.Status, res.Body)
	}
	if res := admin.Do("PATCH", "/admin/service-apps/"+plain, map[string]any{"idp_client_ids": clientIDs{"google": {"123-shop.apps.googleusercontent.com"}}}); res.Status != 409 ||
		!strings.Contains(res.Detail(t), "'123-shop.apps.googleusercontent.com' of provider 'google' is already used") {
		t.Errorf("patch with a taken client id = %d %s, want 409", res.Status, res.Body)
	}

	// A patch replaces the lists; a released client id is free again.
	res = admin.Do("PATCH", "/admin/service-apps/"+shop, map[string]any{"idp_client_ids": clientIDs{"corp": {"shop-web", "shop-web-2"}}})
	if res.Status != 200 || clientsOf(t, res) != `{"corp":["shop-web","shop-web-2"]}` {
		t.Fatalf("patch = %d %s", res.Status, res.Body)
	}
	if res := admin.Do("PATCH", "/admin/service-apps/"+plain, map[string]any{"idp_client_ids": clientIDs{"corp": {"shop-mobile"}, "google": {"123-shop.apps.googleusercontent.com"}}}); res.Status != 200 {
		t.Errorf("claiming released client ids = %d %s, want 200", res.Status, res.Body)
	}
	// A patch of other fields leaves them alone.
	if res := admin.Do("PATCH", "/admin/service-apps/"+shop, map[string]any{"name": "Shop"}); clientsOf(t, res) != `{"corp":["shop-web","shop-web-2"]}` {
		t.Errorf("rename changed the client ids: %s", res.Body)
	}

	// Deleting the app frees its client ids.
	if res := admin.Do("DELETE", "/admin/service-apps/"+shop, nil); res.Status != 204 {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	if res := createWithClients(admin, "successor", clientIDs{"corp": {"shop-web", "shop-web-2"}}); res.Status != 201 {
		t.Errorf("after delete = %d %s, want 201", res.Status, res.Body)
	}

	// The activity log says what changed.
	var page struct {
		Items []struct {
			Action string
			Detail map[string]any
		}
	}
	admin.Do("GET", "/admin/activity?target_type=service_app&target_id="+shop, nil).JSON(t, &page)
	var got []string
	for _, e := range page.Items {
		got = append(got, fmt.Sprint(e.Action, " ", e.Detail["idp_client_ids"]))
	}
	slices.Sort(got) // entries of one clock second come in any order
	wantLog := []string{
		"service_app.create map[corp:[shop-web shop-mobile] google:[123-shop.apps.googleusercontent.com]]",
		"service_app.delete <nil>",
		"service_app.update <nil>",
		"service_app.update map[corp:[shop-web shop-web-2]]",
	}
	if strings.Join(got, "\n") != strings.Join(wantLog, "\n") {
		t.Errorf("activity:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLog, "\n"))
	}
}

func TestClientIDsValidation(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	many := clientIDs{}
	for i := range 21 {
		p := fmt.Sprintf("p%d", i%3)
		many[p] = append(many[p], fmt.Sprint("client-", i))
	}
	tests := []struct {
		name   string
		ids    any
		detail string
	}{
		{"bad provider name", clientIDs{"Google": {"x"}}, "idp_client_ids: provider names must match ^[a-z][a-z0-9_-]{0,63}$"},
		{"empty id", clientIDs{"google": {""}}, "idp_client_ids.google[0]: must be 1 to 255 printable characters without spaces"},
		{"id with a space", clientIDs{"google": {"a", "b c"}}, "idp_client_ids.google[1]: must be 1 to 255 printable characters without spaces"},
		{"id with a control character", clientIDs{"google": {"a\x01"}}, "idp_client_ids.google[0]: must be 1 to 255 printable characters without spaces"},
		{"id too long", clientIDs{"google": {strings.Repeat("a", 256)}}, "idp_client_ids.google[0]: must be 1 to 255 printable characters without spaces"},
		{"listed twice", clientIDs{"google": {"a", "a"}}, "idp_client_ids.google[1]: is listed twice"},
		{"too many", many, "idp_client_ids: must list at most 20 client ids in all"},
		{"a list", []string{"a"}, "idp_client_ids: must be an object"},
		{"a string list", map[string]any{"google": "a"}, "idp_client_ids: must be an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := admin.Do("POST", "/admin/service-apps", apitest.Bad(map[string]any{"name": "V", "service_name": "valid", "idp_client_ids": tt.ids}))
			if res.Status != 422 || res.Detail(t) != tt.detail {
				t.Errorf("got %d %s, want 422 %q", res.Status, res.Body, tt.detail)
			}
		})
	}
}

// Two apps claiming one client id at once: the claim is in each app's
// write transaction, so exactly one gets it.
func TestConcurrentClaimsOfOneClientID(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	var wg sync.WaitGroup
	statuses := make([]int, 10)
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = createWithClients(admin, fmt.Sprint("racer-", i), clientIDs{"google": {"shared.apps.googleusercontent.com"}}).Status
		})
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != 9 {
		t.Errorf("statuses = %v, want one 201 and nine 409", count)
	}
}
