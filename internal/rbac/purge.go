package rbac

import (
	"context"
	"fmt"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// PurgeWorkspace removes every role of a workspace with its assignments
// and action links (directory.Dependent: called before the workspace is
// deleted). It is idempotent.
func (s *Store) PurgeWorkspace(ctx context.Context, workspaceID string) error {
	claims, err := queryAll[claimItem](ctx, s, workspacePK(workspaceID), prefixRole)
	if err != nil {
		return fmt.Errorf("roles of workspace %s: %w", workspaceID, err)
	}
	for _, c := range claims {
		if err := s.removeRole(ctx, c.RoleID, false); err != nil && !apperr.Is(err, apperr.NotFound) {
			return fmt.Errorf("purge workspace %s: %w", workspaceID, err)
		}
	}
	return nil
}

// PurgeMember removes a user's role assignments in a workspace
// (directory.Dependent: called before the membership is removed). It is
// idempotent; each assignment goes with its other side and its role's
// member count, so a concurrent unassign fails the chunk and it is read
// again.
func (s *Store) PurgeMember(ctx context.Context, workspaceID, userID string) error {
	return removeInChunks(ctx, func() (bool, error) {
		assigns, err := queryAll[assignItem](ctx, s, userPK(workspaceID, userID), prefixRole)
		if err != nil {
			return false, fmt.Errorf("roles of %s in %s: %w", userID, workspaceID, err)
		}
		units := make([][]ddb.TransactWriteItem, 0, len(assigns))
		for _, a := range assigns {
			units = append(units, []ddb.TransactWriteItem{
				s.repo.Delete(dynamo.Key(a.PK, a.SK), "attribute_exists(pk)", nil),
				s.repo.Delete(dynamo.Key(rolePK(a.RoleID), prefixMember+userID), "", nil),
				s.repo.Update(roleKey(a.RoleID), "ADD member_count :minus, version :one", "attribute_exists(pk)", attrs{":minus": dynamo.N(-1), ":one": dynamo.N(1)}),
			})
		}
		done, err := s.drain(ctx, units, nil, func(int) []ddb.TransactWriteItem { return nil })
		if err != nil {
			err = fmt.Errorf("purge roles of %s in %s: %w", userID, workspaceID, err)
		}
		return done, err
	})
}

// PurgeService deletes every action a service registered, each taken out
// of the roles that hold it (as DeleteServiceAction does), so a new app
// with the service's name inherits none (serviceapps.ServiceData: called
// when a service app is deleted). It is idempotent; the actions are found
// through the by-kind index, which trails writes by a moment.
func (s *Store) PurgeService(ctx context.Context, serviceName string) error {
	actions, err := dynamo.QueryAll[actionItem](ctx, s.repo, actionsOf(serviceName))
	if err != nil {
		return fmt.Errorf("actions of service %s: %w", serviceName, err)
	}
	for _, a := range actions {
		if err := s.DeleteServiceAction(ctx, a.ID); err != nil && !apperr.Is(err, apperr.NotFound) {
			return fmt.Errorf("purge service %s: %w", serviceName, err)
		}
	}
	return nil
}
