package permissions_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/identity"
	"sentinel/internal/permissions"
)

func shareInput(typ, id, level string) permissions.ShareInput {
	return permissions.ShareInput{Grantee: permissions.Grantee{Type: typ, ID: id}, Permission: level}
}

// fixture is the API with two service apps (docu-store and billing) and
// two workspaces; its users, memberships and groups are the real
// directory's, made through the admin API (on the deployed-shape stack
// when the suite runs there).
type fixture struct {
	*apitest.API
	t          testing.TB
	admin      *apitest.Admin
	key, other string // docu-store's and billing's keys
	ws, ws2    string
	groups     int // groups made
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return fixtureOn(t, apitest.New(t))
}

// fixtureOn builds the fixture on api: a test that needs the process builds
// api with apitest.NewInProcess and says why.
func fixtureOn(t testing.TB, api *apitest.API) *fixture {
	t.Helper()
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	_, other := admin.CreateApp("billing")
	return &fixture{API: api, t: t, admin: admin, key: key, other: other,
		ws: admin.Workspace("Workspace 1", "ws-1"), ws2: admin.Workspace("Workspace 2", "ws-2")}
}

// member creates the user name (email: name@example.com), makes them a
// viewer of workspace wid and returns their id.
func (f *fixture) member(wid, name string) string {
	f.t.Helper()
	email := name + "@example.com"
	uid := f.admin.User(email, name)
	f.admin.Member(wid, email, "viewer")
	return uid
}

// group creates a group in workspace wid and returns its id.
func (f *fixture) group(wid string) string {
	f.t.Helper()
	f.groups++
	return f.admin.Group(wid, fmt.Sprint("Group ", f.groups))
}

// asUser is the context of docu-store's calls for user (a viewer of the
// fixture's workspace), for calling the service directly.
func (f *fixture) asUser(user string) context.Context {
	ctx := identity.WithService(f.t.Context(), &identity.Service{ServiceName: "docu-store"})
	return identity.WithUser(ctx, &identity.User{ID: user, WorkspaceID: f.ws, Role: "viewer"})
}

// dual calls a dual-tier route as docu-store for a user token.
func (f *fixture) dual(method, path, token string, body any) *apitest.Response {
	f.t.Helper()
	return f.Do(apitest.Request{Method: method, Path: path, Body: body, Header: map[string]string{
		"X-Service-Key": f.key, "Authorization": "Bearer " + token,
	}})
}

// call calls a route as docu-store, with the user token when dual.
func (f *fixture) call(dual bool, method, path, token string, body any) *apitest.Response {
	f.t.Helper()
	if dual {
		return f.dual(method, path, token, body)
	}
	return f.Key(method, path, f.key, body)
}

// register registers a docu-store document and returns its permission id
// and resource id.
func (f *fixture) register(ws, owner, visibility string) (id, resourceID string) {
	f.t.Helper()
	return f.registerAs(f.key, "docu-store", ws, owner, visibility, uuid.NewString())
}

func (f *fixture) registerAs(key, service, ws, owner, visibility, resourceID string) (id, rid string) {
	f.t.Helper()
	res := f.Key("POST", "/permissions/register", key, map[string]any{
		"service_name": service, "resource_type": "doc", "resource_id": resourceID,
		"workspace_id": ws, "owner_id": owner, "visibility": visibility,
	})
	if res.Status != 201 {
		f.t.Fatalf("register: %d %s", res.Status, res.Body)
	}
	return res.Map(f.t)["id"].(string), resourceID
}

// share shares as the given user token and requires a 201.
func (f *fixture) share(token, id, granteeType, grantee, level string) {
	f.t.Helper()
	res := f.dual("POST", "/permissions/"+id+"/share", token, map[string]string{"grantee_type": granteeType, "grantee_id": grantee, "permission": level})
	if res.Status != 201 {
		f.t.Fatalf("share: %d %s", res.Status, res.Body)
	}
}

func doc(rid, action string) map[string]string {
	return map[string]string{"service_name": "docu-store", "resource_type": "doc", "resource_id": rid, "action": action}
}

// check runs checks for a token and returns the answers.
func (f *fixture) check(token string, checks ...map[string]string) []bool {
	f.t.Helper()
	res := f.dual("POST", "/permissions/check", token, map[string]any{"checks": checks})
	if res.Status != 200 {
		f.t.Fatalf("check: %d %s", res.Status, res.Body)
	}
	var out struct {
		Results []struct {
			ResourceID string `json:"resource_id"`
			Action     string `json:"action"`
			Allowed    bool   `json:"allowed"`
		} `json:"results"`
	}
	res.JSON(f.t, &out)
	if len(out.Results) != len(checks) {
		f.t.Fatalf("check: %d results for %d checks", len(out.Results), len(checks))
	}
	var allowed []bool
	for i, r := range out.Results {
		if r.ResourceID != checks[i]["resource_id"] || r.Action != checks[i]["action"] {
			f.t.Fatalf("result %d is for %s/%s, want request order", i, r.ResourceID, r.Action)
		}
		allowed = append(allowed, r.Allowed)
	}
	return allowed
}

// items dumps the Permissions table (tests may Scan; request paths may not).
func (f *fixture) items() []map[string]any {
	f.t.Helper()
	return f.Env.Scan(f.t, f.Env.Names["Permissions"])
}

// count counts the items whose pk and sk start with the given prefixes.
func (f *fixture) count(pk, sk string) int {
	n := 0
	for _, it := range f.items() {
		if strings.HasPrefix(fmt.Sprint(it["pk"]), pk) && strings.HasPrefix(fmt.Sprint(it["sk"]), sk) {
			n++
		}
	}
	return n
}
