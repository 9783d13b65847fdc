package rbac

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
)

var _ directory.RoleSource = (*Store)(nil)

// UserRoles names the roles a user holds in each of the workspaces, for
// the admin user detail (GET /admin/users/{id}): one Query of the user's
// assignments per workspace, then the roles by key in one BatchGetItem
// (per 100 roles). Workspaces where the user holds none are absent.
func (s *Store) UserRoles(ctx context.Context, userID string, workspaceIDs []string) (map[string][]directory.RoleRef, error) {
	var keys []attrs
	for _, wid := range workspaceIDs {
		assigns, err := queryAll[assignItem](ctx, s, userPK(wid, userID), prefixRole)
		if err != nil {
			return nil, fmt.Errorf("roles of %s in %s: %w", userID, wid, err)
		}
		for _, a := range assigns {
			keys = append(keys, roleKey(a.RoleID))
		}
	}
	out := map[string][]directory.RoleRef{}
	if len(keys) == 0 {
		return out, nil
	}
	roles, err := dynamo.BatchGet[roleItem](ctx, s.repo, keys)
	if err != nil {
		return nil, fmt.Errorf("get roles of %s: %w", userID, err)
	}
	for _, r := range roles {
		out[r.WorkspaceID] = append(out[r.WorkspaceID], directory.RoleRef{ID: r.ID, Name: r.Name})
	}
	for _, refs := range out {
		slices.SortFunc(refs, func(a, b directory.RoleRef) int {
			return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
		})
	}
	return out, nil
}
