package main

import (
	"slices"
	"strings"
	"testing"

	"sentinel/internal/apitest"
	"sentinel/internal/directory"
)

// dev-token's claims come from the directory: the user by id or email,
// the workspace by id or slug, the membership's role and groups.
func TestMemberClaims(t *testing.T) {
	api := apitest.New(t)
	dir := api.Deps.Directory
	ctx := t.Context()
	w, err := dir.CreateWorkspace(ctx, directory.NewWorkspace{Name: "Acme", Slug: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := dir.CreateWorkspace(ctx, directory.NewWorkspace{Name: "Globex", Slug: "globex"})
	m, _ := dir.AddMember(ctx, w.ID, "ada@example.com", "editor")
	g, _ := dir.CreateGroup(ctx, w.ID, directory.NewGroup{Name: "Engineering"})
	if _, err := dir.AddGroupMember(ctx, g.ID, m.UserID); err != nil {
		t.Fatal(err)
	}
	for _, ref := range [][2]string{{"ada@example.com", "acme"}, {m.UserID, w.ID}, {"ADA@example.com", w.ID}} {
		c, err := memberClaims(ctx, dir, ref[0], ref[1])
		if err != nil {
			t.Fatalf("%v: %v", ref, err)
		}
		if c.Subject != m.UserID || c.WID != w.ID || c.WSlug != "acme" || c.WRole != "editor" || !slices.Equal(c.Groups, []string{g.ID}) || c.Type != "access" {
			t.Errorf("%v: claims %+v", ref, c)
		}
	}
	for _, tc := range []struct{ user, workspace, want string }{
		{"ada@example.com", "globex", "ada@example.com is not a member of workspace globex (add them: POST /admin/workspaces/" + other.ID + "/members)"},
		{"bob@example.com", "acme", `no user with id or email "bob@example.com"`},
		{"not-an-id", "acme", `no user with id or email "not-an-id"`},
		{"ada@example.com", "nowhere", `no workspace with id or slug "nowhere"`},
	} {
		if _, err := memberClaims(ctx, dir, tc.user, tc.workspace); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s in %s: %v, want %q", tc.user, tc.workspace, err, tc.want)
		}
	}
}
