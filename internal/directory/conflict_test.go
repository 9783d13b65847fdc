package directory_test

import (
	"testing"
	"time"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
)

// Every directory write is a transaction (or, for large ones, a few): one
// that meets another transaction on its items (TransactionConflict) is
// retried, and the call succeeds instead of answering 409.
func TestTransactionConflictsAreRetried(t *testing.T) {
	env := dynamotest.New(t)
	c := dynamotest.NewConflicts(env.Client)
	s := directory.NewStore(c, env.Names.Name(dynamo.Directory), activity.New(c, env.Names.Name(dynamo.Activity), time.Now), time.Now)
	ctx := t.Context()
	var (
		ws    directory.Workspace
		ada   directory.User
		group directory.AdminGroup
	)
	str := func(v string) *string { return &v }
	c.RetriesEach(t,
		dynamotest.Step{Name: "create workspace", Run: func() (err error) {
			ws, err = s.CreateWorkspace(ctx, directory.NewWorkspace{Name: "Acme", Slug: "acme"})
			return err
		}},
		dynamotest.Step{Name: "update workspace", Run: func() (err error) {
			_, err = s.UpdateWorkspace(ctx, ws.ID, directory.WorkspacePatch{Slug: str("acme-inc")})
			return err
		}},
		dynamotest.Step{Name: "create user", Run: func() (err error) {
			ada, err = s.CreateUser(ctx, directory.NewUser{Email: "ada@example.com", Name: "Ada"})
			return err
		}},
		dynamotest.Step{Name: "link identity", Run: func() error { return s.LinkIdentity(ctx, ada.ID, "dev", "ada-sub") }},
		dynamotest.Step{Name: "add member", Run: func() (err error) {
			_, err = s.AddMember(ctx, ws.ID, ada.Email, "editor")
			return err
		}},
		dynamotest.Step{Name: "update member", Run: func() (err error) {
			_, err = s.UpdateMember(ctx, ws.ID, ada.ID, "admin")
			return err
		}},
		dynamotest.Step{Name: "create group", Run: func() (err error) {
			group, err = s.CreateGroup(ctx, ws.ID, directory.NewGroup{Name: "Eng"})
			return err
		}},
		dynamotest.Step{Name: "update group", Run: func() (err error) {
			_, err = s.UpdateGroup(ctx, group.ID, directory.GroupPatch{Name: str("Engineering")})
			return err
		}},
		dynamotest.Step{Name: "add group member", Run: func() (err error) {
			_, err = s.AddGroupMember(ctx, group.ID, ada.ID)
			return err
		}},
		dynamotest.Step{Name: "rename user", Run: func() (err error) {
			_, err = s.UpdateUser(ctx, ada.ID, directory.UserPatch{Name: str("Ada L.")})
			return err
		}},
		dynamotest.Step{Name: "remove group member", Run: func() error { return s.RemoveGroupMember(ctx, group.ID, ada.ID) }},
		dynamotest.Step{Name: "delete group", Run: func() error { return s.DeleteGroup(ctx, group.ID) }},
		dynamotest.Step{Name: "remove member", Run: func() error { return s.RemoveMember(ctx, ws.ID, ada.ID) }},
		dynamotest.Step{Name: "delete workspace", Run: func() error { return s.DeleteWorkspace(ctx, ws.ID) }},
	)
	if u, err := s.GetUser(ctx, ada.ID); err != nil || u.Name != "Ada L." {
		t.Errorf("user after the retried writes: %+v, %v", u, err)
	}
	if _, err := s.GetWorkspace(ctx, ws.ID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("workspace after the retried delete: %v, want not found", err)
	}
}
