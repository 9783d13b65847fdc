package rbac

import (
	"context"
	"net/http"

	"sentinel/internal/identity"
	"sentinel/internal/metrics"
	"sentinel/internal/web"
)

// Handlers serves the RBAC API: registration and role checks for backends
// (api.md section 5) and the admin API for roles and service actions
// (section 8). Handlers only decode and answer: validation, scope and
// rules are the store's exported operations' (the service layer).
type Handlers struct{ Store *Store }

// Register serves POST /roles/actions/register (service key).
func (h Handlers) Register(r *http.Request) (int, any, error) {
	var in RegisterInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	out, err := h.Store.Register(r.Context(), in)
	return 201, out, err
}

// CheckAction serves POST /roles/check-action (dual): may the token's user
// perform the action in the token's workspace?
func (h Handlers) CheckAction(r *http.Request) (int, any, error) {
	var in CheckInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	d, err := h.Store.CheckAction(r.Context(), in)
	return 200, d, recordCheck(r.Context(), d, err)
}

// UserActions serves GET /roles/user-actions?service_name=&workspace_id=
// (dual): the service's actions the token's user holds in the workspace.
func (h Handlers) UserActions(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	actions, err := h.Store.TokenUserActions(r.Context(), CheckInput{ServiceName: q.Get("service_name"), WorkspaceID: q.Get("workspace_id")})
	return 200, map[string][]string{"actions": actions}, err
}

// Check serves POST /roles/check (service key): the seed's key-only role
// check for a backend acting on its own behalf, about the user it names
// (who must still be a member of the workspace).
func (h Handlers) Check(r *http.Request) (int, any, error) {
	var in CheckInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	d, err := h.Store.CheckUser(r.Context(), in)
	return 200, d, recordCheck(r.Context(), d, err)
}

// recordCheck counts a role decision of the calling service (EMF).
func recordCheck(ctx context.Context, d Decision, err error) error {
	if err == nil {
		metrics.Check(ctx, identity.ServiceName(ctx), d.Allowed)
	}
	return err
}

// ListServiceActions serves GET /admin/service-actions?service_name=.
func (h Handlers) ListServiceActions(r *http.Request) (int, any, error) {
	return list(r, r.URL.Query().Get("service_name"), h.Store.ListServiceActions)
}

// DeleteServiceAction serves DELETE /admin/service-actions/{id}.
func (h Handlers) DeleteServiceAction(r *http.Request) (int, any, error) {
	return 204, nil, h.Store.DeleteServiceAction(r.Context(), r.PathValue("id"))
}

// ListRoles serves GET /admin/workspaces/{id}/roles.
func (h Handlers) ListRoles(r *http.Request) (int, any, error) {
	return list(r, r.PathValue("id"), h.Store.ListRoles)
}

// list serves an admin list of what id names, one page by ?limit= and
// ?cursor=.
func list[T any](r *http.Request, id string, fetch func(ctx context.Context, id string, limit int, cursor string) (Page[T], error)) (int, any, error) {
	limit, err := web.ParseListLimit(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := fetch(r.Context(), id, limit, r.URL.Query().Get("cursor"))
	return 200, page, err
}

// CreateRole serves POST /admin/workspaces/{id}/roles.
func (h Handlers) CreateRole(r *http.Request) (int, any, error) {
	var in RoleInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	role, err := h.Store.CreateRole(r.Context(), r.PathValue("id"), in)
	return 201, role, err
}

// UpdateRole serves PATCH /admin/roles/{rid}.
func (h Handlers) UpdateRole(r *http.Request) (int, any, error) {
	var p RolePatch
	if err := web.Decode(r, &p); err != nil {
		return 0, nil, err
	}
	role, err := h.Store.UpdateRole(r.Context(), r.PathValue("rid"), p)
	return 200, role, err
}

// DeleteRole serves DELETE /admin/roles/{rid}.
func (h Handlers) DeleteRole(r *http.Request) (int, any, error) {
	return 204, nil, h.Store.DeleteRole(r.Context(), r.PathValue("rid"))
}

// ok is the answer of the admin calls that add to a role (as the original).
var ok = map[string]string{"status": "ok"}

// ListActions serves GET /admin/roles/{rid}/actions.
func (h Handlers) ListActions(r *http.Request) (int, any, error) {
	return list(r, r.PathValue("rid"), h.Store.ListActions)
}

// AddActions serves POST /admin/roles/{rid}/actions.
func (h Handlers) AddActions(r *http.Request) (int, any, error) {
	var in AddActionsInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	return 201, ok, h.Store.AddActions(r.Context(), r.PathValue("rid"), in)
}

// RemoveAction serves DELETE /admin/roles/{rid}/actions/{action_id}.
func (h Handlers) RemoveAction(r *http.Request) (int, any, error) {
	return 204, nil, h.Store.RemoveAction(r.Context(), r.PathValue("rid"), r.PathValue("action_id"))
}

// ListMembers serves GET /admin/roles/{rid}/members.
func (h Handlers) ListMembers(r *http.Request) (int, any, error) {
	return list(r, r.PathValue("rid"), h.Store.ListMembers)
}

// AddMember serves POST /admin/roles/{rid}/members/{user_id}.
func (h Handlers) AddMember(r *http.Request) (int, any, error) {
	return 201, ok, h.Store.AddMember(r.Context(), r.PathValue("rid"), r.PathValue("user_id"))
}

// RemoveMember serves DELETE /admin/roles/{rid}/members/{user_id}.
func (h Handlers) RemoveMember(r *http.Request) (int, any, error) {
	return 204, nil, h.Store.RemoveMember(r.Context(), r.PathValue("rid"), r.PathValue("user_id"))
}
