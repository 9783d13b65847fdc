package authz_test

import (
	"net/url"
	"testing"

	"sentinel/internal/apitest"
)

// The real stores, filled through the admin API and the service routes as
// an operator and a backend would: on the deployed-shape stack these are
// calls to the directory's and RBAC's own functions.

// must fails the test unless the admin request answers status, and
// returns the answer.
func (e *env) must(t *testing.T, status int, method, path string, body any) *apitest.Response {
	t.Helper()
	res := e.admin.Do(method, path, body)
	if res.Status != status {
		t.Fatalf("%s %s = %d %s, want %d", method, path, res.Status, res.Body, status)
	}
	return res
}

// users lists the directory's users whose email starts with email.
func (e *env) users(t *testing.T, email string) []map[string]any {
	t.Helper()
	var page struct{ Items []map[string]any }
	e.must(t, 200, "GET", "/admin/users?q="+url.QueryEscape(email), nil).JSON(t, &page)
	return page.Items
}

// workspace creates a workspace and returns its id.
func (e *env) workspace(t *testing.T, name, slug string) string {
	t.Helper()
	return e.must(t, 201, "POST", "/admin/workspaces", map[string]any{"name": name, "slug": slug}).Map(t)["id"].(string)
}

// join makes the user with email a member of wid with role.
func (e *env) join(t *testing.T, wid, email, role string) {
	t.Helper()
	e.must(t, 201, "POST", "/admin/workspaces/"+wid+"/members", map[string]any{"email": email, "role": role})
}

// group creates a group in wid with the members uids and returns its id.
func (e *env) group(t *testing.T, wid, name string, uids ...string) string {
	t.Helper()
	gid := e.must(t, 201, "POST", "/admin/workspaces/"+wid+"/groups", map[string]any{"name": name}).Map(t)["id"].(string)
	for _, uid := range uids {
		e.must(t, 201, "POST", "/admin/groups/"+gid+"/members/"+uid, nil)
	}
	return gid
}

// grant registers actions for the app holding key and gives them to uid in
// wid through a new role.
func (e *env) grant(t *testing.T, key, service, wid, uid string, actions ...string) {
	t.Helper()
	var body []map[string]any
	for _, a := range actions {
		body = append(body, map[string]any{"action": a})
	}
	res := e.api.Key("POST", "/roles/actions/register", key, map[string]any{"service_name": service, "actions": body})
	if res.Status != 201 {
		t.Fatalf("register %v: %d %s", actions, res.Status, res.Body)
	}
	var registered []struct{ ID string }
	res.JSON(t, &registered)
	var ids []string
	for _, a := range registered {
		ids = append(ids, a.ID)
	}
	rid := e.must(t, 201, "POST", "/admin/workspaces/"+wid+"/roles", map[string]any{"name": service + " role"}).Map(t)["id"].(string)
	e.must(t, 201, "POST", "/admin/roles/"+rid+"/actions", map[string]any{"service_action_ids": ids})
	e.must(t, 201, "POST", "/admin/roles/"+rid+"/members/"+uid, nil)
}
