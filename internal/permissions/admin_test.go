package permissions_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"sentinel/internal/identity"
)

type page struct {
	Items []struct {
		ID           string `json:"id"`
		ServiceName  string `json:"service_name"`
		ResourceType string `json:"resource_type"`
		ResourceID   string `json:"resource_id"`
		WorkspaceID  string `json:"workspace_id"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func TestAdminList(t *testing.T) {
	f := newFixture(t)
	owner := uuid.NewString()
	for range 3 {
		f.register(f.ws, owner, "private")
	}
	f.register(f.ws2, owner, "workspace")
	f.registerAs(f.other, "billing", f.ws, owner, "private", uuid.NewString())
	list := func(query string) (*page, int, string) {
		res := f.admin.Do("GET", "/admin/permissions"+query, nil)
		if res.Status != 200 {
			return nil, res.Status, res.Detail(t)
		}
		var p page
		res.JSON(t, &p)
		return &p, 200, ""
	}
	cases := []struct {
		query string
		want  int
	}{
		{"?workspace_id=" + f.ws, 4},
		{"?workspace_id=" + f.ws + "&service_name=docu-store", 3},
		{"?workspace_id=" + f.ws + "&service_name=docu-store&resource_type=doc", 3},
		{"?workspace_id=" + f.ws + "&service_name=docu-store&resource_type=sheet", 0},
		{"?workspace_id=" + f.ws2, 1},
		{"?service_name=docu-store", 4},
		{"?service_name=docu-store&resource_type=doc", 4},
		{"?service_name=billing", 1},
		{"?service_name=docu", 0},
	}
	for _, tc := range cases {
		p, status, detail := list(tc.query)
		if status != 200 || len(p.Items) != tc.want || p.NextCursor != nil {
			t.Errorf("%s: %d %s, want %d items and no cursor", tc.query, status, detail, tc.want)
		}
	}
	// Paging: two at a time through the four docu-store resources.
	var seen []string
	cursor := ""
	for range 3 {
		p, status, detail := list("?service_name=docu-store&limit=2" + cursor)
		if status != 200 {
			t.Fatalf("page: %d %s", status, detail)
		}
		for _, it := range p.Items {
			seen = append(seen, it.ID)
		}
		if p.NextCursor == nil {
			break
		}
		cursor = "&cursor=" + *p.NextCursor
	}
	slices.Sort(seen)
	if len(slices.Compact(seen)) != 4 {
		t.Errorf("paged through %v, want the 4 resources once each", seen)
	}
	bad := []struct {
		query      string
		wantStatus int
		wantDetail string
	}{
		{"", 400, "Filter by workspace_id or service_name"},
		{"?resource_type=doc&workspace_id=" + f.ws, 400, "resource_type needs service_name"},
		{"?workspace_id=w1", 422, "workspace_id: must be a UUID"},
		{"?service_name=Docu", 422, "service_name: must match ^[a-z][a-z0-9_.-]*$"},
		{"?service_name=docu-store&cursor=garbage", 400, "Invalid cursor"},
		{"?service_name=docu-store&limit=101", 422, "limit: must be an integer from 1 to 100"},
	}
	for _, tc := range bad {
		if _, status, detail := list(tc.query); status != tc.wantStatus || detail != tc.wantDetail {
			t.Errorf("%q: got %d %q, want %d %q", tc.query, status, detail, tc.wantStatus, tc.wantDetail)
		}
	}
	// A cursor of one index is refused by the other.
	p, _, _ := list("?service_name=docu-store&limit=1")
	if _, status, _ := list("?workspace_id=" + f.ws + "&cursor=" + *p.NextCursor); status != 400 {
		t.Errorf("cursor of another index: %d, want 400", status)
	}
}

// Admins read enriched records, change visibility, share and revoke; each
// change is in the activity log with its actor.
func TestAdminChanges(t *testing.T) {
	f := newFixture(t)
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	id, rid := f.register(f.ws, owner, "workspace")
	if res := f.admin.Do("GET", "/admin/permissions/"+uuid.NewString(), nil); res.Status != 404 {
		t.Errorf("unknown id: %d", res.Status)
	}
	res := f.admin.Do("POST", "/admin/permissions/"+id+"/share", map[string]string{"grantee_type": "user", "grantee_id": member, "permission": "edit"})
	if res.Status != 201 {
		t.Fatalf("admin share: %d %s", res.Status, res.Body)
	}
	if res := f.admin.Do("POST", "/admin/permissions/"+id+"/share", map[string]string{"grantee_type": "user", "grantee_id": uuid.NewString(), "permission": "edit"}); res.Status != 400 {
		t.Errorf("admin share to a non-member: %d, want 400", res.Status)
	}
	if res := f.admin.Do("PATCH", "/admin/permissions/"+id+"/visibility", map[string]string{"visibility": "private"}); res.Status != 200 || res.Map(t)["visibility"] != "private" {
		t.Errorf("admin visibility: %d %s", res.Status, res.Body)
	}
	res = f.admin.Do("GET", "/admin/permissions/"+id, nil)
	m := res.Map(t)
	shares, _ := m["shares"].([]any)
	if res.Status != 200 || m["owner_name"] != "owner" || m["visibility"] != "private" || len(shares) != 1 {
		t.Fatalf("admin detail: %d %s", res.Status, res.Body)
	}
	adminID := f.admin.Do("GET", "/admin/auth/me", nil).Map(t)["id"]
	if s := shares[0].(map[string]any); s["granted_by"] != adminID || s["grantee_name"] != "member" {
		t.Errorf("admin's share = %v", s)
	}
	if got := f.check(f.UserToken(member, f.ws, "viewer"), doc(rid, "edit")); !got[0] {
		t.Error("the admin's edit share does not allow edit")
	}
	if res := f.admin.Do("DELETE", "/admin/permissions/"+id+"/share", map[string]string{"grantee_type": "user", "grantee_id": member}); res.Status != 200 {
		t.Errorf("admin revoke: %d %s", res.Status, res.Body)
	}
	if res := f.admin.Do("DELETE", "/admin/permissions/"+id+"/share", map[string]string{"grantee_type": "user", "grantee_id": member}); res.Status != 404 {
		t.Errorf("admin revoke again: %d, want 404", res.Status)
	}
	var log struct {
		Items []struct {
			Actor, Action string
			TargetType    string `json:"target_type"`
			TargetID      string `json:"target_id"`
		} `json:"items"`
	}
	f.admin.Do("GET", "/admin/activity?target_type=resource_permission&target_id="+id, nil).JSON(t, &log)
	var actions []string
	for _, e := range log.Items {
		if e.Actor != "root@example.com" {
			t.Errorf("entry %s by %q", e.Action, e.Actor)
		}
		actions = append(actions, e.Action)
	}
	slices.Sort(actions)
	if want := []string{"permission.share", "permission.unshare", "permission.update_visibility"}; !slices.Equal(actions, want) {
		t.Errorf("activity = %v, want %v (failed attempts leave no entry)", actions, want)
	}
	// Backends' own changes are not logged.
	f.share(f.UserToken(owner, f.ws, "viewer"), id, "user", member, "view")
	if res := f.admin.Do("GET", "/admin/activity?target_type=resource_permission&target_id="+id, nil); len(res.Map(t)["items"].([]any)) != 3 {
		t.Errorf("a backend's share was logged: %s", res.Body)
	}
}

func TestPurges(t *testing.T) {
	f := newFixture(t)
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	tok := f.UserToken(owner, f.ws, "viewer")
	for range 3 {
		id, _ := f.register(f.ws, owner, "private")
		f.share(tok, id, "user", member, "view")
	}
	f.register(f.ws2, owner, "private")
	f.registerAs(f.other, "billing", f.ws, owner, "private", uuid.NewString())
	// A service named like the share route's last segment: the literal
	// path segment wins (router precedence), so this is a purge.
	_, shareKey := f.admin.CreateApp("share")
	f.registerAs(shareKey, "share", f.ws, owner, "private", uuid.NewString())
	res := f.admin.Do("DELETE", "/admin/permissions/service/share", nil)
	if res.Status != 200 || res.Map(t)["deleted_count"] != 1.0 {
		t.Fatalf("purge of service share: %d %s", res.Status, res.Body)
	}
	res = f.admin.Do("DELETE", "/admin/permissions/service/docu-store", nil)
	if res.Status != 200 || res.Map(t)["deleted_count"] != 4.0 || res.Map(t)["status"] != "ok" {
		t.Fatalf("purge: %d %s", res.Status, res.Body)
	}
	if n := f.count("RES#docu-store", ""); n != 0 {
		t.Errorf("%d docu-store items left", n)
	}
	if n := f.count("PERM#", ""); n != 1 {
		t.Errorf("%d aliases left, want billing's", n)
	}
	if res := f.admin.Do("DELETE", "/admin/permissions/service/docu-store", nil); res.Status != 200 || res.Map(t)["deleted_count"] != 0.0 {
		t.Errorf("purge again: %d %s", res.Status, res.Body)
	}
	var log struct{ Items []map[string]any }
	f.admin.Do("GET", "/admin/activity?target_type=service&target_id=docu-store", nil).JSON(t, &log)
	if len(log.Items) != 2 || log.Items[1]["action"] != "permission.purge_service" {
		t.Errorf("purge activity = %v", log.Items)
	}

	// The directory's hooks.
	store := f.Deps.Permissions
	kept, _ := f.register(f.ws, member, "private") // owned by the member: stays
	sharedID, sharedRID := f.register(f.ws, owner, "private")
	f.share(tok, sharedID, "user", member, "edit")
	other := f.member(f.ws, "other")
	f.share(tok, sharedID, "user", other, "edit")
	if err := store.PurgeMember(t.Context(), f.ws, member); err != nil {
		t.Fatal(err)
	}
	if got := f.check(f.UserToken(member, f.ws, "viewer"), doc(sharedRID, "view")); got[0] {
		t.Error("a removed member's share still applies")
	}
	if got := f.check(f.UserToken(other, f.ws, "viewer"), doc(sharedRID, "view")); !got[0] {
		t.Error("PurgeMember removed another member's share")
	}
	if _, err := store.Ref(t.Context(), kept); err != nil {
		t.Errorf("the member's own resource: %v", err)
	}
	f.registerAs(f.other, "billing", f.ws2, owner, "private", uuid.NewString())
	if err := store.PurgeWorkspace(t.Context(), f.ws); err != nil {
		t.Fatal(err)
	}
	// Left: the record and alias of the resource in ws2.
	if items := f.items(); len(items) != 2 || f.count("RES#billing", "RES") != 1 {
		t.Errorf("left after the workspace purge: %v", items)
	}
	if err := store.PurgeWorkspace(t.Context(), f.ws); err != nil {
		t.Errorf("purging again: %v", err)
	}
}

// The directory's group hook: deleting a group takes the shares to it off
// every resource of its workspace, whatever the service and however many
// (more than one transaction holds), and leaves other shares alone.
// Purging again, or a group with no shares, is no error.
func TestPurgeGroup(t *testing.T) {
	f := newFixture(t)
	store := f.Deps.Permissions
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	inGroups := f.member(f.ws, "in-groups")
	gone, kept := f.group(f.ws), f.group(f.ws)
	shareTo := func(id, typ, grantee, level string) {
		t.Helper()
		// As an admin: the billing resource is not docu-store's to share.
		ctx := identity.WithAdmin(t.Context(), &identity.Admin{ID: owner, Email: "root@example.com"})
		if err := store.Share(ctx, id, shareInput(typ, grantee, level)); err != nil {
			t.Fatal(err)
		}
	}
	id, rid := f.register(f.ws, owner, "private")
	shareTo(id, "group", gone, "edit")
	shareTo(id, "group", kept, "view")
	shareTo(id, "user", member, "view")
	billingID, billingRID := f.registerAs(f.other, "billing", f.ws, owner, "private", uuid.NewString())
	shareTo(billingID, "group", gone, "view")
	for range 100 {
		more, _ := f.register(f.ws, owner, "private")
		shareTo(more, "group", gone, "view")
	}
	if n := f.count("", "SHARE#group#"+gone); n != 102 {
		t.Fatalf("%d shares to the group before the purge, want 102", n)
	}

	if err := store.PurgeGroup(t.Context(), f.ws, gone); err != nil {
		t.Fatal(err)
	}
	if n := f.count("", "SHARE#group#"+gone); n != 0 {
		t.Errorf("%d shares to the deleted group left", n)
	}
	if n := f.count("", "SHARE#"); n != 2 {
		t.Errorf("%d shares left, want the other group's and the member's", n)
	}
	var rp struct {
		Shares []struct {
			GranteeType string `json:"grantee_type"`
			GranteeID   string `json:"grantee_id"`
		} `json:"shares"`
	}
	f.Key("GET", "/permissions/resource/docu-store/doc/"+rid, f.key, nil).JSON(t, &rp)
	var grantees []string
	for _, sh := range rp.Shares {
		grantees = append(grantees, sh.GranteeType+"#"+sh.GranteeID)
	}
	slices.Sort(grantees)
	if want := []string{"group#" + kept, "user#" + member}; !slices.Equal(grantees, want) {
		t.Errorf("shares after the purge = %v, want %v", grantees, want)
	}

	// A token issued before the delete still names the group: it grants nothing.
	stale := f.UserToken(inGroups, f.ws, "viewer", gone, kept)
	cases := []struct {
		name  string
		token string
		check map[string]string
		want  bool
	}{
		{"edit through the deleted group", stale, doc(rid, "edit"), false},
		{"view through the other group", stale, doc(rid, "view"), true},
		{"view by the member", f.UserToken(member, f.ws, "viewer"), doc(rid, "view"), true},
	}
	for _, tc := range cases {
		if got := f.check(tc.token, tc.check); got[0] != tc.want {
			t.Errorf("%s: allowed = %v, want %v", tc.name, got[0], tc.want)
		}
	}
	if res := f.Key("GET", "/permissions/resource/billing/doc/"+billingRID, f.other, nil); res.Status != 200 || strings.Contains(string(res.Body), gone) {
		t.Errorf("billing's resource after the purge: %d %s", res.Status, res.Body)
	}

	for _, g := range []string{gone, f.group(f.ws)} {
		if err := store.PurgeGroup(t.Context(), f.ws, g); err != nil {
			t.Errorf("purging group %s again or without shares: %v", g, err)
		}
	}
}

// The admin list names each resource's owner: one Query for the page and
// one BatchGetItem for its owners, however many resources it holds.
func TestAdminListNamesOwners(t *testing.T) {
	f := newFixture(t)
	ada := f.member(f.ws, "ada")
	grace := f.member(f.ws, "grace")
	gone := uuid.NewString() // an owner the directory does not know
	f.register(f.ws, ada, "private")
	f.register(f.ws, ada, "workspace")
	f.register(f.ws, grace, "private")
	f.register(f.ws, gone, "private")

	f.Env.Counter.Reset()
	res := f.admin.Do("GET", "/admin/permissions?workspace_id="+f.ws, nil)
	calls := f.Env.Counter.Counts()
	if res.Status != 200 {
		t.Fatalf("list: %d %s", res.Status, res.Detail(t))
	}
	var p struct {
		Items []struct {
			OwnerID    string  `json:"owner_id"`
			OwnerName  *string `json:"owner_name"`
			OwnerEmail *string `json:"owner_email"`
		} `json:"items"`
	}
	res.JSON(t, &p)
	want := map[string][2]string{ada: {"ada", "ada@example.com"}, grace: {"grace", "grace@example.com"}}
	if len(p.Items) != 4 {
		t.Fatalf("got %d items, want 4", len(p.Items))
	}
	for _, it := range p.Items {
		w, known := want[it.OwnerID]
		switch {
		case !known && (it.OwnerName != nil || it.OwnerEmail != nil):
			t.Errorf("owner %s unknown to the directory: got name %v email %v, want nulls", it.OwnerID, it.OwnerName, it.OwnerEmail)
		case known && (it.OwnerName == nil || it.OwnerEmail == nil || *it.OwnerName != w[0] || *it.OwnerEmail != w[1]):
			t.Errorf("owner %s: got name %v email %v, want %q %q", it.OwnerID, it.OwnerName, it.OwnerEmail, w[0], w[1])
		}
	}
	if !f.Deployed() && (calls["Query"] != 1 || calls["BatchGetItem"] != 2 || len(calls) != 2) {
		t.Errorf("list calls = %v, want 1 Query and 2 BatchGetItems (the admin session's, the owners')", calls)
	}
}
