package rbac_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/authtier"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
)

func TestRegisterIsIdempotentAndUpdatesDescriptions(t *testing.T) {
	f := setup(t)
	reg := func(body string) []map[string]any {
		t.Helper()
		res := f.api.Key("POST", "/roles/actions/register", f.key, body)
		want(t, res, 201)
		var out []map[string]any
		res.JSON(t, &out)
		return out
	}
	before := f.api.Clock.Now()
	first := reg(`{"service_name":"docu-store","actions":[{"action":"reports:export","description":"Export"},{"action":"reports:view"}]}`)
	if len(first) != 2 || first[0]["action"] != "reports:export" || first[0]["description"] != "Export" || first[1]["description"] != nil {
		t.Fatalf("first registration = %v", first)
	}
	after := f.api.Clock.Now()
	for _, a := range first {
		if _, err := uuid.Parse(a["id"].(string)); err != nil || a["service_name"] != "docu-store" {
			t.Errorf("registered action = %v", a)
		}
		apitest.Within(t, "created_at", a["created_at"].(string), before, after)
	}
	f.api.Clock.Step()
	// Again, in another order, with a new description for one and none for
	// the other: same ids and creation times, the description updated or kept.
	again := reg(`{"service_name":"docu-store","actions":[{"action":"reports:view","description":"View"},{"action":"reports:export"}]}`)
	if again[0]["id"] != first[1]["id"] || again[1]["id"] != first[0]["id"] {
		t.Errorf("ids changed: %v then %v", first, again)
	}
	if again[0]["description"] != "View" || again[1]["description"] != "Export" || again[1]["created_at"] != first[0]["created_at"] {
		t.Errorf("second registration = %v", again)
	}
	var list struct{ Items []map[string]any }
	f.admin.Do("GET", "/admin/service-actions?service_name=docu-store", nil).JSON(t, &list)
	if len(list.Items) != 2 || list.Items[0]["action"] != "reports:export" || list.Items[1]["description"] != "View" {
		t.Errorf("stored actions = %v", list.Items)
	}
}

func TestRegisterValidationAndScope(t *testing.T) {
	f := setup(t)
	_, billingKey := f.admin.CreateApp("billing")
	action := func(a string) map[string]any {
		return map[string]any{"service_name": "docu-store", "actions": []map[string]any{{"action": a}}}
	}
	var tooMany []map[string]any
	for i := range 101 {
		tooMany = append(tooMany, map[string]any{"action": fmt.Sprint("a", i)})
	}
	const rule = "actions[0].action: must match ^[a-z][a-z0-9_.:-]*$"
	cases := []struct {
		name       string
		key        string
		body       any
		wantStatus int
		wantDetail string
	}{
		{"upper case", f.key, action("Reports:export"), 422, rule},
		{"leading digit", f.key, action("1reports"), 422, rule},
		{"space", f.key, action("reports export"), 422, rule},
		{"hash", f.key, action("reports#export"), 422, rule},
		{"empty", f.key, action(""), 422, "actions[0].action: is required"},
		{"too long", f.key, action("a" + strings.Repeat("b", 255)), 422, "actions[0].action: must be at most 255 characters"},
		{"listed twice", f.key, map[string]any{"service_name": "docu-store", "actions": []map[string]any{{"action": "a"}, {"action": "a"}}}, 422, "actions[1].action: is listed twice"},
		{"too many", f.key, map[string]any{"service_name": "docu-store", "actions": tooMany}, 422, "actions: must have at most 100 entries"},
		{"long description", f.key, map[string]any{"service_name": "docu-store", "actions": []map[string]any{{"action": "a", "description": strings.Repeat("d", 1001)}}}, 422, "actions[0].description: must be at most 1000 characters"},
		{"bad service name", f.key, map[string]any{"service_name": "Docu", "actions": []any{}}, 422, "service_name: must match ^[a-z][a-z0-9_.-]*$"},
		{"wrong type", f.key, map[string]any{"service_name": 5, "actions": []any{}}, 422, "service_name: must be a string"},
		{"another service", billingKey, action("reports:export"), 403, "Service key is not authorized for service 'docu-store'"},
		{"no key", "", action("reports:export"), 401, "Invalid or missing service API key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := f.api.Key("POST", "/roles/actions/register", tc.key, apitest.Bad(tc.body))
			if res.Status != tc.wantStatus || res.Detail(t) != tc.wantDetail {
				t.Errorf("got %d %q, want %d %q", res.Status, res.Detail(t), tc.wantStatus, tc.wantDetail)
			}
		})
	}
	if items := f.items(); len(items) != 0 {
		t.Errorf("refused registrations stored %v", items)
	}
}

// checkWorld is a workspace where alice holds "Editors" (reports:view,
// reports:export) and "Auditors" (reports:view), bob holds nothing, and
// carol holds "Editors" in another workspace.
type checkWorld struct {
	*fixture
	ws, other, alice, bob, carol string
}

func newCheckWorld(t *testing.T) *checkWorld {
	t.Helper()
	return checkWorldOf(setup(t))
}

func checkWorldOf(f *fixture) *checkWorld {
	f.t.Helper()
	w := &checkWorld{fixture: f, ws: f.workspace(), other: f.workspace()}
	ids := f.register("reports:view", "reports:export", "dashboards:create")
	w.alice, w.bob = f.member(w.ws, "Alice"), f.member(w.ws, "Bob")
	w.carol = f.member(w.other, "Carol")
	editors, auditors := f.admin.Role(w.ws, "Editors"), f.admin.Role(w.ws, "Auditors")
	f.admin.AddActions(editors, ids["reports:view"], ids["reports:export"])
	f.admin.AddActions(auditors, ids["reports:view"])
	f.admin.Assign(editors, w.alice)
	f.admin.Assign(auditors, w.alice)
	otherEditors := f.admin.Role(w.other, "Editors")
	f.admin.AddActions(otherEditors, ids["reports:export"], ids["dashboards:create"])
	f.admin.Assign(otherEditors, w.carol)
	return w
}

func TestCheckAction(t *testing.T) {
	w := newCheckWorld(t)
	_, billingKey := w.admin.CreateApp("billing")
	body := func(action, wid string) map[string]any {
		return map[string]any{"service_name": "docu-store", "action": action, "workspace_id": wid}
	}
	cases := []struct {
		name       string
		user, wid  string
		body       any
		wantStatus int
		want       string // decision JSON or error detail
	}{
		{"two roles grant", w.alice, w.ws, body("reports:view", w.ws), 200, `{"allowed":true,"roles":["Auditors","Editors"]}`},
		{"one role grants", w.alice, w.ws, body("reports:export", w.ws), 200, `{"allowed":true,"roles":["Editors"]}`},
		{"registered, not held here", w.alice, w.ws, body("dashboards:create", w.ws), 200, `{"allowed":false,"roles":[]}`},
		{"never registered", w.alice, w.ws, body("reports:delete", w.ws), 200, `{"allowed":false,"roles":[]}`},
		{"no roles", w.bob, w.ws, body("reports:view", w.ws), 200, `{"allowed":false,"roles":[]}`},
		{"roles of another workspace do not leak", w.carol, w.other, body("reports:view", w.other), 200, `{"allowed":false,"roles":[]}`},
		{"upper-case workspace id", w.alice, w.ws, body("reports:view", strings.ToUpper(w.ws)), 200, `{"allowed":true,"roles":["Auditors","Editors"]}`},
		{"cross-workspace", w.alice, w.ws, body("reports:view", w.other), 403, "Cross-workspace check not allowed"},
		{"bad action", w.alice, w.ws, body("Reports", w.ws), 422, "action: must match ^[a-z][a-z0-9_.:-]*$"},
		{"bad workspace id", w.alice, w.ws, body("reports:view", "w1"), 422, "workspace_id: must be a UUID"},
		{"missing service", w.alice, w.ws, map[string]any{"action": "a", "workspace_id": w.ws}, 422, "service_name: is required"},
		{"another service", w.alice, w.ws, map[string]any{"service_name": "billing", "action": "a", "workspace_id": w.ws}, 403, "Service key is not authorized for service 'billing'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := w.dual("POST", "/roles/check-action", tc.user, tc.wid, tc.body)
			got := strings.TrimSpace(string(res.Body))
			if res.Status >= 400 {
				got = res.Detail(t)
			}
			if res.Status != tc.wantStatus || got != tc.want {
				t.Errorf("got %d %s, want %d %s", res.Status, got, tc.wantStatus, tc.want)
			}
		})
	}
	t.Run("key of another service with the user's token", func(t *testing.T) {
		res := w.api.Do(apitest.Request{Method: "POST", Path: "/roles/check-action", Body: body("reports:view", w.ws), Header: map[string]string{
			"X-Service-Key": billingKey, "Authorization": "Bearer " + w.api.UserToken(w.alice, w.ws, "viewer")}})
		want(t, res, 403, "Service key is not authorized for service 'docu-store'")
	})
	t.Run("no user token", func(t *testing.T) {
		want(t, w.api.Key("POST", "/roles/check-action", w.key, body("reports:view", w.ws)), 401, "Missing bearer token")
	})
}

func TestUserActions(t *testing.T) {
	w := newCheckWorld(t)
	get := func(uid, tokenWID, query string) *apitest.Response {
		return w.dual("GET", "/roles/user-actions?"+query, uid, tokenWID, nil)
	}
	cases := []struct {
		name       string
		user, wid  string
		query      string
		wantStatus int
		want       string
	}{
		{"union of roles, sorted, once each", w.alice, w.ws, "service_name=docu-store&workspace_id=" + w.ws, 200, `{"actions":["reports:export","reports:view"]}`},
		{"other workspace", w.carol, w.other, "service_name=docu-store&workspace_id=" + w.other, 200, `{"actions":["dashboards:create","reports:export"]}`},
		{"no roles", w.bob, w.ws, "service_name=docu-store&workspace_id=" + w.ws, 200, `{"actions":[]}`},
		{"cross-workspace", w.alice, w.ws, "service_name=docu-store&workspace_id=" + w.other, 403, "Cross-workspace lookup not allowed"},
		{"another service", w.alice, w.ws, "service_name=billing&workspace_id=" + w.ws, 403, "Service key is not authorized for service 'billing'"},
		{"missing workspace", w.alice, w.ws, "service_name=docu-store", 422, "workspace_id: is required"},
		{"missing service", w.alice, w.ws, "workspace_id=" + w.ws, 422, "service_name: is required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := get(tc.user, tc.wid, tc.query)
			got := strings.TrimSpace(string(res.Body))
			if res.Status >= 400 {
				got = res.Detail(t)
			}
			if res.Status != tc.wantStatus || got != tc.want {
				t.Errorf("got %d %s, want %d %s", res.Status, got, tc.wantStatus, tc.want)
			}
		})
	}
}

// POST /roles/check is the key-only check: the backend names the user,
// and a bearer token neither is needed nor changes whom it is about.
func TestKeyOnlyRoleCheck(t *testing.T) {
	w := newCheckWorld(t)
	body := func(uid, wid string) map[string]any {
		return map[string]any{"service_name": "docu-store", "action": "reports:export", "workspace_id": wid, "user_id": uid}
	}
	cases := []struct {
		name       string
		body       any
		wantStatus int
		want       string
	}{
		{"member with the action", body(w.alice, w.ws), 200, `{"allowed":true,"roles":["Editors"]}`},
		{"member without", body(w.bob, w.ws), 200, `{"allowed":false,"roles":[]}`},
		{"any workspace", body(w.carol, w.other), 200, `{"allowed":true,"roles":["Editors"]}`},
		{"user of another workspace", body(w.carol, w.ws), 200, `{"allowed":false,"roles":[]}`},
		{"missing user", map[string]any{"service_name": "docu-store", "action": "a", "workspace_id": w.ws}, 422, "user_id: is required"},
		{"bad user", body("u1", w.ws), 422, "user_id: must be a UUID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := w.api.Do(apitest.Request{Method: "POST", Path: "/roles/check", Body: tc.body, Header: map[string]string{
				"X-Service-Key": w.key, "Authorization": "Bearer " + w.api.UserToken(w.bob, w.ws, "viewer")}})
			got := strings.TrimSpace(string(res.Body))
			if res.Status >= 400 {
				got = res.Detail(t)
			}
			if res.Status != tc.wantStatus || got != tc.want {
				t.Errorf("got %d %s, want %d %s", res.Status, got, tc.wantStatus, tc.want)
			}
		})
	}
	_, billingKey := w.admin.CreateApp("billing")
	want(t, w.api.Key("POST", "/roles/check", billingKey, body(w.alice, w.ws)), 403, "Service key is not authorized for service 'docu-store'")
	want(t, w.api.Key("POST", "/roles/check", "", body(w.alice, w.ws)), 401, "Invalid or missing service API key")
	// A user who is no member any more holds nothing there, even while a
	// stale assignment is left (no token vouches for the named user).
	// (The membership ends in the directory alone, not through the admin
	// API, which would purge the assignments.)
	bare := directory.NewStore(w.api.Env.Client, w.api.Env.Names[dynamo.Directory.ID], w.api.Deps.Activity, w.api.Clock.Now)
	if err := bare.RemoveMember(t.Context(), w.ws, w.alice); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(w.items(), func(line string) bool { return strings.Contains(line, w.alice) }) {
		t.Fatal("no stale assignment left")
	}
	res := w.api.Key("POST", "/roles/check", w.key, body(w.alice, w.ws))
	if got := strings.TrimSpace(string(res.Body)); res.Status != 200 || got != `{"allowed":false,"roles":[]}` {
		t.Errorf("former member: got %d %s, want allowed false", res.Status, got)
	}
}

// With the key cached, a check costs one Query (the user's assignments)
// and one BatchGetItem (their roles), however many roles the workspace has;
// the key-only check, which no token vouches for, also reads the
// membership (one GetItem of the real directory).
func TestCheckCost(t *testing.T) {
	w := checkWorldOf(newFixture(t, apitest.NewInProcess(t, "counts the functions' DynamoDB calls")))
	ids := w.register("reports:view")
	for i := range 40 {
		rid := w.admin.Role(w.ws, fmt.Sprint("Extra ", i))
		w.admin.AddActions(rid, ids["reports:view"])
		if i%10 == 0 {
			w.admin.Assign(rid, w.alice)
		}
	}
	c := w.api.Env.Counter
	calls := []struct {
		name      string
		do        func() *apitest.Response
		wantCalls string
	}{
		{"check-action", func() *apitest.Response {
			return w.dual("POST", "/roles/check-action", w.alice, w.ws, map[string]any{"service_name": "docu-store", "action": "reports:view", "workspace_id": w.ws})
		}, "map[BatchGetItem:1 Query:1]"},
		{"user-actions", func() *apitest.Response {
			return w.dual("GET", "/roles/user-actions?service_name=docu-store&workspace_id="+w.ws, w.alice, w.ws, nil)
		}, "map[BatchGetItem:1 Query:1]"},
		{"key-only check", func() *apitest.Response {
			return w.api.Key("POST", "/roles/check", w.key, map[string]any{"service_name": "docu-store", "action": "reports:view", "workspace_id": w.ws, "user_id": w.alice})
		}, "map[BatchGetItem:1 GetItem:1 Query:1]"},
		{"check-action, user without roles", func() *apitest.Response {
			return w.dual("POST", "/roles/check-action", w.bob, w.ws, map[string]any{"service_name": "docu-store", "action": "reports:view", "workspace_id": w.ws})
		}, "map[Query:1]"},
	}
	for _, call := range calls {
		t.Run(call.name, func(t *testing.T) {
			w.api.Clock.Advance(authtier.CacheTTL) // a cold key first…
			want(t, call.do(), 200)
			c.Reset() // …then the cached key
			res := call.do()
			want(t, res, 200)
			if got := fmt.Sprint(c.Counts()); got != call.wantCalls {
				t.Errorf("DynamoDB calls = %s, want %s", got, call.wantCalls)
			}
			if c.Total() > 3 {
				t.Errorf("%d DynamoDB calls, the bar is 3", c.Total())
			}
		})
	}
	allowed, roles := w.checkAction(w.alice, w.ws, "reports:view")
	if !allowed || len(roles) != 6 || !slices.IsSorted(roles) {
		t.Errorf("alice's roles granting reports:view = %v", roles)
	}
}
