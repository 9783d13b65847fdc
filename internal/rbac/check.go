package rbac

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"sentinel/internal/dynamo"
)

// CheckInput is the body of POST /roles/check-action and, with user_id,
// of POST /roles/check; GET /roles/user-actions reads the same fields
// from its query.
type CheckInput struct {
	ServiceName string `json:"service_name"`
	Action      string `json:"action"`
	WorkspaceID string `json:"workspace_id"`
	UserID      string `json:"user_id"`
}

// validate checks the fields a call uses and returns them with the ids in
// canonical form.
func (in CheckInput) validate(action, user bool) (CheckInput, error) {
	if err := validateServiceName(in.ServiceName); err != nil {
		return in, err
	}
	if action {
		if err := validateName("action", in.Action, actionRE); err != nil {
			return in, err
		}
	}
	var err error
	if in.WorkspaceID, err = validateID("workspace_id", in.WorkspaceID); err != nil {
		return in, err
	}
	if user {
		if in.UserID, err = validateID("user_id", in.UserID); err != nil {
			return in, err
		}
	}
	return in, nil
}

// Check decides whether a user may perform a service's action in a
// workspace: allowed when any of the user's roles there holds it. It
// costs one Query and one BatchGetItem (per 100 roles the user holds),
// whatever the number of roles in the workspace. in must have passed
// validation (the handlers do it).
func (s *Store) Check(ctx context.Context, in CheckInput) (Decision, error) {
	roles, err := s.userRoles(ctx, in.WorkspaceID, in.UserID)
	if err != nil {
		return Decision{}, err
	}
	d := Decision{Roles: []string{}}
	e := entryOf(in.ServiceName, in.Action)
	for _, r := range roles {
		if slices.Contains(r.Actions, e) {
			d.Roles = append(d.Roles, r.Name)
		}
	}
	slices.Sort(d.Roles)
	d.Allowed = len(d.Roles) > 0
	return d, nil
}

// CheckMember is Check for a user a backend names (no token vouches for
// the membership): a user who is not, or no longer, a member of the
// workspace holds nothing there, whatever assignment may be left. It costs
// one GetItem on the directory more than Check.
func (s *Store) CheckMember(ctx context.Context, in CheckInput) (Decision, error) {
	dir, err := s.dir()
	if err != nil {
		return Decision{}, err
	}
	if _, found, err := dir.Membership(ctx, in.WorkspaceID, in.UserID); err != nil {
		return Decision{}, fmt.Errorf("membership of %s in %s: %w", in.UserID, in.WorkspaceID, err)
	} else if !found {
		return Decision{Roles: []string{}}, nil
	}
	return s.Check(ctx, in)
}

// UserActions lists, in order, the actions of a service that a user's
// roles in a workspace hold; same cost as Check.
func (s *Store) UserActions(ctx context.Context, in CheckInput) ([]string, error) {
	roles, err := s.userRoles(ctx, in.WorkspaceID, in.UserID)
	if err != nil {
		return nil, err
	}
	prefix := in.ServiceName + "#"
	held := map[string]bool{}
	for _, r := range roles {
		for _, e := range r.Actions {
			if a, ok := strings.CutPrefix(e, prefix); ok {
				held[a] = true
			}
		}
	}
	actions := slices.Sorted(maps.Keys(held))
	if actions == nil {
		actions = []string{}
	}
	return actions, nil
}

// userRoles reads a user's roles in a workspace: the assignments with one
// consistent Query, the roles by key.
func (s *Store) userRoles(ctx context.Context, wid, uid string) ([]roleItem, error) {
	assigns, err := queryAll[assignItem](ctx, s, userPK(wid, uid), prefixRole)
	if err != nil {
		return nil, fmt.Errorf("roles of %s in %s: %w", uid, wid, err)
	}
	if len(assigns) == 0 {
		return nil, nil
	}
	keys := make([]attrs, 0, len(assigns))
	for _, a := range assigns {
		keys = append(keys, roleKey(a.RoleID))
	}
	roles, err := dynamo.BatchGet[roleItem](ctx, s.repo, keys)
	if err != nil {
		return nil, fmt.Errorf("get roles of %s in %s: %w", uid, wid, err)
	}
	return roles, nil
}
