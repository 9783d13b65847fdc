package directory_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"sentinel/internal/apitest"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/routes/adminworkspaceroutes"
)

// Removing a member removes their group memberships in that workspace
// (and nowhere else), after the dependents purged theirs.
func TestRemoveMemberCascades(t *testing.T) {
	d := dirOn(t, apitest.NewInProcess(t, "a recording, failing dependent stands in for RBAC and permissions"))
	acme, globex := d.workspace("acme"), d.workspace("globex")
	ada := d.member(acme, "ada@example.com", "editor")
	d.member(globex, "ada@example.com", "editor")
	bob := d.member(acme, "bob@example.com", "viewer")
	eng, qa, ops := d.group(acme, "Engineering"), d.group(acme, "QA"), d.group(globex, "Ops")
	for _, g := range []string{eng, qa} {
		d.join(g, ada)
		d.join(g, bob)
	}
	d.join(ops, ada)
	rec := &recorder{}
	apitest.Provide(d.api, adminworkspaceroutes.Dependents, []directory.Dependent{rec})

	d.must(204, "DELETE", "/admin/workspaces/"+acme+"/members/"+ada, nil)
	if !slices.Equal(rec.calls, []string{"member " + acme + " " + ada}) {
		t.Errorf("dependents called %v", rec.calls)
	}
	for _, g := range []string{eng, qa} {
		if got := d.all("/admin/groups/"+g+"/members", "user_id"); !slices.Equal(got, []string{bob}) {
			t.Errorf("group %s members %v, want only bob", g, got)
		}
	}
	if got := d.all("/admin/groups/"+ops+"/members", "user_id"); !slices.Equal(got, []string{ada}) {
		t.Errorf("globex group lost ada: %v", got)
	}
	if _, found, _ := d.api.Deps.Directory.Membership(t.Context(), acme, ada); found {
		t.Error("membership still found")
	}
	for _, it := range d.scan() {
		if it["pk"] == "WS#"+acme && it["user_id"] == ada || strings.HasPrefix(fmt.Sprint(it["pk"]), "GROUP#") && it["user_id"] == ada && it["workspace_id"] == acme {
			t.Errorf("left behind: %v %v", it["pk"], it["sk"])
		}
	}
	// A failing dependent stops the removal after the mark: bob is no
	// member for grants and checks any more, his items stay until the
	// removal is repeated.
	rec.fail = errors.New("rbac is down")
	if res := d.admin.Do("DELETE", "/admin/workspaces/"+acme+"/members/"+bob, nil); res.Status != 500 || strings.Contains(string(res.Body), "rbac") {
		t.Errorf("failing dependent: %d %s", res.Status, res.Body)
	}
	if m, found, _ := d.api.Deps.Directory.Membership(t.Context(), acme, bob); found {
		t.Errorf("bob after a failed removal: %+v, want no membership", m)
	}
	if got := d.all("/admin/groups/"+eng+"/members", "user_id"); !slices.Equal(got, []string{bob}) {
		t.Errorf("after a failed removal, group members %v, want bob until it is repeated", got)
	}
	rec.fail = nil
	d.must(204, "DELETE", "/admin/workspaces/"+acme+"/members/"+bob, nil)
	if got := d.all("/admin/groups/"+eng+"/members", "user_id"); len(got) != 0 {
		t.Errorf("after the repeated removal, group members %v", got)
	}
}

// Deleting a workspace leaves no item of it: memberships, groups, group
// memberships, claims, the users' references; the slug is free again and
// the other workspace is untouched.
func TestDeleteWorkspaceLeavesNothing(t *testing.T) {
	d := dirOn(t, apitest.NewInProcess(t, "a recording, failing dependent stands in for RBAC and permissions"))
	acme, globex := d.workspace("acme"), d.workspace("globex")
	var users, groups []string
	for i := range 4 {
		users = append(users, d.member(acme, fmt.Sprintf("u%d@example.com", i), "viewer"))
	}
	d.member(globex, "u0@example.com", "owner")
	for _, name := range []string{"Engineering", "QA", "Empty"} {
		groups = append(groups, d.group(acme, name))
	}
	for i, uid := range users {
		d.join(groups[i%2], uid)
		d.join(groups[1-i%2], uid)
	}
	keep := d.group(globex, "Ops")
	d.join(keep, users[0])
	rec := &recorder{}
	apitest.Provide(d.api, adminworkspaceroutes.Dependents, []directory.Dependent{rec})

	// A failing dependent leaves the workspace's items, marked: nothing may
	// be added to it any more, and repeating the delete finishes it.
	rec.fail = errors.New("permissions are down")
	d.must(500, "DELETE", "/admin/workspaces/"+acme, nil)
	if got := d.all("/admin/workspaces/"+acme+"/members", "user_id"); len(got) != 4 {
		t.Fatalf("after a failed delete: %d members", len(got))
	}
	d.must(404, "POST", "/admin/workspaces/"+acme+"/members", map[string]any{"email": "late@example.com", "role": "viewer"})

	rec.fail = nil
	d.api.Clock.Step()
	d.must(204, "DELETE", "/admin/workspaces/"+acme, nil)
	if want := []string{"workspace " + acme, "workspace " + acme}; !slices.Equal(rec.calls, want) {
		t.Errorf("dependents called %v, want %v", rec.calls, want)
	}
	gone := append([]string{acme}, groups...)
	for _, it := range d.scan() {
		text := fmt.Sprint(it)
		for _, id := range gone {
			if strings.Contains(text, id) {
				t.Errorf("item %v %v still mentions %s", it["pk"], it["sk"], id)
			}
		}
		if it["pk"] == "SLUG#acme" {
			t.Errorf("slug claim left behind")
		}
	}
	d.must(404, "GET", "/admin/workspaces/"+acme, nil)
	d.must(404, "GET", "/admin/workspaces/"+acme+"/members", nil)
	for _, g := range groups {
		d.must(404, "GET", "/admin/groups/"+g+"/members", nil)
	}
	// The users stay, without the workspace; the other workspace is whole.
	for _, uid := range users {
		var detail directory.UserDetail
		d.must(200, "GET", "/admin/users/"+uid, nil).JSON(t, &detail)
		if uid == users[0] {
			if len(detail.Memberships) != 1 || detail.Memberships[0].WorkspaceID != globex {
				t.Errorf("u0 memberships %+v", detail.Memberships)
			}
		} else if len(detail.Memberships) != 0 {
			t.Errorf("user %s memberships %+v", uid, detail.Memberships)
		}
	}
	if got := d.all("/admin/groups/"+keep+"/members", "user_id"); !slices.Equal(got, []string{users[0]}) {
		t.Errorf("globex group members %v", got)
	}
	d.workspace("acme") // the slug is free again
	if got := d.activity("workspace", acme); got[0] != "workspace.delete" {
		t.Errorf("activity = %v", got)
	}
}

// failAfter lets n transactions through, then fails every one.
type failAfter struct {
	dynamo.DB
	n int
}

func (f *failAfter) TransactWriteItems(ctx context.Context, in *ddb.TransactWriteItemsInput) (*ddb.TransactWriteItemsOutput, error) {
	if f.n == 0 {
		return nil, errors.New("injected failure")
	}
	f.n--
	return f.DB.TransactWriteItems(ctx, in)
}

// A delete that fails part-way leaves the workspace marked: it takes no
// new members, and repeating the delete finishes the job.
func TestInterruptedWorkspaceDeleteIsFinishedByRetry(t *testing.T) {
	d := newDir(t)
	s := d.api.Deps.Directory
	ctx := t.Context()
	w, _ := s.CreateWorkspace(ctx, directory.NewWorkspace{Name: "Big", Slug: "big"})
	g, _ := s.CreateGroup(ctx, w.ID, directory.NewGroup{Name: "Everyone"})
	for i := range 120 {
		m, err := s.AddMember(ctx, w.ID, fmt.Sprintf("u%d@example.com", i), "viewer")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddGroupMember(ctx, g.ID, m.UserID); err != nil {
			t.Fatal(err)
		}
	}
	// Mark, then one step of the removal, then a failure.
	broken := directory.NewStore(&failAfter{DB: d.api.Env.Client, n: 2}, d.api.Env.Names["Directory"], d.api.Deps.Activity, d.api.Clock.Now)
	if err := broken.DeleteWorkspace(ctx, w.ID); err == nil {
		t.Fatal("the broken delete succeeded")
	}
	for name, res := range map[string]int{
		"add member":   d.admin.Do("POST", "/admin/workspaces/"+w.ID+"/members", map[string]any{"email": "late@example.com", "role": "viewer"}).Status,
		"create group": d.admin.Do("POST", "/admin/workspaces/"+w.ID+"/groups", map[string]any{"name": "Late"}).Status,
		"patch":        d.admin.Do("PATCH", "/admin/workspaces/"+w.ID, map[string]any{"name": "Late"}).Status,
	} {
		if res != 404 {
			t.Errorf("%s in a workspace being deleted: %d, want 404", name, res)
		}
	}
	if ok, err := s.WorkspaceExists(ctx, w.ID); ok || err != nil {
		t.Errorf("WorkspaceExists of a workspace being deleted: %v %v", ok, err)
	}
	d.must(204, "DELETE", "/admin/workspaces/"+w.ID, nil)
	for _, it := range d.scan() {
		if strings.Contains(fmt.Sprint(it), w.ID) {
			t.Errorf("left behind: %v %v", it["pk"], it["sk"])
		}
	}
}
