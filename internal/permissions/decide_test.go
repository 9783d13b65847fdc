package permissions_test

import (
	"fmt"
	"testing"

	"sentinel/internal/permissions"
)

func TestDecide(t *testing.T) {
	res := func(vis string) *permissions.Resource {
		return &permissions.Resource{Ref: permissions.Ref{WorkspaceID: "w1", OwnerID: "owner"}, Visibility: vis}
	}
	viewer := permissions.Principal{UserID: "u", WorkspaceID: "w1", Role: "viewer", Groups: []string{"g1", "g2"}}
	with := func(p permissions.Principal, f func(*permissions.Principal)) permissions.Principal { f(&p); return p }
	share := func(typ, id, level string) []permissions.Share {
		return []permissions.Share{{GranteeType: typ, GranteeID: id, Permission: level}}
	}
	cases := []struct {
		name   string
		p      permissions.Principal
		action string
		r      *permissions.Resource
		shares []permissions.Share
		want   bool
	}{
		{"unregistered", with(viewer, func(p *permissions.Principal) { p.Role = "owner" }), "view", nil, nil, false},
		{"other workspace, even for its owner", with(viewer, func(p *permissions.Principal) { p.UserID, p.WorkspaceID = "owner", "w2" }), "view", res("workspace"), nil, false},
		{"owner edits a private resource", with(viewer, func(p *permissions.Principal) { p.UserID = "owner" }), "edit", res("private"), nil, true},
		{"workspace admin", with(viewer, func(p *permissions.Principal) { p.Role = "admin" }), "edit", res("private"), nil, true},
		{"workspace editor edits workspace-visible", with(viewer, func(p *permissions.Principal) { p.Role = "editor" }), "edit", res("workspace"), nil, true},
		{"viewer views workspace-visible", viewer, "view", res("workspace"), nil, true},
		{"viewer cannot edit workspace-visible", viewer, "edit", res("workspace"), nil, false},
		{"private without a share", viewer, "view", res("private"), nil, false},
		{"view share views", viewer, "view", res("private"), share("user", "u", "view"), true},
		{"view share does not edit", viewer, "edit", res("private"), share("user", "u", "view"), false},
		{"edit share edits", viewer, "edit", res("private"), share("user", "u", "edit"), true},
		{"group share", viewer, "edit", res("private"), share("group", "g2", "edit"), true},
		{"share to another user", viewer, "view", res("private"), share("user", "x", "edit"), false},
		{"share to another group", viewer, "view", res("private"), share("group", "g9", "edit"), false},
		{"user id as a group id", viewer, "view", res("private"), share("group", "u", "edit"), false},
		{"edit share lifts a viewer on workspace-visible", viewer, "edit", res("workspace"), share("user", "u", "edit"), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := permissions.Decide(tc.p, tc.action, tc.r, tc.shares); got != tc.want {
				t.Errorf("Decide = %v, want %v", got, tc.want)
			}
		})
	}
}

// BenchmarkDecide measures the pure decision: a rule the record settles,
// and the slowest path (a group share found after the other shares, for a
// user in 20 groups).
func BenchmarkDecide(b *testing.B) {
	r := &permissions.Resource{Ref: permissions.Ref{WorkspaceID: "w1", OwnerID: "owner"}, Visibility: "private"}
	var groups []string
	var shares []permissions.Share
	for i := range 20 {
		groups = append(groups, fmt.Sprintf("g%02d", i))
		shares = append(shares, permissions.Share{GranteeType: "group", GranteeID: fmt.Sprintf("x%02d", i), Permission: "edit"})
	}
	shares = append(shares, permissions.Share{GranteeType: "group", GranteeID: "g19", Permission: "edit"})
	p := permissions.Principal{UserID: "u", WorkspaceID: "w1", Role: "viewer", Groups: groups}
	b.Run("owner", func(b *testing.B) {
		owner := p
		owner.UserID = "owner"
		for b.Loop() {
			permissions.Decide(owner, "edit", r, shares)
		}
	})
	b.Run("group-share-of-21", func(b *testing.B) {
		for b.Loop() {
			if !permissions.Decide(p, "edit", r, shares) {
				b.Fatal("denied")
			}
		}
	})
}
