package authz_test

import (
	"net/url"
	"testing"
)

// The real stores, filled through the admin API and the service routes as
// an operator and a backend would (apitest's fixtures): on the
// deployed-shape stack these are calls to the directory's and RBAC's own
// functions.

// users lists the directory's users whose email starts with email.
func (e *env) users(t *testing.T, email string) []map[string]any {
	t.Helper()
	var page struct{ Items []map[string]any }
	e.admin.Must(200, "GET", "/admin/users?q="+url.QueryEscape(email), nil).JSON(t, &page)
	return page.Items
}

// grant registers actions for the app holding key and gives them to uid in
// wid through a new role.
func (e *env) grant(t *testing.T, key, service, wid, uid string, actions ...string) {
	t.Helper()
	var ids []string
	for _, id := range e.api.RegisterActions(key, service, actions...) {
		ids = append(ids, id)
	}
	rid := e.admin.Role(wid, service+" role")
	e.admin.AddActions(rid, ids...)
	e.admin.Assign(rid, uid)
}
