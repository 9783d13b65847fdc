package rbac_test

import (
	"testing"
	"time"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/directorytest"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
	"sentinel/internal/identity"
	"sentinel/internal/rbac"
)

// Every role write is a transaction: one that meets another transaction on
// its items (TransactionConflict) is retried, and the call succeeds instead
// of answering 409 (RBAC once called TransactWriteItems without retry).
func TestTransactionConflictsAreRetried(t *testing.T) {
	env := dynamotest.New(t)
	c := dynamotest.NewConflicts(env.Client)
	dir := directorytest.New()
	s := rbac.NewStore(c, env.Names.Name(dynamo.RBAC), activity.New(c, env.Names.Name(dynamo.Activity), time.Now), time.Now).WithDirectory(dir)
	ctx := identity.WithService(t.Context(), &identity.Service{ServiceName: "docu-store"})
	ws := dir.AddWorkspace()
	alice, bob := dir.AddMember(ws, "Alice"), dir.AddMember(ws, "Bob")
	actions, err := s.Register(ctx, rbac.RegisterInput{ServiceName: "docu-store", Actions: []rbac.ActionInput{{Action: "doc:read"}, {Action: "doc:write"}}})
	if err != nil {
		t.Fatal(err)
	}
	var role rbac.Role
	name := "Writers"
	c.RetriesEach(t,
		dynamotest.Step{Name: "create role", Run: func() (err error) {
			role, err = s.CreateRole(ctx, ws, rbac.RoleInput{Name: "Readers"})
			return err
		}},
		dynamotest.Step{Name: "update role", Run: func() (err error) {
			_, err = s.UpdateRole(ctx, role.ID, rbac.RolePatch{Name: &name})
			return err
		}},
		dynamotest.Step{Name: "add actions", Run: func() error {
			return s.AddActions(ctx, role.ID, rbac.AddActionsInput{ServiceActionIDs: []string{actions[0].ID, actions[1].ID}})
		}},
		dynamotest.Step{Name: "remove action", Run: func() error { return s.RemoveAction(ctx, role.ID, actions[0].ID) }},
		dynamotest.Step{Name: "assign", Run: func() error { return s.AddMember(ctx, role.ID, alice) }},
		dynamotest.Step{Name: "assign again", Run: func() error { return s.AddMember(ctx, role.ID, bob) }},
		dynamotest.Step{Name: "unassign", Run: func() error { return s.RemoveMember(ctx, role.ID, bob) }},
		dynamotest.Step{Name: "purge a member", Run: func() error { return s.PurgeMember(ctx, ws, alice) }},
	)
	d, err := s.CheckUser(ctx, rbac.CheckInput{ServiceName: "docu-store", Action: "doc:write", WorkspaceID: ws, UserID: alice})
	if err != nil || d.Allowed {
		t.Fatalf("check after the purge: %+v, %v; want refused", d, err)
	}
	page, err := s.ListRoles(ctx, ws, 10, "")
	if err != nil || len(page.Items) != 1 || page.Items[0].Name != name || page.Items[0].ActionCount != 1 || page.Items[0].MemberCount != 0 {
		t.Fatalf("roles after the retried writes: %+v, %v", page.Items, err)
	}
	c.RetriesEach(t,
		dynamotest.Step{Name: "delete service action", Run: func() error { return s.DeleteServiceAction(ctx, actions[1].ID) }},
		dynamotest.Step{Name: "delete role", Run: func() error { return s.DeleteRole(ctx, role.ID) }},
	)
	if _, err := s.ListActions(ctx, role.ID, 10, ""); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("role after the retried delete: %v, want not found", err)
	}
}
