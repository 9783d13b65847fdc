package directory_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"sentinel/internal/apitest"
	"sentinel/internal/apperr"
	"sentinel/internal/directory"
	"sentinel/internal/routes/adminuserroutes"
)

func TestUserValidationAndConflicts(t *testing.T) {
	d := newDir(t)
	d.user("ada@example.com", "Ada")
	cases := []struct {
		name       string
		body       any
		wantStatus int
		wantDetail string
	}{
		{"taken email", map[string]any{"email": "ada@example.com", "name": "Other"}, 409, "email 'ada@example.com' is already taken"},
		{"taken email in other case", map[string]any{"email": "ADA@example.com ", "name": "Other"}, 409, "email 'ada@example.com' is already taken"},
		{"bad email", map[string]any{"email": "not-an-email", "name": "X"}, 422, "email: must be an email address"},
		{"no email", map[string]any{"name": "X"}, 422, "email: must be an email address"},
		{"blank name", map[string]any{"email": "x@example.com", "name": ""}, 422, "name: must not be empty"},
		{"long name", map[string]any{"email": "x@example.com", "name": strings.Repeat("n", 256)}, 422, "name: must be at most 255 characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := d.admin.Do("POST", "/admin/users", tc.body)
			if res.Status != tc.wantStatus || res.Detail(t) != tc.wantDetail {
				t.Errorf("got %d %q, want %d %q", res.Status, res.Detail(t), tc.wantStatus, tc.wantDetail)
			}
		})
	}
	for _, id := range []string{unknownID, "nope"} {
		for _, method := range []string{"GET", "PATCH"} {
			if res := d.admin.Do(method, "/admin/users/"+id, map[string]any{"name": "X"}); res.Status != 404 {
				t.Errorf("%s %s: got %d, want 404", method, id, res.Status)
			}
		}
	}
	if res := d.admin.Do("PATCH", "/admin/users/"+d.user("b@example.com", "B"), map[string]any{"name": " "}); res.Status != 422 {
		t.Errorf("blank rename: %d", res.Status)
	}
}

func TestUserListAndDetail(t *testing.T) {
	d := newDir(t)
	ada := d.user("ada@example.com", "Ada Lovelace")
	d.api.Clock.Step()
	d.user("alan@example.com", "Alan Turing")
	if got := d.all("/admin/users?limit=1", "email"); !slices.Equal(got, []string{"ada@example.com", "alan@example.com"}) {
		t.Errorf("users = %v, want oldest first", got)
	}
	if got := d.all("/admin/users?q=ALAN%20T", "email"); !slices.Equal(got, []string{"alan@example.com"}) {
		t.Errorf("q=ALAN T: %v", got)
	}
	if got := d.all("/admin/users?q=ada@", "email"); !slices.Equal(got, []string{"ada@example.com"}) {
		t.Errorf("q=ada@: %v", got)
	}

	acme, globex := d.workspace("acme"), d.workspace("globex")
	d.member(globex, "ada@example.com", "viewer")
	d.member(acme, "ada@example.com", "owner")
	eng, ops := d.group(acme, "Engineering"), d.group(acme, "Ops")
	d.join(eng, ada)
	d.join(ops, ada)

	var detail directory.UserDetail
	d.must(200, "GET", "/admin/users/"+ada, nil).JSON(t, &detail)
	if detail.Email != "ada@example.com" || detail.Name != "Ada Lovelace" || !detail.IsActive || len(detail.Memberships) != 2 {
		t.Fatalf("detail = %+v", detail)
	}
	m := detail.Memberships[0] // by workspace name
	wantGroups := sorted([]string{eng + "=Engineering", ops + "=Ops"})
	var gotGroups []string
	for _, g := range m.Groups {
		gotGroups = append(gotGroups, g.ID+"="+g.Name)
	}
	if m.WorkspaceSlug != "acme" || m.WorkspaceName != "Workspace acme" || m.Role != "owner" || !slices.Equal(gotGroups, wantGroups) ||
		m.Roles == nil || len(m.Roles) != 0 {
		t.Errorf("acme membership = %+v", m)
	}
	if m := detail.Memberships[1]; m.WorkspaceSlug != "globex" || m.Role != "viewer" || len(m.Groups) != 0 || m.Roles == nil {
		t.Errorf("globex membership = %+v", m)
	}
}

// The detail lists the roles a role source names for each membership.
func TestUserDetailListsRoles(t *testing.T) {
	d := dirOn(t, apitest.NewInProcess(t, "a role source stands in for RBAC in the process's directory"))
	ada := d.user("ada@example.com", "Ada Lovelace")
	acme, globex := d.workspace("acme"), d.workspace("globex")
	d.member(globex, "ada@example.com", "viewer")
	d.member(acme, "ada@example.com", "owner")
	// A role source stands in for RBAC (whose own test runs on the real store).
	apitest.Provide[directory.RoleSource](d.api, adminuserroutes.Roles, roleSource{acme: {{ID: "r1", Name: "Billing admin"}}})

	var detail directory.UserDetail
	d.must(200, "GET", "/admin/users/"+ada, nil).JSON(t, &detail)
	if len(detail.Memberships) != 2 {
		t.Fatalf("detail = %+v", detail)
	}
	if m := detail.Memberships[0]; m.WorkspaceSlug != "acme" || len(m.Roles) != 1 || m.Roles[0] != (directory.RoleRef{ID: "r1", Name: "Billing admin"}) {
		t.Errorf("acme membership = %+v", m)
	}
	if m := detail.Memberships[1]; m.WorkspaceSlug != "globex" || m.Roles == nil || len(m.Roles) != 0 {
		t.Errorf("globex membership = %+v", m)
	}
}

type roleSource map[string][]directory.RoleRef

func (r roleSource) UserRoles(context.Context, string, []string) (map[string][]directory.RoleRef, error) {
	return r, nil
}

// A rename reaches every copy of the profile: member lists and group
// member lists in every workspace.
func TestRenameReachesEveryCopy(t *testing.T) {
	d := newDir(t)
	acme, globex := d.workspace("acme"), d.workspace("globex")
	ada := d.member(acme, "ada@example.com", "editor")
	d.member(globex, "ada@example.com", "viewer")
	g := d.group(acme, "Engineering")
	d.join(g, ada)
	d.api.Clock.Step()
	got := d.must(200, "PATCH", "/admin/users/"+ada, map[string]any{"name": "Ada King"}).Map(t)
	if got["name"] != "Ada King" || got["email"] != "ada@example.com" {
		t.Errorf("patched = %v", got)
	}
	for _, path := range []string{"/admin/workspaces/" + acme + "/members", "/admin/workspaces/" + globex + "/members", "/admin/groups/" + g + "/members"} {
		if names := d.all(path, "name"); !slices.Equal(names, []string{"Ada King"}) {
			t.Errorf("%s: names %v", path, names)
		}
	}
	if got := d.all("/admin/workspaces/"+acme+"/members?q=ada%20k", "user_id"); !slices.Equal(got, []string{ada}) {
		t.Errorf("search by the new name: %v", got)
	}
	if got := d.activity("user", ada); !slices.Equal(got, []string{"user.update", "user.create"}) {
		t.Errorf("activity = %v", got)
	}
}

// A rename of a user with more copies than one transaction holds writes
// them in steps, the user last.
func TestRenameOfAWidelySharedUser(t *testing.T) {
	d := dirOn(t, apitest.NewInProcess(t, "counts the function's DynamoDB calls"))
	ctx := d.api.Deps.Directory
	ada := d.user("ada@example.com", "Ada")
	for i := range 60 {
		w, err := ctx.CreateWorkspace(t.Context(), directory.NewWorkspace{Name: "W", Slug: fmt.Sprint("w-", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ctx.AddMember(t.Context(), w.ID, "ada@example.com", "viewer"); err != nil {
			t.Fatal(err)
		}
		g, err := ctx.CreateGroup(t.Context(), w.ID, directory.NewGroup{Name: "G"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ctx.AddGroupMember(t.Context(), g.ID, ada); err != nil {
			t.Fatal(err)
		}
	}
	d.api.Env.Counter.Reset()
	d.must(200, "PATCH", "/admin/users/"+ada, map[string]any{"name": "Ada King"})
	if n := d.api.Env.Counter.Counts()["TransactWriteItems"]; n != 2 {
		t.Errorf("%d transactions for 120 copies, want 2", n)
	}
	copies := 0
	for _, it := range d.scan() {
		if it["user_id"] == ada {
			copies++
			if it["name"] != "Ada King" || it["search_name"] != "ada king" {
				t.Errorf("stale copy %v %v: %v", it["pk"], it["sk"], it["name"])
			}
		}
	}
	if copies != 120 {
		t.Errorf("%d copies, want 120", copies)
	}
}

// What authz mode uses: find by identity or email, link, create with an
// identity; identities are unique.
func TestIdentities(t *testing.T) {
	d := newDir(t)
	s := d.api.Deps.Directory
	ctx := t.Context()
	u, err := s.CreateUser(ctx, directory.NewUser{Email: "Ada@Example.com", Name: "Ada", AvatarURL: "https://img.example.com/a.png", Provider: "google", Subject: "g-1"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ada@example.com" || u.AvatarURL != "https://img.example.com/a.png" || !u.IsActive {
		t.Errorf("created = %+v", u)
	}
	for name, find := range map[string]func() (directory.User, bool, error){
		"by identity": func() (directory.User, bool, error) { return s.FindByIdentity(ctx, "google", "g-1") },
		"by email":    func() (directory.User, bool, error) { return s.FindByEmail(ctx, " ADA@example.com") },
	} {
		if got, found, err := find(); err != nil || !found || got.ID != u.ID {
			t.Errorf("%s: %+v %v %v", name, got, found, err)
		}
	}
	for name, find := range map[string]func() (directory.User, bool, error){
		"unknown identity":   func() (directory.User, bool, error) { return s.FindByIdentity(ctx, "google", "g-2") },
		"other provider":     func() (directory.User, bool, error) { return s.FindByIdentity(ctx, "entra_id", "g-1") },
		"malformed provider": func() (directory.User, bool, error) { return s.FindByIdentity(ctx, "goo#gle", "g-1") },
		"unknown email":      func() (directory.User, bool, error) { return s.FindByEmail(ctx, "bob@example.com") },
	} {
		if _, found, err := find(); err != nil || found {
			t.Errorf("%s: found %v, err %v", name, found, err)
		}
	}

	if err := s.LinkIdentity(ctx, u.ID, "entra_id", "e-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkIdentity(ctx, u.ID, "entra_id", "e-1"); err != nil {
		t.Errorf("linking again: %v", err)
	}
	if got, found, _ := s.FindByIdentity(ctx, "entra_id", "e-1"); !found || got.ID != u.ID {
		t.Errorf("linked identity finds %+v %v", got, found)
	}
	bob, err := s.CreateUser(ctx, directory.NewUser{Email: "bob@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"link another's identity": s.LinkIdentity(ctx, bob.ID, "google", "g-1"),
		"create with another's identity": func() error {
			_, err := s.CreateUser(ctx, directory.NewUser{Email: "c@example.com", Provider: "google", Subject: "g-1"})
			return err
		}(),
	} {
		if !apperr.Is(err, apperr.Conflict) {
			t.Errorf("%s: %v, want a conflict", name, err)
		}
	}
	if err := s.LinkIdentity(ctx, unknownID, "google", "g-9"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("link to an unknown user: %v", err)
	}
	if err := s.LinkIdentity(ctx, bob.ID, "", "x"); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("link without provider: %v", err)
	}
	// The refused create left nothing behind: c@example.com is free.
	if _, found, _ := s.FindByEmail(ctx, "c@example.com"); found {
		t.Error("a refused create kept its email claim")
	}
}
