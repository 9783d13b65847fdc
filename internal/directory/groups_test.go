package directory_test

import (
	"fmt"
	"slices"
	"testing"

	"sentinel/internal/apitest"
	"sentinel/internal/directory"
	"sentinel/internal/routes/admingrouproutes"
)

func TestGroupValidationAndConflicts(t *testing.T) {
	d := newDir(t)
	acme, globex := d.workspace("acme"), d.workspace("globex")
	eng := d.group(acme, "Engineering")
	d.group(globex, "Ops")
	ada := d.member(acme, "ada@example.com", "viewer")
	outsider := d.member(globex, "bob@example.com", "viewer")
	d.join(eng, ada)
	cases := []struct {
		name       string
		method     string
		path       string
		body       any
		wantStatus int
		wantDetail string
	}{
		{"taken name", "POST", "/admin/workspaces/" + acme + "/groups", map[string]any{"name": "Engineering"}, 409, "group name 'Engineering' is already taken in the workspace"},
		{"taken name in other case", "POST", "/admin/workspaces/" + acme + "/groups", map[string]any{"name": " engineering "}, 409, "group name ' engineering ' is already taken in the workspace"},
		{"blank name", "POST", "/admin/workspaces/" + acme + "/groups", map[string]any{"name": ""}, 422, "name: must not be empty"},
		{"unknown workspace", "POST", "/admin/workspaces/" + unknownID + "/groups", map[string]any{"name": "G"}, 404, "Workspace not found"},
		{"rename to its own name in other case", "PATCH", "/admin/groups/" + eng, map[string]any{"name": "ENGINEERING"}, 200, ""},
		{"unknown group", "PATCH", "/admin/groups/" + unknownID, map[string]any{"name": "G"}, 404, "Group not found"},
		{"non-member joins", "POST", "/admin/groups/" + eng + "/members/" + outsider, nil, 400, "User is not a member of the group's workspace"},
		{"unknown user joins", "POST", "/admin/groups/" + eng + "/members/" + unknownID, nil, 404, "User not found"},
		{"malformed user joins", "POST", "/admin/groups/" + eng + "/members/x", nil, 404, "User not found"},
		{"joins twice", "POST", "/admin/groups/" + eng + "/members/" + ada, nil, 409, "User is already in the group"},
		{"join unknown group", "POST", "/admin/groups/" + unknownID + "/members/" + ada, nil, 404, "Group not found"},
		{"leave without being in", "DELETE", "/admin/groups/" + eng + "/members/" + outsider, nil, 404, "User is not in the group"},
		{"leave unknown group", "DELETE", "/admin/groups/" + unknownID + "/members/" + ada, nil, 404, "Group not found"},
		{"list unknown group", "GET", "/admin/groups/" + unknownID + "/members", nil, 404, "Group not found"},
		{"list groups of unknown workspace", "GET", "/admin/workspaces/" + unknownID + "/groups", nil, 404, "Workspace not found"},
		{"delete unknown group", "DELETE", "/admin/groups/x", nil, 404, "Group not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := d.admin.Do(tc.method, tc.path, tc.body)
			if res.Status != tc.wantStatus || (tc.wantDetail != "" && res.Detail(t) != tc.wantDetail) {
				t.Errorf("got %d %s, want %d %q", res.Status, res.Body, tc.wantStatus, tc.wantDetail)
			}
		})
	}
	// Names are unique per workspace only.
	d.group(globex, "Engineering")
	d.group(acme, "QA")
	if res := d.admin.Do("PATCH", "/admin/groups/"+eng, map[string]any{"name": "qa"}); res.Status != 409 || res.Detail(t) != "group name 'qa' is already taken in the workspace" {
		t.Errorf("rename to a taken name: %d %s", res.Status, res.Body)
	}
}

func TestGroupLifecycle(t *testing.T) {
	d := newDir(t)
	wid := d.workspace("acme")
	d.api.Clock.Step()
	ada := d.member(wid, "ada@example.com", "editor")
	bob := d.member(wid, "bob@example.com", "viewer")
	from := d.now()
	res := d.must(201, "POST", "/admin/workspaces/"+wid+"/groups", map[string]any{"name": "Engineering", "description": "Builders"})
	g := res.Map(t)
	gid := g["id"].(string)
	if g["workspace_id"] != wid || g["name"] != "Engineering" || g["description"] != "Builders" {
		t.Errorf("created = %v", g)
	}
	apitest.Within(t, "created_at", fmt.Sprint(g["created_at"]), from, d.now())
	qa := d.group(wid, "QA")
	if got := d.all("/admin/workspaces/"+wid+"/groups?limit=1", "name"); !slices.Equal(sorted(got), []string{"Engineering", "QA"}) {
		t.Errorf("groups = %v", got)
	}

	d.api.Clock.Step()
	from = d.now()
	got := d.must(201, "POST", "/admin/groups/"+gid+"/members/"+ada, nil).Map(t)
	apitest.Within(t, "added_at", fmt.Sprint(got["added_at"]), from, d.now())
	if got["added_at"] == g["created_at"] {
		t.Errorf("added_at = created_at = %v", got["added_at"])
	}
	want := map[string]any{"user_id": ada, "email": "ada@example.com", "name": "", "added_at": got["added_at"]}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("joined = %v, want %v", got, want)
	}
	d.join(gid, bob)
	d.join(qa, ada)
	if got := d.all("/admin/groups/"+gid+"/members?limit=1", "user_id"); !slices.Equal(sorted(got), sorted([]string{ada, bob})) {
		t.Errorf("group members = %v", got)
	}
	s := d.api.Deps.Directory
	if m, found, err := s.Membership(t.Context(), wid, ada); err != nil || !found || !slices.Equal(sorted(m.Groups), sorted([]string{gid, qa})) || m.Role != "editor" {
		t.Errorf("Membership = %+v %v %v", m, found, err)
	}

	// A rename frees the old name and keeps the list in step.
	d.api.Clock.Step()
	if got := d.must(200, "PATCH", "/admin/groups/"+gid, map[string]any{"name": "Platform", "description": ""}).Map(t); got["name"] != "Platform" || got["description"] != "" {
		t.Errorf("renamed = %v", got)
	}
	if got := d.all("/admin/workspaces/"+wid+"/groups", "name"); !slices.Equal(sorted(got), []string{"Platform", "QA"}) {
		t.Errorf("groups after rename = %v", got)
	}
	eng2 := d.group(wid, "Engineering")

	d.api.Clock.Step()
	d.must(204, "DELETE", "/admin/groups/"+gid+"/members/"+bob, nil)
	if m, _, _ := s.Membership(t.Context(), wid, bob); len(m.Groups) != 0 {
		t.Errorf("bob still lists groups %v", m.Groups)
	}

	// Deleting a group takes it out of its members' memberships. In
	// process a recorder stands in for the dependents (on the deployed
	// stack they are RBAC and permissions, whose purges internal/app tests).
	rec := &recorder{}
	if !d.api.Deployed() {
		apitest.Provide(d.api, admingrouproutes.Dependents, []directory.Dependent{rec})
	}
	d.api.Clock.Step()
	d.must(204, "DELETE", "/admin/groups/"+gid, nil)
	if !d.api.Deployed() && !slices.Equal(rec.calls, []string{"group " + wid + " " + gid}) {
		t.Errorf("dependents called %v", rec.calls)
	}
	d.must(404, "GET", "/admin/groups/"+gid+"/members", nil)
	d.must(404, "DELETE", "/admin/groups/"+gid, nil)
	if m, _, _ := s.Membership(t.Context(), wid, ada); !slices.Equal(m.Groups, []string{qa}) {
		t.Errorf("ada's groups after the delete: %v, want [%s]", m.Groups, qa)
	}
	if ok, err := s.GroupInWorkspace(t.Context(), wid, gid); ok || err != nil {
		t.Errorf("GroupInWorkspace of a deleted group: %v %v", ok, err)
	}
	for _, it := range d.scan() {
		if it["group_id"] == gid || it["id"] == gid || it["pk"] == "GROUP#"+gid {
			t.Errorf("left behind: %v", it)
		}
	}
	d.must(200, "PATCH", "/admin/groups/"+eng2, map[string]any{"name": "Platform"}) // the name is free again

	wantLog := []string{"group.delete", "group.remove_member", "group.update", "group.add_member", "group.add_member", "group.create"}
	if got := d.activity("group", gid); !slices.Equal(got, wantLog) {
		t.Errorf("activity = %v, want %v", got, wantLog)
	}
}

// A group with more members than one transaction holds is deleted in
// steps, each member's membership forgetting the group as its group
// membership goes.
func TestDeleteLargeGroup(t *testing.T) {
	d := dirOn(t, apitest.NewInProcess(t, "counts the function's DynamoDB calls"))
	s := d.api.Deps.Directory
	ctx := t.Context()
	w, _ := s.CreateWorkspace(ctx, directory.NewWorkspace{Name: "Big", Slug: "big"})
	g, _ := s.CreateGroup(ctx, w.ID, directory.NewGroup{Name: "Everyone"})
	keep, _ := s.CreateGroup(ctx, w.ID, directory.NewGroup{Name: "Some"})
	var users []string
	for i := range 70 {
		m, err := s.AddMember(ctx, w.ID, fmt.Sprintf("u%d@example.com", i), "viewer")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddGroupMember(ctx, g.ID, m.UserID); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			if _, err := s.AddGroupMember(ctx, keep.ID, m.UserID); err != nil {
				t.Fatal(err)
			}
		}
		users = append(users, m.UserID)
	}
	d.api.Env.Counter.Reset()
	d.must(204, "DELETE", "/admin/groups/"+g.ID, nil)
	if n := d.api.Env.Counter.Counts()["TransactWriteItems"]; n != 3 {
		t.Errorf("%d transactions (mark + 2 steps), want 3", n)
	}
	for i, uid := range users {
		m, _, _ := s.Membership(ctx, w.ID, uid)
		want := []string{}
		if i%10 == 0 {
			want = []string{keep.ID}
		}
		if !slices.Equal(m.Groups, want) {
			t.Errorf("member %d groups %v, want %v", i, m.Groups, want)
		}
	}
	if p := d.page("/admin/groups/" + keep.ID + "/members"); len(p.Items) != 7 {
		t.Errorf("the other group has %d members, want 7", len(p.Items))
	}
}
