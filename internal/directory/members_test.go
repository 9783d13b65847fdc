package directory_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"sentinel/internal/apitest"
)

func TestMemberValidationAndConflicts(t *testing.T) {
	d := newDir(t)
	wid := d.workspace("acme")
	d.member(wid, "ada@example.com", "owner")
	path := "/admin/workspaces/" + wid + "/members"
	cases := []struct {
		name       string
		path       string
		body       any
		wantStatus int
		wantDetail string
	}{
		{"already a member", path, map[string]any{"email": "ada@example.com", "role": "viewer"}, 409, "'ada@example.com' is already a member of the workspace"},
		{"already a member, other case", path, map[string]any{"email": " ADA@Example.com", "role": "viewer"}, 409, "'ada@example.com' is already a member of the workspace"},
		{"bad email", path, map[string]any{"email": "ada", "role": "viewer"}, 422, "email: must be an email address"},
		{"display-name email", path, map[string]any{"email": "Ada <ada@example.com>", "role": "viewer"}, 422, "email: must be an email address"},
		{"bad role", path, map[string]any{"email": "bob@example.com", "role": "superuser"}, 422, "role: must be one of owner, admin, editor, viewer"},
		{"no role", path, map[string]any{"email": "bob@example.com"}, 422, "role: must be one of owner, admin, editor, viewer"},
		{"unknown workspace", "/admin/workspaces/" + unknownID + "/members", map[string]any{"email": "bob@example.com", "role": "viewer"}, 404, "Workspace not found"},
		{"malformed workspace id", "/admin/workspaces/nope/members", map[string]any{"email": "bob@example.com", "role": "viewer"}, 404, "Workspace not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := d.admin.Do("POST", tc.path, tc.body)
			if res.Status != tc.wantStatus || res.Detail(t) != tc.wantDetail {
				t.Errorf("got %d %q, want %d %q", res.Status, res.Detail(t), tc.wantStatus, tc.wantDetail)
			}
		})
	}
	// A refused add to an unknown workspace provisions nobody.
	if got := d.all("/admin/users", "email"); !slices.Equal(got, []string{"ada@example.com"}) {
		t.Errorf("users = %v", got)
	}
	for _, p := range []string{"/admin/workspaces/" + unknownID + "/members", "/admin/workspaces/x/members"} {
		if res := d.admin.Do("GET", p, nil); res.Status != 404 {
			t.Errorf("GET %s: %d, want 404", p, res.Status)
		}
	}
}

func TestMembersLifecycle(t *testing.T) {
	d := newDir(t)
	wid := d.workspace("acme")
	d.api.Clock.Step()
	ada := d.user("ada@example.com", "Ada Lovelace")

	// A known user joins with a copy of their profile; an unknown email
	// is pre-provisioned: an active user with no name yet.
	from := d.now()
	got := d.must(201, "POST", "/admin/workspaces/"+wid+"/members", map[string]any{"email": "Ada@Example.com", "role": "admin"}).Map(t)
	apitest.Within(t, "joined_at", fmt.Sprint(got["joined_at"]), from, d.now())
	want := map[string]any{"user_id": ada, "email": "ada@example.com", "name": "Ada Lovelace", "avatar_url": "", "role": "admin", "joined_at": got["joined_at"]}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("added = %v, want %v", got, want)
	}
	grace := d.member(wid, "grace@example.com", "viewer")
	u := d.must(200, "GET", "/admin/users/"+grace, nil).Map(t)
	if u["email"] != "grace@example.com" || u["name"] != "" || u["is_active"] != true {
		t.Errorf("pre-provisioned user = %v", u)
	}
	if ms := u["memberships"].([]any); len(ms) != 1 || ms[0].(map[string]any)["role"] != "viewer" {
		t.Errorf("pre-provisioned memberships = %v", ms)
	}
	// The pre-provisioned user is the one a later add or create finds.
	other := d.workspace("globex")
	if id := d.member(other, "grace@example.com", "editor"); id != grace {
		t.Errorf("second add made user %s, want %s", id, grace)
	}
	if res := d.admin.Do("POST", "/admin/users", map[string]any{"email": "grace@example.com", "name": "Grace"}); res.Status != 409 {
		t.Errorf("create over a pre-provisioned email: %d", res.Status)
	}

	members := d.all("/admin/workspaces/"+wid+"/members", "email")
	if !slices.Equal(sorted(members), []string{"ada@example.com", "grace@example.com"}) {
		t.Errorf("members = %v", members)
	}

	d.api.Clock.Step()
	path := "/admin/workspaces/" + wid + "/members/" + grace
	if got := d.must(200, "PATCH", path, map[string]any{"role": "editor"}).Map(t); got["role"] != "editor" || got["email"] != "grace@example.com" {
		t.Errorf("patched = %v", got)
	}
	for _, tc := range []struct {
		path   string
		body   any
		status int
	}{
		{path, map[string]any{"role": "root"}, 422},
		{"/admin/workspaces/" + wid + "/members/" + unknownID, map[string]any{"role": "viewer"}, 404},
		{"/admin/workspaces/" + unknownID + "/members/" + grace, map[string]any{"role": "viewer"}, 404},
	} {
		if res := d.admin.Do("PATCH", tc.path, tc.body); res.Status != tc.status {
			t.Errorf("PATCH %s: got %d %s, want %d", tc.path, res.Status, res.Body, tc.status)
		}
	}
	d.api.Clock.Step()
	d.must(204, "DELETE", path, nil)
	d.must(404, "DELETE", path, nil)
	if got := d.all("/admin/workspaces/"+wid+"/members", "email"); !slices.Equal(got, []string{"ada@example.com"}) {
		t.Errorf("members after removal = %v", got)
	}
	// The user stays, member of the other workspace only.
	if ms := d.must(200, "GET", "/admin/users/"+grace, nil).Map(t)["memberships"].([]any); len(ms) != 1 || ms[0].(map[string]any)["workspace_slug"] != "globex" {
		t.Errorf("memberships after removal = %v", ms)
	}
	wantLog := []string{"member.remove", "member.update", "member.add", "member.add", "workspace.create"}
	if got := d.activity("workspace", wid); !slices.Equal(got, wantLog) {
		t.Errorf("activity = %v, want %v", got, wantLog)
	}
	if got := d.activity("user", grace); !slices.Equal(got, []string{"user.create"}) {
		t.Errorf("pre-provisioning activity = %v", got)
	}
}

func TestMemberListPagingAndSearch(t *testing.T) {
	d := newDir(t)
	wid := d.workspace("acme")
	var emails []string
	for i := range 9 {
		email := fmt.Sprintf("user%d@example.com", i)
		uid := d.user(email, fmt.Sprintf("User %d", i))
		if i == 4 {
			d.must(200, "PATCH", "/admin/users/"+uid, map[string]any{"name": "Zoë Quartermaine"})
		}
		d.member(wid, email, "viewer")
		emails = append(emails, email)
	}
	if got := d.all("/admin/workspaces/"+wid+"/members?limit=4", "email"); !slices.Equal(sorted(got), emails) {
		t.Errorf("paged = %v", got)
	}
	for q, want := range map[string][]string{
		"ZOË QUARTER":       {"user4@example.com"}, // the name's beginning, case-insensitive
		"user7@":            {"user7@example.com"}, // the email's beginning
		"user7@example.com": {"user7@example.com"}, // the exact email
		"user":              emails,                // names and emails, each member once
		"quartermaine":      nil,                   // a prefix, not a word in the middle
		"nobody":            nil,
	} {
		if got := d.all("/admin/workspaces/"+wid+"/members?limit=2&q="+url.QueryEscape(q), "email"); !slices.Equal(sorted(got), want) {
			t.Errorf("q=%s: %v, want %v", q, got, want)
		}
	}
	// An empty workspace lists nothing; an unknown one is a 404.
	empty := d.workspace("empty")
	if p := d.page("/admin/workspaces/" + empty + "/members"); len(p.Items) != 0 || p.NextCursor != nil {
		t.Errorf("empty workspace: %v", p)
	}
	// A cursor from another workspace's list is refused.
	first := d.page("/admin/workspaces/" + wid + "/members?limit=2")
	if res := d.admin.Do("GET", "/admin/workspaces/"+empty+"/members?cursor="+*first.NextCursor, nil); res.Status != 400 {
		t.Errorf("foreign cursor: %d %s", res.Status, res.Body)
	}
	if res := d.admin.Do("GET", "/admin/workspaces/"+wid+"/members?q="+strings.Repeat("x", 101), nil); res.Status != 422 {
		t.Errorf("long q: %d", res.Status)
	}
}
