package permissions_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/directorytest"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
	"sentinel/internal/identity"
	"sentinel/internal/permissions"
)

// Every permission write is a transaction: one that meets another
// transaction on its items (TransactionConflict) is retried, and the call
// succeeds instead of answering 409.
func TestTransactionConflictsAreRetried(t *testing.T) {
	env := dynamotest.New(t)
	c := dynamotest.NewConflicts(env.Client)
	dir := directorytest.New()
	s := permissions.NewStore(c, env.Names.Name(dynamo.Permissions), activity.New(c, env.Names.Name(dynamo.Activity), time.Now), time.Now).WithDirectory(dir)
	// The calls of a backend, docu-store, for the resource's owner.
	ws := dir.AddWorkspace()
	owner, member := dir.AddMember(ws, "owner"), dir.AddMember(ws, "member")
	ctx := identity.WithService(t.Context(), &identity.Service{ServiceName: "docu-store"})
	ctx = identity.WithUser(ctx, &identity.User{ID: owner, WorkspaceID: ws, Role: "viewer"})
	visibility := permissions.Private
	in := permissions.RegisterInput{ServiceName: "docu-store", ResourceType: "doc", ResourceID: uuid.NewString(), WorkspaceID: ws, OwnerID: owner, Visibility: &visibility}
	coords := permissions.Coords{Service: in.ServiceName, Type: in.ResourceType, ResourceID: in.ResourceID}
	var rp permissions.ResourcePermission
	grantee := permissions.Grantee{Type: permissions.User, ID: member}
	c.RetriesEach(t,
		dynamotest.Step{Name: "register", Run: func() (err error) { rp, err = s.Register(ctx, in); return err }},
		dynamotest.Step{Name: "share", Run: func() error {
			return s.Share(ctx, rp.ID, permissions.ShareInput{Grantee: grantee, Permission: permissions.Edit})
		}},
		dynamotest.Step{Name: "set visibility", Run: func() (err error) {
			_, err = s.SetVisibility(ctx, rp.ID, permissions.VisibilityInput{Visibility: permissions.Workspace})
			return err
		}},
	)
	got, err := s.Get(ctx, coords)
	if err != nil || got.Visibility != permissions.Workspace || len(got.Shares) != 1 {
		t.Fatalf("after the retried writes: %+v, %v", got, err)
	}
	c.RetriesEach(t,
		dynamotest.Step{Name: "unshare", Run: func() error { return s.Unshare(ctx, rp.ID, permissions.ShareInput{Grantee: grantee}) }},
		dynamotest.Step{Name: "deregister", Run: func() error { return s.Deregister(ctx, coords) }},
	)
	if _, err := s.Get(ctx, coords); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("after the retried deregistration: %v, want not found", err)
	}
}
