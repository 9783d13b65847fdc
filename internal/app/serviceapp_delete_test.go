package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/serviceapps"
	"sentinel/internal/token"
)

// Issue 17 item 7: deleting a service app purges what it registered under
// its service name (resources and their ACLs, service actions and their
// place in roles), and its name is taken until a second purge has caught
// what its key, still cached by running functions, wrote after the first.
// A new app with the same name then starts empty, and the old app's authz
// tokens do not work with the new app's key.
func TestDeletingAServiceAppLeavesNothingToItsSuccessor(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	oldID, oldKey := admin.CreateApp("docu-store")
	must := func(res *apitest.Response, want int) *apitest.Response {
		t.Helper()
		if res.Status != want {
			t.Fatalf("got %d %s, want %d", res.Status, res.Body, want)
		}
		return res
	}
	ws := must(admin.Do("POST", "/admin/workspaces", map[string]any{"name": "Acme", "slug": "acme"}), 201).Map(t)["id"].(string)
	alice := must(admin.Do("POST", "/admin/workspaces/"+ws+"/members", map[string]any{"email": "alice@example.com", "role": "editor"}), 201).Map(t)["user_id"].(string)
	register := func(key, resourceID string) *apitest.Response {
		return api.Key("POST", "/permissions/register", key, map[string]any{
			"service_name": "docu-store", "resource_type": "document", "resource_id": resourceID, "workspace_id": ws, "owner_id": alice,
		})
	}
	doc, straggler := uuid.NewString(), uuid.NewString()
	must(register(oldKey, doc), 201)
	var actions []struct{ ID string }
	must(api.Key("POST", "/roles/actions/register", oldKey, map[string]any{"service_name": "docu-store", "actions": []map[string]string{{"action": "docs:export"}}}), 201).JSON(t, &actions)
	role := must(admin.Do("POST", "/admin/workspaces/"+ws+"/roles", map[string]any{"name": "Exporters"}), 201).Map(t)["id"].(string)
	must(admin.Do("POST", "/admin/roles/"+role+"/actions", map[string]any{"service_action_ids": []string{actions[0].ID}}), 201)
	oldAuthz, err := api.Deps.Keys.User.Sign(token.Authz(alice, "idp-alice", oldID, "docu-store", ws, "acme", "editor", nil, []string{"docs:export"}), api.Clock.Now(), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}

	must(admin.Do("DELETE", "/admin/service-apps/"+oldID, nil), 204)
	empty := func(when string) {
		t.Helper()
		for _, path := range []string{"/admin/permissions?service_name=docu-store", "/admin/service-actions?service_name=docu-store", "/admin/roles/" + role + "/actions"} {
			res := must(admin.Do("GET", path, nil), 200)
			if !strings.Contains(string(res.Body), `"items":[]`) {
				t.Errorf("%s: GET %s = %s, want no items", when, path, res.Body)
			}
		}
	}
	empty("after the delete")
	// The deleted key still works for up to 5 s where a function cached it:
	// a straggler registered meanwhile.
	must(register(oldKey, straggler), 201)
	// Meanwhile the name is not free.
	res := admin.Do("POST", "/admin/service-apps", map[string]any{"name": "Docs again", "service_name": "docu-store"})
	if res.Status != 409 || !strings.Contains(res.Detail(t), "deleted moments ago") {
		t.Fatalf("reuse right after the delete = %d %s, want 409", res.Status, res.Body)
	}

	api.Clock.Advance(serviceapps.ReuseDelay)
	newID, newKey := admin.CreateApp("docu-store")
	if newID == oldID {
		t.Fatal("the new app has the old id")
	}
	empty("after the name's reuse")
	for _, id := range []string{doc, straggler} {
		if res := api.Key("GET", "/permissions/resource/docu-store/document/"+id, newKey, nil); res.Status != 404 {
			t.Errorf("the new app sees the old app's resource %s: %d %s", id, res.Status, res.Body)
		}
	}
	res = api.Do(apitest.Request{Method: "POST", Path: "/roles/check-action", Body: map[string]any{"service_name": "docu-store", "action": "docs:export", "workspace_id": ws},
		Header: map[string]string{"X-Service-Key": newKey, "Authorization": "Bearer " + oldAuthz}})
	if res.Status != 401 || res.Detail(t) != "Invalid user token: issued for another service" {
		t.Errorf("the old app's authz token with the new app's key = %d %s, want 401", res.Status, res.Body)
	}
	// A live app's name stays simply taken.
	res = admin.Do("POST", "/admin/service-apps", map[string]any{"name": "Third", "service_name": "docu-store"})
	if res.Status != 409 || res.Detail(t) != "service_name 'docu-store' is already taken" {
		t.Errorf("a live app's name = %d %s, want 409 taken", res.Status, res.Body)
	}
}
