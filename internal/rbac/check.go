package rbac

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"sentinel/internal/apperr"
	"sentinel/internal/authtier"
	"sentinel/internal/dynamo"
	"sentinel/internal/identity"
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

// CheckAction decides for the user of the request's token, in the token's
// workspace only (403), about the calling backend's own service.
func (s *Store) CheckAction(ctx context.Context, in CheckInput) (Decision, error) {
	in, err := asTokenUser(ctx, in, true, "Cross-workspace check not allowed")
	if err != nil {
		return Decision{}, err
	}
	return s.decide(ctx, in)
}

// TokenUserActions lists the calling backend's actions that the token's
// user holds in the token's workspace (403 for another workspace).
func (s *Store) TokenUserActions(ctx context.Context, in CheckInput) ([]string, error) {
	in, err := asTokenUser(ctx, in, false, "Cross-workspace lookup not allowed")
	if err != nil {
		return nil, err
	}
	return s.UserActions(ctx, in)
}

// CheckUser decides about the user in names, for the calling backend's own
// service (the seed's key-only role check). No token vouches for the
// membership: a user who is not, or no longer, a member of the workspace
// holds nothing there, whatever assignment may be left. It costs one
// GetItem on the directory more than a token user's check.
func (s *Store) CheckUser(ctx context.Context, in CheckInput) (Decision, error) {
	in, err := in.validate(true, true)
	if err != nil {
		return Decision{}, err
	}
	if err := authtier.RequireScope(ctx, in.ServiceName); err != nil {
		return Decision{}, err
	}
	dir, err := s.dir()
	if err != nil {
		return Decision{}, err
	}
	if _, found, err := dir.Membership(ctx, in.WorkspaceID, in.UserID); err != nil {
		return Decision{}, fmt.Errorf("membership of %s in %s: %w", in.UserID, in.WorkspaceID, err)
	} else if !found {
		return Decision{Roles: []string{}}, nil
	}
	return s.decide(ctx, in)
}

// asTokenUser validates a dual-tier check and makes it about the token's
// user, in the token's workspace only (403 with crossMsg otherwise).
func asTokenUser(ctx context.Context, in CheckInput, action bool, crossMsg string) (CheckInput, error) {
	in, err := in.validate(action, false)
	if err != nil {
		return in, err
	}
	if err := authtier.RequireScope(ctx, in.ServiceName); err != nil {
		return in, err
	}
	u, ok := identity.UserFrom(ctx)
	if !ok {
		return in, errors.New("rbac: dual-tier check without a user")
	}
	if !strings.EqualFold(u.WorkspaceID, in.WorkspaceID) {
		return in, apperr.New(apperr.Forbidden, "%s", crossMsg)
	}
	in.UserID = u.ID
	return in, nil
}

// decide decides whether a user may perform a service's action in a
// workspace: allowed when any of the user's roles there holds it. It
// costs one Query and one BatchGetItem (per 100 roles the user holds),
// whatever the number of roles in the workspace. in is validated.
func (s *Store) decide(ctx context.Context, in CheckInput) (Decision, error) {
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

// UserActions lists, in order, the actions of a service that a user's
// roles in a workspace hold; same cost as a check. Its input is trusted:
// authz calls it with the ids it resolved.
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
