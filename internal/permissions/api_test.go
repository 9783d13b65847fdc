package permissions_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/authtier"
)

// Every decision rule of api.md section 4, through POST /permissions/check
// against DynamoDB Local: one resource per situation, one token per actor.
func TestDecisionRules(t *testing.T) {
	f := newFixture(t)
	ws, ws2 := f.ws, f.ws2
	owner := f.member(ws, "owner")
	viewer := f.member(ws, "viewer")
	viewShared := f.member(ws, "view-shared")
	editShared := f.member(ws, "edit-shared")
	inGroup := f.member(ws, "in-group")
	viewGroup, editGroup := f.group(ws), f.group(ws)
	ownerTok := f.UserToken(owner, ws, "viewer")

	_, public := f.register(ws, owner, "workspace")
	privID, private := f.register(ws, owner, "private")
	f.share(ownerTok, privID, "user", viewShared, "view")
	f.share(ownerTok, privID, "user", editShared, "edit")
	f.share(ownerTok, privID, "group", viewGroup, "view")
	f.share(ownerTok, privID, "group", editGroup, "edit")
	_, elsewhere := f.register(ws2, owner, "workspace")
	unregistered := uuid.NewString()
	// billing registers a doc with an id docu-store never registered.
	_, billingDoc := f.registerAs(f.other, "billing", ws, owner, "workspace", uuid.NewString())

	type actor struct {
		user, ws, role string
		groups         []string
	}
	cases := []struct {
		name     string
		who      actor
		resource string
		view     bool // answer for view
		edit     bool // answer for edit
	}{
		{"owner (viewer role) on own private", actor{owner, ws, "viewer", nil}, private, true, true},
		{"workspace owner role", actor{viewer, ws, "owner", nil}, private, true, true},
		{"workspace admin role", actor{viewer, ws, "admin", nil}, private, true, true},
		{"editor role, workspace-visible", actor{viewer, ws, "editor", nil}, public, true, true},
		{"editor role, private", actor{viewer, ws, "editor", nil}, private, false, false},
		{"viewer role, workspace-visible", actor{viewer, ws, "viewer", nil}, public, true, false},
		{"viewer role, private", actor{viewer, ws, "viewer", nil}, private, false, false},
		{"view share to the user", actor{viewShared, ws, "viewer", nil}, private, true, false},
		{"edit share to the user", actor{editShared, ws, "viewer", nil}, private, true, true},
		{"view share to a group", actor{inGroup, ws, "viewer", []string{uuid.NewString(), viewGroup}}, private, true, false},
		{"edit share to a group", actor{inGroup, ws, "viewer", []string{editGroup}}, private, true, true},
		{"group share, token without the group", actor{inGroup, ws, "viewer", []string{uuid.NewString()}}, private, false, false},
		{"resource in another workspace", actor{viewer, ws, "admin", nil}, elsewhere, false, false},
		{"owner acting in another workspace", actor{owner, ws2, "viewer", nil}, private, false, false},
		{"registered by another service only", actor{viewer, ws, "admin", nil}, billingDoc, false, false},
		{"unregistered", actor{viewer, ws, "owner", nil}, unregistered, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := f.UserToken(tc.who.user, tc.who.ws, tc.who.role, tc.who.groups...)
			got := f.check(tok, doc(tc.resource, "view"), doc(tc.resource, "edit"))
			if got[0] != tc.view || got[1] != tc.edit {
				t.Errorf("view, edit = %v, %v; want %v, %v", got[0], got[1], tc.view, tc.edit)
			}
		})
	}
}

func TestRegister(t *testing.T) {
	f := newFixture(t)
	owner := uuid.NewString()
	rid := strings.ToUpper(uuid.NewString())
	body := map[string]any{"service_name": "docu-store", "resource_type": "doc", "resource_id": rid, "workspace_id": f.ws, "owner_id": owner}
	from := f.Clock.Now()
	res := f.Key("POST", "/permissions/register", f.key, body)
	if res.Status != 201 {
		t.Fatalf("register: %d %s", res.Status, res.Body)
	}
	first := res.Map(t)
	if first["visibility"] != "workspace" || first["resource_id"] != strings.ToLower(rid) || first["owner_id"] != owner ||
		len(first["shares"].([]any)) != 0 {
		t.Errorf("registered record = %v", first)
	}
	apitest.Within(t, "created_at", fmt.Sprint(first["created_at"]), from, f.Clock.Now())
	// Registering again returns the stored record unchanged, whatever the body says.
	f.Clock.Advance(time.Millisecond)
	body["owner_id"], body["visibility"] = uuid.NewString(), "private"
	res = f.Key("POST", "/permissions/register", f.key, body)
	if again := res.Map(t); res.Status != 201 || fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("register again: %d %v, want 201 %v", res.Status, again, first)
	}
	if n := f.count("RES#", "RES"); n != 1 {
		t.Errorf("%d records, want 1", n)
	}
}

// The 422s of api.md: names, UUIDs, enums, limits.
func TestValidation(t *testing.T) {
	f := newFixture(t)
	owner := f.member(f.ws, "owner")
	tok := f.UserToken(owner, f.ws, "owner")
	id, _ := f.register(f.ws, owner, "private")
	reg := func(change func(map[string]any)) map[string]any {
		b := map[string]any{"service_name": "docu-store", "resource_type": "doc", "resource_id": uuid.NewString(), "workspace_id": f.ws, "owner_id": owner}
		change(b)
		return b
	}
	acc := func(change func(map[string]any)) map[string]any {
		b := map[string]any{"service_name": "docu-store", "resource_type": "doc", "action": "view", "workspace_id": f.ws}
		change(b)
		return b
	}
	many := make([]map[string]string, 101)
	for i := range many {
		many[i] = doc(uuid.NewString(), "view")
	}
	cases := []struct {
		name       string
		method     string
		path       string
		dual       bool
		body       any
		wantDetail string
	}{
		{"type pattern", "POST", "/permissions/register", false, reg(func(b map[string]any) { b["resource_type"] = "Doc" }), "resource_type: must match ^[a-z][a-z0-9_.-]*$"},
		{"empty type", "POST", "/permissions/register", false, reg(func(b map[string]any) { delete(b, "resource_type") }), "resource_type: must match ^[a-z][a-z0-9_.-]*$"},
		{"type too long", "POST", "/permissions/register", false, reg(func(b map[string]any) { b["resource_type"] = strings.Repeat("a", 256) }), "resource_type: must be at most 255 characters"},
		{"service pattern", "POST", "/permissions/register", false, reg(func(b map[string]any) { b["service_name"] = "9lives" }), "service_name: must match ^[a-z][a-z0-9_.-]*$"},
		{"resource id", "POST", "/permissions/register", false, reg(func(b map[string]any) { b["resource_id"] = "doc-1" }), "resource_id: must be a UUID"},
		{"workspace id", "POST", "/permissions/register", false, reg(func(b map[string]any) { b["workspace_id"] = "" }), "workspace_id: must be a UUID"},
		{"owner id", "POST", "/permissions/register", false, reg(func(b map[string]any) { b["owner_id"] = 7 }), "owner_id: must be a string"},
		{"visibility", "POST", "/permissions/register", false, reg(func(b map[string]any) { b["visibility"] = "public" }), "visibility: must be private or workspace"},
		{"empty visibility", "POST", "/permissions/register", false, reg(func(b map[string]any) { b["visibility"] = "" }), "visibility: must be private or workspace"},
		{"checks missing", "POST", "/permissions/check", true, map[string]any{}, "checks: is required"},
		{"101 checks", "POST", "/permissions/check", true, map[string]any{"checks": many}, "checks: must have at most 100 entries"},
		{"check action", "POST", "/permissions/check", true, map[string]any{"checks": []any{doc(uuid.NewString(), "view"), doc(uuid.NewString(), "delete")}}, "checks[1].action: must be view or edit"},
		{"check resource id", "POST", "/permissions/check", true, map[string]any{"checks": []any{doc("42", "view")}}, "checks[0].resource_id: must be a UUID"},
		{"accessible limit 0", "POST", "/permissions/accessible", true, acc(func(b map[string]any) { b["limit"] = 0 }), "limit: must be an integer from 1 to 10000"},
		{"accessible limit 10001", "POST", "/permissions/accessible", true, acc(func(b map[string]any) { b["limit"] = 10001 }), "limit: must be an integer from 1 to 10000"},
		{"accessible action", "POST", "/permissions/accessible", true, acc(func(b map[string]any) { b["action"] = "own" }), "action: must be view or edit"},
		{"accessible workspace", "POST", "/permissions/accessible", true, acc(func(b map[string]any) { b["workspace_id"] = "w1" }), "workspace_id: must be a UUID"},
		{"share level", "POST", "/permissions/" + id + "/share", true, map[string]any{"grantee_type": "user", "grantee_id": owner, "permission": "admin"}, "permission: must be view or edit"},
		{"share level missing", "POST", "/permissions/" + id + "/share", true, map[string]any{"grantee_type": "user", "grantee_id": owner}, "permission: must be view or edit"},
		{"grantee type", "POST", "/permissions/" + id + "/share", true, map[string]any{"grantee_type": "team", "grantee_id": owner, "permission": "view"}, "grantee_type: must be user or group"},
		{"grantee id", "POST", "/permissions/" + id + "/share", true, map[string]any{"grantee_type": "user", "grantee_id": "bob", "permission": "view"}, "grantee_id: must be a UUID"},
		{"revoke level", "DELETE", "/permissions/" + id + "/share", false, map[string]any{"grantee_type": "user", "grantee_id": owner, "permission": "all"}, "permission: must be view or edit"},
		{"visibility patch", "PATCH", "/permissions/" + id + "/visibility", false, map[string]any{"visibility": "everyone"}, "visibility: must be private or workspace"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := f.call(tc.dual, tc.method, tc.path, tok, apitest.Bad(tc.body))
			if res.Status != 422 || res.Detail(t) != tc.wantDetail {
				t.Errorf("got %d %q, want 422 %q", res.Status, res.Detail(t), tc.wantDetail)
			}
		})
	}
	// 100 checks are fine.
	if got := f.check(tok, many[:100]...); len(got) != 100 || slices.Contains(got, true) {
		t.Errorf("100 unregistered checks: %v", got)
	}
	// A path naming a malformed resource is simply not found.
	for _, path := range []string{"/permissions/resource/docu-store/Doc/" + uuid.NewString(), "/permissions/resource/docu-store/doc/42", "/permissions/not-a-uuid/visibility"} {
		method := map[bool]string{true: "PATCH", false: "GET"}[strings.HasSuffix(path, "visibility")]
		if res := f.Key(method, path, f.key, map[string]any{"visibility": "private"}); res.Status != 404 {
			t.Errorf("%s %s: got %d %s, want 404", method, path, res.Status, res.Body)
		}
	}
}

// A key scopes everything to its service: bodies and paths naming another
// service, and permission ids of another service's resources, are 403.
func TestScope(t *testing.T) {
	f := newFixture(t)
	owner := f.member(f.ws, "owner")
	tok := f.UserToken(owner, f.ws, "owner")
	billingID, billingRID := f.registerAs(f.other, "billing", f.ws, owner, "private", uuid.NewString())
	const msg = "Service key is not authorized for service 'billing'"
	billingDoc := map[string]string{"service_name": "billing", "resource_type": "doc", "resource_id": billingRID, "action": "view"}
	cases := []struct {
		name         string
		method, path string
		dual         bool
		body         any
	}{
		{"register", "POST", "/permissions/register", false, map[string]any{"service_name": "billing", "resource_type": "doc", "resource_id": uuid.NewString(), "workspace_id": f.ws, "owner_id": owner}},
		{"any check of the batch", "POST", "/permissions/check", true, map[string]any{"checks": []any{doc(uuid.NewString(), "view"), billingDoc}}},
		{"accessible", "POST", "/permissions/accessible", true, map[string]any{"service_name": "billing", "resource_type": "doc", "action": "view", "workspace_id": f.ws}},
		{"share by id", "POST", "/permissions/" + billingID + "/share", true, map[string]any{"grantee_type": "user", "grantee_id": owner, "permission": "view"}},
		{"revoke by id", "DELETE", "/permissions/" + billingID + "/share", false, map[string]any{"grantee_type": "user", "grantee_id": owner}},
		{"visibility by id", "PATCH", "/permissions/" + billingID + "/visibility", false, map[string]any{"visibility": "workspace"}},
		{"get", "GET", "/permissions/resource/billing/doc/" + billingRID, false, nil},
		{"get enriched", "GET", "/permissions/resource/billing/doc/" + billingRID + "/enriched", false, nil},
		{"deregister", "DELETE", "/permissions/resource/billing/doc/" + billingRID, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := f.call(tc.dual, tc.method, tc.path, tok, tc.body)
			if res.Status != 403 || res.Detail(t) != msg {
				t.Errorf("got %d %s, want 403 %q", res.Status, res.Body, msg)
			}
		})
	}
	// Untouched: billing still sees its private resource with no share.
	res := f.Key("GET", "/permissions/resource/billing/doc/"+billingRID, f.other, nil)
	if m := res.Map(t); res.Status != 200 || m["visibility"] != "private" || len(m["shares"].([]any)) != 0 {
		t.Errorf("billing's resource after the refused calls: %d %s", res.Status, res.Body)
	}
	// Dual-tier routes need the user token; key-only routes do not.
	if res := f.Key("POST", "/permissions/check", f.key, map[string]any{"checks": []any{}}); res.Status != 401 {
		t.Errorf("check without a token: %d", res.Status)
	}
}

func TestSharing(t *testing.T) {
	f := newFixture(t)
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	outsider := f.member(f.ws2, "outsider")
	group, otherGroup := f.group(f.ws), f.group(f.ws2)
	id, rid := f.register(f.ws, owner, "private")
	grant := func(tok, typ, grantee, level string) *apitest.Response {
		return f.dual("POST", "/permissions/"+id+"/share", tok, map[string]string{"grantee_type": typ, "grantee_id": grantee, "permission": level})
	}
	cases := []struct {
		name       string
		tok        string
		typ, who   string
		wantStatus int
		wantDetail string
	}{
		{"member of the workspace, not the owner", f.UserToken(member, f.ws, "editor"), "user", member, 403, "Only the resource owner or workspace admin can share"},
		{"other workspace's admin", f.UserToken(outsider, f.ws2, "admin"), "user", member, 403, "Cross-workspace sharing not allowed"},
		{"user outside the workspace", f.UserToken(owner, f.ws, "viewer"), "user", outsider, 400, "Grantee is not a member of this workspace"},
		{"unknown user", f.UserToken(owner, f.ws, "viewer"), "user", uuid.NewString(), 400, "Grantee is not a member of this workspace"},
		{"group of another workspace", f.UserToken(owner, f.ws, "viewer"), "group", otherGroup, 400, "Group does not belong to this workspace"},
		{"owner shares", f.UserToken(owner, f.ws, "viewer"), "user", member, 201, ""},
		{"workspace admin shares", f.UserToken(member, f.ws, "admin"), "group", group, 201, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := grant(tc.tok, tc.typ, tc.who, "view")
			if res.Status != tc.wantStatus || (tc.wantDetail != "" && res.Detail(t) != tc.wantDetail) {
				t.Errorf("got %d %s, want %d %q", res.Status, res.Body, tc.wantStatus, tc.wantDetail)
			}
		})
	}
	if res := grant(f.UserToken(owner, f.ws, "viewer"), "user", member, "view"); res.Status != 201 || res.Map(t)["status"] != "ok" {
		t.Errorf("share answer: %d %s", res.Status, res.Body)
	}
	// Sharing again changes the level: still one share, same id.
	get := func() []map[string]any {
		var rp struct{ Shares []map[string]any }
		f.Key("GET", "/permissions/resource/docu-store/doc/"+rid, f.key, nil).JSON(t, &rp)
		return rp.Shares
	}
	before := get()
	f.Clock.Step()
	from := f.Clock.Now()
	grant(f.UserToken(owner, f.ws, "viewer"), "user", member, "edit")
	to := f.Clock.Now()
	after := get()
	userShare := func(shares []map[string]any) map[string]any {
		for _, s := range shares {
			if s["grantee_id"] == member {
				return s
			}
		}
		return nil
	}
	b, a := userShare(before), userShare(after)
	if len(after) != 2 || a["permission"] != "edit" || a["id"] != b["id"] || a["granted_by"] != owner {
		t.Errorf("after re-share: %v (before %v)", after, before)
	}
	apitest.Within(t, "granted_at after re-share", fmt.Sprint(a["granted_at"]), from, to)
	if got := f.check(f.UserToken(member, f.ws, "viewer"), doc(rid, "edit")); !got[0] {
		t.Error("edit share does not allow edit")
	}
	// Revocation: key tier, the bearer token the SDK sends is ignored, the
	// level is optional, and a missing share is a 404.
	revoke := func(body map[string]string) *apitest.Response {
		return f.Do(apitest.Request{Method: "DELETE", Path: "/permissions/" + id + "/share", Body: body, Header: map[string]string{
			"X-Service-Key": f.key, "Authorization": "Bearer expired.or.garbage",
		}})
	}
	if res := revoke(map[string]string{"grantee_type": "user", "grantee_id": member}); res.Status != 200 || res.Map(t)["status"] != "ok" {
		t.Errorf("revoke: %d %s", res.Status, res.Body)
	}
	if got := f.check(f.UserToken(member, f.ws, "viewer"), doc(rid, "view")); got[0] {
		t.Error("revoked share still allows view")
	}
	res := revoke(map[string]string{"grantee_type": "user", "grantee_id": member, "permission": "view"})
	if res.Status != 404 || res.Detail(t) != "Share not found" {
		t.Errorf("revoke again: %d %s, want 404", res.Status, res.Body)
	}
	if res := revoke(map[string]string{"grantee_type": "user", "grantee_id": group}); res.Status != 404 {
		t.Errorf("revoke the group's share as a user's: %d, want 404", res.Status)
	}
	if res := f.Key("DELETE", "/permissions/"+uuid.NewString()+"/share", f.key, map[string]string{"grantee_type": "user", "grantee_id": member}); res.Status != 404 || res.Detail(t) != "Permission not found" {
		t.Errorf("revoke on an unknown permission: %d %s", res.Status, res.Body)
	}
}

func TestVisibilityAndDeregister(t *testing.T) {
	f := newFixture(t)
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	id, rid := f.register(f.ws, owner, "workspace")
	f.share(f.UserToken(owner, f.ws, "viewer"), id, "user", member, "edit")
	viewer := f.UserToken(f.member(f.ws, "viewer"), f.ws, "viewer")
	if !f.check(viewer, doc(rid, "view"))[0] {
		t.Fatal("workspace-visible resource not viewable")
	}
	res := f.Do(apitest.Request{Method: "PATCH", Path: "/permissions/" + id + "/visibility", Body: map[string]string{"visibility": "private"},
		Header: map[string]string{"X-Service-Key": f.key, "Authorization": "Bearer ignored"}})
	if m := res.Map(t); res.Status != 200 || m["visibility"] != "private" || m["id"] != id || len(m["shares"].([]any)) != 1 {
		t.Fatalf("visibility: %d %s", res.Status, res.Body)
	}
	if f.check(viewer, doc(rid, "view"))[0] {
		t.Error("private resource still viewable by a viewer")
	}
	if res := f.Key("DELETE", "/permissions/resource/docu-store/doc/"+rid, f.key, nil); res.Status != 204 {
		t.Fatalf("deregister: %d %s", res.Status, res.Body)
	}
	if n := len(f.items()); n != 0 {
		t.Errorf("%d items left after deregistering: %v", n, f.items())
	}
	for _, r := range []*apitest.Response{
		f.Key("GET", "/permissions/resource/docu-store/doc/"+rid, f.key, nil),
		f.Key("DELETE", "/permissions/resource/docu-store/doc/"+rid, f.key, nil),
	} {
		if r.Status != 404 || r.Detail(t) != "Resource not found" {
			t.Errorf("after deregistering: %d %s, want 404", r.Status, r.Body)
		}
	}
	if res := f.Key("PATCH", "/permissions/"+id+"/visibility", f.key, map[string]string{"visibility": "workspace"}); res.Status != 404 {
		t.Errorf("visibility of a deregistered resource: %d", res.Status)
	}
	// Registered again, it is a new record: the old shares do not come back.
	f.registerAs(f.key, "docu-store", f.ws, owner, "private", rid)
	if f.check(f.UserToken(member, f.ws, "viewer"), doc(rid, "view"))[0] {
		t.Error("a share of the deregistered resource applies to its successor")
	}
}

// A resource with more shares than one transaction holds is removed whole.
func TestDeregisterManyShares(t *testing.T) {
	f := newFixture(t)
	owner := f.member(f.ws, "owner")
	id, rid := f.register(f.ws, owner, "private")
	for i := range 230 {
		in := shareInput("user", f.admin.Member(f.ws, fmt.Sprint("m", i, "@example.com"), "viewer"), "view")
		if err := f.Deps.Permissions.Share(f.asUser(owner), id, in); err != nil {
			t.Fatal(err)
		}
	}
	if res := f.Key("DELETE", "/permissions/resource/docu-store/doc/"+rid, f.key, nil); res.Status != 204 {
		t.Fatalf("deregister: %d %s", res.Status, res.Body)
	}
	if n := len(f.items()); n != 0 {
		t.Errorf("%d items left", n)
	}
}

func TestEnriched(t *testing.T) {
	f := newFixture(t)
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	group := f.group(f.ws)
	id, rid := f.register(f.ws, owner, "private")
	tok := f.UserToken(owner, f.ws, "viewer")
	f.share(tok, id, "user", member, "edit")
	f.Clock.Step()
	f.share(tok, id, "group", group, "view")
	res := f.Key("GET", "/permissions/resource/docu-store/doc/"+rid+"/enriched", f.key, nil)
	if res.Status != 200 {
		t.Fatalf("enriched: %d %s", res.Status, res.Body)
	}
	var e struct {
		Shares []map[string]any `json:"shares"`
	}
	res.JSON(t, &e)
	m := res.Map(t)
	if m["id"] != id || m["owner_name"] != "owner" || m["owner_email"] != "owner@example.com" || len(e.Shares) != 2 {
		t.Fatalf("enriched = %s", res.Body)
	}
	user, grp := e.Shares[0], e.Shares[1]
	if user["grantee_name"] != "member" || user["grantee_email"] != "member@example.com" || user["granted_by_name"] != "owner" || user["permission"] != "edit" {
		t.Errorf("user share = %v", user)
	}
	if grp["grantee_type"] != "group" || grp["grantee_name"] != nil || grp["grantee_email"] != nil || grp["granted_by_name"] != "owner" {
		t.Errorf("group share = %v", grp)
	}
}

func TestConcurrency(t *testing.T) {
	f := newFixture(t)
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	rid := uuid.NewString()
	const n = 12
	var wg sync.WaitGroup
	ids := make([]string, n)
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() {
			res := f.Key("POST", "/permissions/register", f.key, map[string]any{
				"service_name": "docu-store", "resource_type": "doc", "resource_id": rid, "workspace_id": f.ws, "owner_id": owner,
			})
			statuses[i] = res.Status
			if res.Status == 201 {
				ids[i], _ = res.Map(t)["id"].(string)
			}
		})
	}
	wg.Wait()
	for i := range n {
		if statuses[i] != 201 || ids[i] != ids[0] {
			t.Fatalf("parallel register %d: %d id %q, want 201 and %q", i, statuses[i], ids[i], ids[0])
		}
	}
	if records, aliases := f.count("RES#", "RES"), f.count("PERM#", "PERM"); records != 1 || aliases != 1 {
		t.Errorf("%d records and %d aliases, want 1 and 1", records, aliases)
	}
	tok := f.UserToken(owner, f.ws, "viewer")
	for i := range n {
		wg.Go(func() {
			level := []string{"view", "edit"}[i%2]
			res := f.dual("POST", "/permissions/"+ids[0]+"/share", tok, map[string]string{"grantee_type": "user", "grantee_id": member, "permission": level})
			statuses[i] = res.Status
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 201 {
			t.Errorf("parallel share %d: %d", i, s)
		}
	}
	if shares := f.count("RES#", "SHARE#"); shares != 1 {
		t.Errorf("%d shares to one grantee, want 1", shares)
	}
}

// The dual tier verifies a token once and remembers it until it expires:
// with the same token, a share or a revocation holds for the very next
// check, and a deactivation within the tier's cache bound.
func TestSameTokenSeesChangesAtOnce(t *testing.T) {
	f := newFixture(t)
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	id, rid := f.register(f.ws, owner, "private")
	tok := f.UserToken(member, f.ws, "viewer")
	if got := f.check(tok, doc(rid, "view")); got[0] {
		t.Fatal("private resource allowed before any share")
	}
	f.share(f.UserToken(owner, f.ws, "viewer"), id, "user", member, "view")
	if got := f.check(tok, doc(rid, "view")); !got[0] {
		t.Error("share does not hold for the next check with the same token")
	}
	res := f.Key("DELETE", "/permissions/"+id+"/share", f.key, map[string]string{"grantee_type": "user", "grantee_id": member})
	if res.Status != 200 {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}
	if got := f.check(tok, doc(rid, "view")); got[0] {
		t.Error("revoked share still allows the next check with the same token")
	}
	f.admin.Must(200, "PATCH", "/admin/users/"+member, map[string]any{"is_active": false})
	f.Clock.Advance(authtier.CacheTTL)
	res = f.dual("POST", "/permissions/check", tok, map[string]any{"checks": []map[string]string{doc(rid, "view")}})
	if res.Status != 401 || res.Detail(t) != "Invalid user token: user is deactivated" {
		t.Errorf("deactivated user's cached token: %d %s, want 401", res.Status, res.Body)
	}
}
