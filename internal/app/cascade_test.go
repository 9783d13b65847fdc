package app_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
)

// Deleting a group takes the shares to it off the workspace's resources:
// the directory asks the permissions store (a GroupDependent wired in
// app.New) to purge them first. This walks that path through the real
// handlers and tables.
func TestDeletingAGroupRemovesItsShares(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	must := func(res *apitest.Response, want int) map[string]any { t.Helper(); return object(t, res, want) }
	ws := must(admin.Do("POST", "/admin/workspaces", map[string]any{"name": "Acme", "slug": "acme"}), 201)["id"].(string)
	alice := must(admin.Do("POST", "/admin/workspaces/"+ws+"/members", map[string]any{"email": "alice@example.com", "role": "editor"}), 201)["user_id"].(string)
	bob := must(admin.Do("POST", "/admin/workspaces/"+ws+"/members", map[string]any{"email": "bob@example.com", "role": "viewer"}), 201)["user_id"].(string)
	reviewers := must(admin.Do("POST", "/admin/workspaces/"+ws+"/groups", map[string]any{"name": "Reviewers"}), 201)["id"].(string)
	readers := must(admin.Do("POST", "/admin/workspaces/"+ws+"/groups", map[string]any{"name": "Readers"}), 201)["id"].(string)
	for _, g := range []string{reviewers, readers} {
		must(admin.Do("POST", "/admin/groups/"+g+"/members/"+bob, nil), 201)
	}

	doc := uuid.NewString()
	perm := must(api.Key("POST", "/permissions/register", key, map[string]any{
		"service_name": "docu-store", "resource_type": "document", "resource_id": doc, "workspace_id": ws, "owner_id": alice, "visibility": "private",
	}), 201)["id"].(string)
	dual := func(method, path, tok string, body any) *apitest.Response {
		return api.Do(apitest.Request{Method: method, Path: path, Body: body, Header: map[string]string{"X-Service-Key": key, "Authorization": "Bearer " + tok}})
	}
	aliceTok := api.UserToken(alice, ws, "editor")
	must(dual("POST", "/permissions/"+perm+"/share", aliceTok, map[string]any{"grantee_type": "group", "grantee_id": reviewers, "permission": "edit"}), 201)
	must(dual("POST", "/permissions/"+perm+"/share", aliceTok, map[string]any{"grantee_type": "group", "grantee_id": readers, "permission": "view"}), 201)
	// A token issued while bob was in both groups.
	bobTok := api.UserToken(bob, ws, "viewer", reviewers, readers)
	allowed := func(action string) bool {
		t.Helper()
		res := dual("POST", "/permissions/check", bobTok, map[string]any{"checks": []map[string]string{
			{"service_name": "docu-store", "resource_type": "document", "resource_id": doc, "action": action},
		}})
		must(res, 200)
		var out struct{ Results []struct{ Allowed bool } }
		res.JSON(t, &out)
		return len(out.Results) == 1 && out.Results[0].Allowed
	}
	if !allowed("edit") {
		t.Fatal("bob cannot edit through the reviewers' share before the delete")
	}
	grantees := func(path string) []string {
		t.Helper()
		var rp struct {
			Shares []struct {
				GranteeType string `json:"grantee_type"`
				GranteeID   string `json:"grantee_id"`
			} `json:"shares"`
		}
		res := api.Key("GET", path, key, nil)
		must(res, 200)
		res.JSON(t, &rp)
		var out []string
		for _, sh := range rp.Shares {
			out = append(out, sh.GranteeType+"#"+sh.GranteeID)
		}
		slices.Sort(out)
		return out
	}

	must(admin.Do("DELETE", "/admin/groups/"+reviewers, nil), 204)
	for _, path := range []string{"/permissions/resource/docu-store/document/" + doc, "/permissions/resource/docu-store/document/" + doc + "/enriched"} {
		if got := grantees(path); !slices.Equal(got, []string{"group#" + readers}) {
			t.Errorf("GET %s: shares to %v, want only the readers' group", path, got)
		}
	}
	if allowed("edit") || !allowed("view") {
		t.Error("after the delete, bob's stale token should view (readers) but not edit (reviewers)")
	}
	if res := admin.Do("GET", "/admin/permissions/"+perm, nil); res.Status != 200 || len(res.Map(t)["shares"].([]any)) != 1 {
		t.Errorf("admin view after the delete: %d %s", res.Status, res.Body)
	}
	must(admin.Do("DELETE", "/admin/groups/"+reviewers, nil), 404)
}
