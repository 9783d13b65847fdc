package routes

import (
	"slices"
	"testing"
)

// The role checks are hot, read-only paths: their functions may read the
// RBAC table but never write it.
func TestRoleChecksOnlyReadRBAC(t *testing.T) {
	for _, name := range []string{"roles-check-action", "roles-user-actions", "roles-check"} {
		f, ok := FunctionNamed(name)
		if !ok {
			t.Fatalf("function %s missing", name)
		}
		for _, a := range f.Access {
			if a.Table.ID != "RBAC" {
				continue
			}
			if !slices.Equal(a.Actions, readActions) {
				t.Errorf("%s has %v on RBAC, want only %v", name, a.Actions, readActions)
			}
		}
		want := len(implied(f.Routes[0].Tier)) + 1
		if name == "roles-check" {
			// The key-only check names its user: it reads the membership.
			want++
			if !slices.ContainsFunc(f.Access, func(a Access) bool { return a.Table.ID == "Directory" && slices.Equal(a.Actions, readActions) }) {
				t.Errorf("roles-check has %v, want reads of the directory", f.Access)
			}
		}
		if len(f.Tables()) != want {
			t.Errorf("%s uses tables %v, want its tier's and RBAC", name, f.Tables())
		}
	}
}
