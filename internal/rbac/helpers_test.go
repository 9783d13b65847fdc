package rbac_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"sentinel/internal/apitest"
)

// fixture is the API with a signed-in admin and the service app
// "docu-store"; its workspaces, users and memberships are the real
// directory's, made through the admin API (on the deployed-shape stack
// when the suite runs there).
type fixture struct {
	t     *testing.T
	api   *apitest.API
	admin *apitest.Admin
	key   string
	n     int // workspaces made
}

func setup(t *testing.T) *fixture {
	t.Helper()
	return newFixture(t, apitest.New(t))
}

// newFixture signs the admin in to api and creates docu-store: a test that
// needs the process builds api with apitest.NewInProcess and says why.
func newFixture(t *testing.T, api *apitest.API) *fixture {
	t.Helper()
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	return &fixture{t: t, api: api, admin: admin, key: key}
}

// workspace creates a workspace and returns its id.
func (f *fixture) workspace() string {
	f.t.Helper()
	f.n++
	return f.admin.Workspace(fmt.Sprint("Workspace ", f.n), fmt.Sprint("ws-", f.n))
}

// email is the address of the user named name.
func email(name string) string { return strings.ToLower(name) + "@example.com" }

// member creates the user name (email: name in lower case @example.com),
// makes them a viewer of workspace wid and returns their id.
func (f *fixture) member(wid, name string) string {
	f.t.Helper()
	uid := f.admin.User(email(name), name)
	f.join(wid, name)
	return uid
}

// join makes the existing user name a viewer of workspace wid too.
func (f *fixture) join(wid, name string) {
	f.t.Helper()
	f.admin.Member(wid, email(name), "viewer")
}

// want fails the test unless res has the status (and detail, when given).
func want(t *testing.T, res *apitest.Response, status int, detail ...string) {
	t.Helper()
	if res.Status != status || (len(detail) > 0 && res.Detail(t) != detail[0]) {
		t.Fatalf("got %d %s, want %d %v", res.Status, res.Body, status, detail)
	}
}

// register registers actions of docu-store and returns their ids by name.
func (f *fixture) register(actions ...string) map[string]string {
	f.t.Helper()
	return f.api.RegisterActions(f.key, "docu-store", actions...)
}

// dual calls a dual-tier route as uid in wid.
func (f *fixture) dual(method, path, uid, wid string, body any) *apitest.Response {
	f.t.Helper()
	return f.api.Do(apitest.Request{Method: method, Path: path, Body: body, Header: map[string]string{
		"X-Service-Key": f.key, "Authorization": "Bearer " + f.api.UserToken(uid, wid, "viewer"),
	}})
}

// checkAction answers whether uid may do action in wid, and through which roles.
func (f *fixture) checkAction(uid, wid, action string) (bool, []string) {
	f.t.Helper()
	res := f.dual("POST", "/roles/check-action", uid, wid, map[string]any{"service_name": "docu-store", "action": action, "workspace_id": wid})
	want(f.t, res, 200)
	var d struct {
		Allowed bool
		Roles   []string
	}
	res.JSON(f.t, &d)
	return d.Allowed, d.Roles
}

func (f *fixture) role(wid, rid string) map[string]any {
	f.t.Helper()
	var page struct{ Items []map[string]any }
	res := f.admin.Do("GET", "/admin/workspaces/"+wid+"/roles?limit=100", nil)
	want(f.t, res, 200)
	res.JSON(f.t, &page)
	for _, r := range page.Items {
		if r["id"] == rid {
			return r
		}
	}
	return nil
}

// items dumps the RBAC table as "pk sk" lines, sorted (tests may Scan;
// request paths may not).
func (f *fixture) items() []string {
	f.t.Helper()
	var lines []string
	for _, it := range f.api.Env.Scan(f.t, f.api.Env.Names["RBAC"]) {
		lines = append(lines, fmt.Sprintf("%s %s", it["pk"], it["sk"]))
	}
	sort.Strings(lines)
	return lines
}

// wantActivity checks the actions recorded for a target, newest first,
// each by the test admin.
func (f *fixture) wantActivity(targetType, id, want string) {
	f.t.Helper()
	var page struct {
		Items []struct{ Action, Actor string }
	}
	f.admin.Do("GET", "/admin/activity?target_type="+targetType+"&target_id="+id, nil).JSON(f.t, &page)
	var actions []string
	for _, e := range page.Items {
		if e.Actor != apitest.AdminEmail {
			f.t.Errorf("entry %s has actor %q", e.Action, e.Actor)
		}
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); got != want {
		f.t.Errorf("activity of %s %s = %s, want %s", targetType, id, got, want)
	}
}
