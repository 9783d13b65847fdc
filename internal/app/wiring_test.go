package app_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/config"
	"sentinel/internal/idptest"
	"sentinel/internal/token"
)

// The areas are wired together in app.New: RBAC and permissions read the
// real directory, and removing a member or a workspace purges what they
// hold. This walks that path through the real handlers and tables.
func TestAreasWiredThroughTheDirectory(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	must := func(res *apitest.Response, want int) map[string]any { t.Helper(); return object(t, res, want) }
	ws := must(admin.Do("POST", "/admin/workspaces", map[string]any{"name": "Acme", "slug": "acme"}), 201)["id"].(string)
	alice := must(admin.Do("POST", "/admin/workspaces/"+ws+"/members", map[string]any{"email": "alice@example.com", "role": "editor"}), 201)["user_id"].(string)
	bob := must(admin.Do("POST", "/admin/workspaces/"+ws+"/members", map[string]any{"email": "bob@example.com", "role": "viewer"}), 201)["user_id"].(string)
	group := must(admin.Do("POST", "/admin/workspaces/"+ws+"/groups", map[string]any{"name": "Reviewers"}), 201)["id"].(string)
	must(admin.Do("POST", "/admin/groups/"+group+"/members/"+bob, nil), 201)

	// Permissions: alice shares a private document with bob's group; the
	// grantee is validated against the real directory.
	doc := uuid.NewString()
	perm := must(api.Key("POST", "/permissions/register", key, map[string]any{
		"service_name": "docu-store", "resource_type": "document", "resource_id": doc, "workspace_id": ws, "owner_id": alice, "visibility": "private",
	}), 201)["id"].(string)
	dual := func(method, path, tok string, body any) *apitest.Response {
		return api.Do(apitest.Request{Method: method, Path: path, Body: body, Header: map[string]string{"X-Service-Key": key, "Authorization": "Bearer " + tok}})
	}
	aliceTok := api.UserToken(alice, ws, "editor")
	must(dual("POST", "/permissions/"+perm+"/share", aliceTok, map[string]any{"grantee_type": "group", "grantee_id": group, "permission": "view"}), 201)
	if res := dual("POST", "/permissions/"+perm+"/share", aliceTok, map[string]any{"grantee_type": "user", "grantee_id": uuid.NewString(), "permission": "view"}); res.Status != 400 {
		t.Errorf("share to a non-member: %d %s, want 400", res.Status, res.Body)
	}
	check := dual("POST", "/permissions/check", api.UserToken(bob, ws, "viewer", group), map[string]any{"checks": []map[string]string{
		{"service_name": "docu-store", "resource_type": "document", "resource_id": doc, "action": "view"},
	}})
	if fmt.Sprint(must(check, 200)["results"]) != fmt.Sprintf("[map[action:view allowed:true resource_id:%s resource_type:document service_name:docu-store]]", doc) {
		t.Errorf("bob's check = %s", check.Body)
	}
	enriched := must(api.Key("GET", "/permissions/resource/docu-store/document/"+doc+"/enriched", key, nil), 200)
	if enriched["owner_email"] != "alice@example.com" {
		t.Errorf("enriched owner = %v", enriched["owner_email"])
	}

	// RBAC: a role in the workspace, assigned to bob (a member).
	actions := api.Key("POST", "/roles/actions/register", key, map[string]any{"service_name": "docu-store", "actions": []map[string]string{{"action": "reports:export"}}})
	var registered []map[string]any
	actions.JSON(t, &registered)
	role := must(admin.Do("POST", "/admin/workspaces/"+ws+"/roles", map[string]any{"name": "Exporters"}), 201)["id"].(string)
	must(admin.Do("POST", "/admin/roles/"+role+"/actions", map[string]any{"service_action_ids": []any{registered[0]["id"]}}), 201)
	must(admin.Do("POST", "/admin/roles/"+role+"/members/"+bob, nil), 201)
	if res := admin.Do("POST", "/admin/roles/"+role+"/members/"+uuid.NewString(), nil); res.Status != 400 {
		t.Errorf("assigning a non-member: %d, want 400", res.Status)
	}
	roleCheck := func(user string) any {
		return must(api.Key("POST", "/roles/check", key, map[string]any{"service_name": "docu-store", "action": "reports:export", "workspace_id": ws, "user_id": user}), 200)["allowed"]
	}
	if roleCheck(bob) != true {
		t.Fatal("bob's role check before removal is not allowed")
	}

	// Removing bob from the workspace purges his role assignments there.
	must(admin.Do("DELETE", "/admin/workspaces/"+ws+"/members/"+bob, nil), 204)
	if roleCheck(bob) != false {
		t.Error("bob keeps his role after leaving the workspace")
	}

	// Deleting the workspace purges its roles and resource ACLs.
	must(admin.Do("DELETE", "/admin/workspaces/"+ws, nil), 204)
	if res := api.Key("GET", "/permissions/resource/docu-store/document/"+doc, key, nil); res.Status != 404 {
		t.Errorf("resource ACL after workspace deletion: %d", res.Status)
	}
	if res := admin.Do("GET", "/admin/roles/"+role+"/actions", nil); res.Status != 404 {
		t.Errorf("role after workspace deletion: %d", res.Status)
	}
}

// Authz mode runs on the real directory and RBAC: a first sign-in creates
// the user, a membership and a role later show in the authz token, and the
// token works on a dual-tier call of its own service only.
func TestAuthzModeOnTheRealDirectoryAndRBAC(t *testing.T) {
	iss := idptest.New(t)
	api := apitest.New(t, func(c *config.Config) {
		c.OIDCProviders = map[string]config.OIDCProvider{"test": iss.Provider(idptest.Audience)}
	})
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store", "https://docs.example.com")
	_, otherKey := admin.CreateApp("billing")
	idTok := iss.Token(t, iss.Claims("grace@example.com", api.Clock.Now()))
	resolve := func(body map[string]any) *apitest.Response {
		body["provider"], body["idp_token"] = "test", idTok
		return api.Do(apitest.Request{Method: "POST", Path: "/authz/resolve", Body: body, Header: map[string]string{"Origin": "https://docs.example.com"}})
	}
	first := resolve(map[string]any{})
	if first.Status != 200 || !strings.Contains(string(first.Body), `"workspaces":[]`) {
		t.Fatalf("first resolve: %d %s", first.Status, first.Body)
	}
	user := first.Map(t)["user"].(map[string]any)["id"].(string)

	ws := admin.Do("POST", "/admin/workspaces", map[string]any{"name": "Acme", "slug": "acme"}).Map(t)["id"].(string)
	admin.Do("POST", "/admin/workspaces/"+ws+"/members", map[string]any{"email": "grace@example.com", "role": "viewer"})
	group := admin.Do("POST", "/admin/workspaces/"+ws+"/groups", map[string]any{"name": "Readers"}).Map(t)["id"].(string)
	admin.Do("POST", "/admin/groups/"+group+"/members/"+user, nil)
	var registered []map[string]any
	api.Key("POST", "/roles/actions/register", key, map[string]any{"service_name": "docu-store", "actions": []map[string]string{{"action": "docs:export"}}}).JSON(t, &registered)
	role := admin.Do("POST", "/admin/workspaces/"+ws+"/roles", map[string]any{"name": "Exporters"}).Map(t)["id"].(string)
	admin.Do("POST", "/admin/roles/"+role+"/actions", map[string]any{"service_action_ids": []any{registered[0]["id"]}})
	admin.Do("POST", "/admin/roles/"+role+"/members/"+user, nil)

	res := resolve(map[string]any{"workspace_id": ws})
	if res.Status != 200 {
		t.Fatalf("resolve for the workspace: %d %s", res.Status, res.Body)
	}
	authzTok := res.Map(t)["authz_token"].(string)
	claims, err := api.Deps.Keys.User.Verify(authzTok, api.Clock.Now(), token.AudAuthz)
	if err != nil {
		t.Fatal(err)
	}
	if claims.Subject != user || claims.Svc != "docu-store" || claims.WRole != "viewer" || fmt.Sprint(claims.Groups) != "["+group+"]" || fmt.Sprint(claims.Actions) != "[docs:export]" {
		t.Errorf("authz token claims = %+v", claims)
	}
	call := func(k string) *apitest.Response {
		return api.Do(apitest.Request{Method: "POST", Path: "/roles/check-action", Body: map[string]any{"service_name": "docu-store", "action": "docs:export", "workspace_id": ws},
			Header: map[string]string{"X-Service-Key": k, "Authorization": "Bearer " + authzTok}})
	}
	if res := call(key); res.Status != 200 || res.Map(t)["allowed"] != true {
		t.Errorf("check-action with the authz token: %d %s", res.Status, res.Body)
	}
	if res := call(otherKey); res.Status != 401 {
		t.Errorf("another service replaying the token: %d", res.Status)
	}
}

// The admin user detail lists, per membership, the roles the user holds
// there: admin-users reads them from RBAC.
func TestUserDetailListsRolesFromRBAC(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	must := func(res *apitest.Response, want int) map[string]any { t.Helper(); return object(t, res, want) }
	acme := must(admin.Do("POST", "/admin/workspaces", map[string]any{"name": "Acme", "slug": "acme"}), 201)["id"].(string)
	globex := must(admin.Do("POST", "/admin/workspaces", map[string]any{"name": "Globex", "slug": "globex"}), 201)["id"].(string)
	ada := must(admin.Do("POST", "/admin/workspaces/"+acme+"/members", map[string]any{"email": "ada@example.com", "role": "editor"}), 201)["user_id"].(string)
	must(admin.Do("POST", "/admin/workspaces/"+globex+"/members", map[string]any{"email": "ada@example.com", "role": "viewer"}), 201)
	var roles []string
	for _, name := range []string{"Reviewers", "Billing"} {
		rid := must(admin.Do("POST", "/admin/workspaces/"+acme+"/roles", map[string]any{"name": name}), 201)["id"].(string)
		must(admin.Do("POST", "/admin/roles/"+rid+"/members/"+ada, nil), 201)
		roles = append(roles, rid)
	}
	// A role in the workspace she is not given stays out.
	must(admin.Do("POST", "/admin/workspaces/"+globex+"/roles", map[string]any{"name": "Auditors"}), 201)

	type detail struct {
		Memberships []struct {
			WorkspaceSlug string `json:"workspace_slug"`
			Roles         []struct{ ID, Name string }
		}
	}
	get := func() (d detail) {
		t.Helper()
		res := admin.Do("GET", "/admin/users/"+ada, nil)
		must(res, 200)
		res.JSON(t, &d)
		return d
	}
	got := map[string]string{}
	for _, m := range get().Memberships {
		got[m.WorkspaceSlug] = fmt.Sprint(m.Roles)
	}
	want := map[string]string{"acme": fmt.Sprintf("[{%s Billing} {%s Reviewers}]", roles[1], roles[0]), "globex": "[]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("roles by workspace = %v, want %v", got, want)
	}

	// Taking a role away takes it off the detail.
	must(admin.Do("DELETE", "/admin/roles/"+roles[1]+"/members/"+ada, nil), 204)
	if m := get().Memberships; m[0].WorkspaceSlug != "acme" || len(m[0].Roles) != 1 || m[0].Roles[0].Name != "Reviewers" {
		t.Errorf("after removing Billing: %+v", m)
	}
}

// object fails the test unless res has the status, and returns its body
// when it is a JSON object.
func object(t *testing.T, res *apitest.Response, want int) map[string]any {
	t.Helper()
	if res.Status != want {
		t.Fatalf("got %d %s, want %d", res.Status, res.Body, want)
	}
	if len(res.Body) == 0 || res.Body[0] != '{' {
		return nil
	}
	return res.Map(t)
}
