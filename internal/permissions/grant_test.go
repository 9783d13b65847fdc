package permissions_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/apperr"
	"sentinel/internal/directory"
	"sentinel/internal/identity"
	"sentinel/internal/permissions"
	"sentinel/internal/rbac"
)

// grantWorld is the real stack (directory, RBAC, permissions) over
// DynamoDB Local with one workspace, one docu-store resource and one role.
type grantWorld struct {
	t    *testing.T
	api  *apitest.API
	ctx  context.Context
	ws   string
	ref  permissions.Ref
	role string
}

func newGrantWorld(t *testing.T) *grantWorld {
	t.Helper()
	api := apitest.New(t)
	ctx := t.Context()
	w := &grantWorld{t: t, api: api, ctx: ctx}
	ws, err := api.Deps.Directory.CreateWorkspace(ctx, directory.NewWorkspace{Name: "Acme", Slug: "acme-" + uuid.NewString()[:8]})
	if err != nil {
		t.Fatal(err)
	}
	w.ws = ws.ID
	owner := w.member("owner")
	vis := permissions.Private
	in := permissions.RegisterInput{ServiceName: "docu-store", ResourceType: "doc", ResourceID: uuid.NewString(), WorkspaceID: w.ws, OwnerID: owner, Visibility: &vis}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	rp, err := api.Deps.Permissions.Register(identity.WithService(ctx, &identity.Service{ServiceName: "docu-store"}), in)
	if err != nil {
		t.Fatal(err)
	}
	w.ref = rp.Ref
	role, err := api.Deps.RBAC.CreateRole(ctx, w.ws, rbac.RoleInput{Name: "Editors"})
	if err != nil {
		t.Fatal(err)
	}
	w.role = role.ID
	return w
}

func (w *grantWorld) member(label string) string {
	w.t.Helper()
	m, err := w.api.Deps.Directory.AddMember(w.ctx, w.ws, label+"-"+uuid.NewString()[:8]+"@example.com", "viewer")
	if err != nil {
		w.t.Fatal(err)
	}
	return m.UserID
}

func (w *grantWorld) group() string {
	w.t.Helper()
	g, err := w.api.Deps.Directory.CreateGroup(w.ctx, w.ws, directory.NewGroup{Name: "Team " + uuid.NewString()[:8]})
	if err != nil {
		w.t.Fatal(err)
	}
	return g.ID
}

func (w *grantWorld) share(g permissions.Grantee) error {
	admin := identity.WithAdmin(w.ctx, &identity.Admin{ID: uuid.NewString(), Email: "root@example.com"})
	return w.api.Deps.Permissions.Share(admin, w.ref.ID, permissions.ShareInput{Grantee: g, Permission: permissions.Edit})
}

func (w *grantWorld) assign(uid string) error { return w.api.Deps.RBAC.AddMember(w.ctx, w.role, uid) }

// survivors lists the grants left for the grantee: a share on the
// resource, an assignment of the role.
func (w *grantWorld) survivors(g permissions.Grantee) []string {
	w.t.Helper()
	var out []string
	rp, err := w.api.Deps.Permissions.Get(w.ctx, w.ref.Coords())
	if err != nil {
		w.t.Fatal(err)
	}
	for _, sh := range rp.Shares {
		if sh.GranteeID == g.ID {
			out = append(out, "share to "+g.Type+" "+g.ID)
		}
	}
	if g.Type == permissions.User {
		members, err := w.api.Deps.RBAC.ListMembers(w.ctx, w.role, 100, "")
		if err != nil {
			w.t.Fatal(err)
		}
		for _, m := range members.Items {
			if m.UserID == g.ID {
				out = append(out, "role assignment of "+g.ID)
			}
		}
	}
	return out
}

// staleDir answers every membership and group question "yes", as a read
// made just before a removal began would: only the grant's own transaction
// (directory.Guard) can then stop it.
type staleDir struct{ *directory.Store }

func (d staleDir) Membership(_ context.Context, wid, uid string) (directory.Membership, bool, error) {
	return directory.Membership{WorkspaceID: wid, UserID: uid, Role: "viewer"}, true, nil
}

func (staleDir) GroupInWorkspace(context.Context, string, string) (bool, error) { return true, nil }

// grantDuringPurge is a Dependent that grants while the directory purges:
// the last moment a grant could slip in before the removal completes.
type grantDuringPurge struct {
	w    *grantWorld
	errs []error
}

func (d *grantDuringPurge) PurgeWorkspace(_ context.Context, wid string) error { return nil }

func (d *grantDuringPurge) PurgeMember(_ context.Context, _, uid string) error {
	d.errs = append(d.errs, d.w.share(permissions.Grantee{Type: permissions.User, ID: uid}), d.w.assign(uid))
	return nil
}

func (d *grantDuringPurge) PurgeGroup(_ context.Context, _, gid string) error {
	d.errs = append(d.errs, d.w.share(permissions.Grantee{Type: permissions.Group, ID: gid}))
	return nil
}

// A grant whose membership read is stale still fails once the removal has
// begun: the member (or group) is marked before anything is purged, and the
// grant's transaction checks the mark.
func TestGrantDuringRemovalFails(t *testing.T) {
	w := newGrantWorld(t)
	d := w.api.Deps
	d.Permissions.Directory, d.RBAC.Directory = staleDir{d.Directory}, staleDir{d.Directory}
	hook := &grantDuringPurge{w: w}
	d.Directory.Dependents = append(d.Directory.Dependents, hook)

	uid, gid := w.member("leaver"), w.group()
	if err := d.Directory.RemoveMember(w.ctx, w.ws, uid); err != nil {
		t.Fatal(err)
	}
	if err := d.Directory.DeleteGroup(w.ctx, gid); err != nil {
		t.Fatal(err)
	}
	if len(hook.errs) != 3 {
		t.Fatalf("the purge hook ran %d grants, want 3", len(hook.errs))
	}
	for i, err := range hook.errs {
		if !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("grant %d during the removal: %v, want a 400 (grantee gone)", i, err)
		}
	}
	for _, g := range []permissions.Grantee{{Type: permissions.User, ID: uid}, {Type: permissions.Group, ID: gid}} {
		if s := w.survivors(g); len(s) > 0 {
			t.Errorf("survived the removal: %v", s)
		}
	}

	// Deleting the workspace marks it first too: a grant to a member still
	// listed fails.
	other := w.member("stayer")
	late := &workspaceGrant{w: w, uid: other}
	// First, while the role and the resource still exist (the others purge them).
	d.Directory.Dependents = append([]directory.Dependent{late}, d.Directory.Dependents...)
	if err := d.Directory.DeleteWorkspace(w.ctx, w.ws); err != nil {
		t.Fatal(err)
	}
	if len(late.errs) != 2 || !apperr.Is(late.errs[0], apperr.BadRequest) || !apperr.Is(late.errs[1], apperr.BadRequest) {
		t.Errorf("grants during the workspace delete: %v, want two 400s", late.errs)
	}
}

// workspaceGrant grants to a member while the workspace is purged.
type workspaceGrant struct {
	w    *grantWorld
	uid  string
	errs []error
}

func (d *workspaceGrant) PurgeWorkspace(context.Context, string) error {
	d.errs = append(d.errs, d.w.share(permissions.Grantee{Type: permissions.User, ID: d.uid}), d.w.assign(d.uid))
	return nil
}

func (d *workspaceGrant) PurgeMember(context.Context, string, string) error { return nil }

// Grants racing removals, many rounds, never leave a grant behind: a share
// and a role assignment to a member being removed, a share to a group
// being deleted.
func TestGrantRacingRemovalLeavesNoGrant(t *testing.T) {
	w := newGrantWorld(t)
	d := w.api.Deps
	const rounds = 12
	landed := 0
	for round := range rounds {
		uid, gid := w.member(fmt.Sprint("racer", round)), w.group()
		var wg sync.WaitGroup
		var shareErr, assignErr, groupErr, removeErr, deleteErr error
		wg.Go(func() { shareErr = w.share(permissions.Grantee{Type: permissions.User, ID: uid}) })
		wg.Go(func() { assignErr = w.assign(uid) })
		wg.Go(func() { groupErr = w.share(permissions.Grantee{Type: permissions.Group, ID: gid}) })
		wg.Go(func() { removeErr = d.Directory.RemoveMember(w.ctx, w.ws, uid) })
		wg.Go(func() { deleteErr = d.Directory.DeleteGroup(w.ctx, gid) })
		wg.Wait()
		for _, err := range []error{shareErr, assignErr, groupErr} {
			if err == nil {
				landed++
			} else if !apperr.Is(err, apperr.BadRequest) && !apperr.Is(err, apperr.Conflict) {
				t.Fatalf("round %d: grant failed unexpectedly: %v", round, err)
			}
		}
		// A removal may lose to a grant's transaction (409); repeating it
		// finishes the job, as an admin would.
		for _, r := range []struct {
			err   error
			again func() error
		}{
			{removeErr, func() error { return d.Directory.RemoveMember(w.ctx, w.ws, uid) }},
			{deleteErr, func() error { return d.Directory.DeleteGroup(w.ctx, gid) }},
		} {
			if r.err != nil {
				if err := r.again(); err != nil {
					t.Fatalf("round %d: removal failed (%v) and again: %v", round, r.err, err)
				}
			}
		}
		for _, g := range []permissions.Grantee{{Type: permissions.User, ID: uid}, {Type: permissions.Group, ID: gid}} {
			if s := w.survivors(g); len(s) > 0 {
				t.Fatalf("round %d: %v outlived the removal", round, s)
			}
		}
	}
	t.Logf("%d of %d grants landed before their removal", landed, 3*rounds)
}
