package rbac

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
)

// PurgeWorkspace removes every role of a workspace with its assignments
// and action links (directory.Dependent: called before the workspace is
// deleted). It is idempotent.
func (s *Store) PurgeWorkspace(ctx context.Context, workspaceID string) error {
	var claims []claimItem
	if err := s.queryAll(ctx, workspacePK(workspaceID), prefixRole, &claims); err != nil {
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
	return removeInChunks(func() (bool, error) {
		var assigns []assignItem
		if err := s.queryAll(ctx, userPK(workspaceID, userID), prefixRole, &assigns); err != nil {
			return false, fmt.Errorf("roles of %s in %s: %w", userID, workspaceID, err)
		}
		units := make([][]types.TransactWriteItem, 0, len(assigns))
		for _, a := range assigns {
			units = append(units, []types.TransactWriteItem{
				s.txDelete(dynamo.Key(a.PK, a.SK), "attribute_exists(pk)", nil),
				s.txDelete(dynamo.Key(rolePK(a.RoleID), prefixMember+userID), "", nil),
				s.txUpdate(roleKey(a.RoleID), "ADD member_count :minus, version :one", "attribute_exists(pk)", attrs{":minus": n(-1), ":one": n(1)}),
			})
		}
		done, err := s.drain(ctx, units, nil, func(int) []types.TransactWriteItem { return nil })
		if err != nil && !retryable(err) {
			err = fmt.Errorf("purge roles of %s in %s: %w", userID, workspaceID, err)
		}
		return done, err
	})
}
