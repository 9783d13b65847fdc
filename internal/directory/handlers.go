package directory

import (
	"context"
	"net/http"

	"sentinel/internal/web"
)

// Handlers serves the directory's admin API (api.md section 8) and its
// backend reads (section 6). Handlers only decode and answer: validation,
// the caller's scope and the rules are the store's exported operations'
// (the service layer).
type Handlers struct{ Store *Store }

// AddMemberInput is the body of POST /admin/workspaces/{id}/members.
type AddMemberInput struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// MemberPatch is the body of PATCH /admin/workspaces/{id}/members/{user_id}.
type MemberPatch struct {
	Role string `json:"role"`
}

// CreateUserInput is the body of POST /admin/users.
type CreateUserInput struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// list reads ?q=&limit=&cursor= of an admin list.
func list(r *http.Request) (List, error) {
	q := r.URL.Query()
	limit, err := web.ParseListLimit(r)
	if err != nil {
		return List{}, err
	}
	return List{Q: q.Get("q"), Limit: limit, Cursor: q.Get("cursor")}, nil
}

// page answers an admin list with the page of f that the request asks for.
func page[T any](r *http.Request, f func(context.Context, List) (Page[T], error)) (int, any, error) {
	l, err := list(r)
	if err != nil {
		return 0, nil, err
	}
	p, err := f(r.Context(), l)
	return 200, p, err
}

// ListWorkspaces serves GET /admin/workspaces.
func (h Handlers) ListWorkspaces(r *http.Request) (int, any, error) {
	return page(r, h.Store.ListWorkspaces)
}

// CreateWorkspace serves POST /admin/workspaces.
func (h Handlers) CreateWorkspace(r *http.Request) (int, any, error) {
	var in NewWorkspace
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	w, err := h.Store.CreateWorkspace(r.Context(), in)
	return 201, w, err
}

// GetWorkspace serves GET /admin/workspaces/{id}.
func (h Handlers) GetWorkspace(r *http.Request) (int, any, error) {
	w, err := h.Store.GetWorkspace(r.Context(), r.PathValue("id"))
	return 200, w, err
}

// UpdateWorkspace serves PATCH /admin/workspaces/{id}.
func (h Handlers) UpdateWorkspace(r *http.Request) (int, any, error) {
	var p WorkspacePatch
	if err := web.Decode(r, &p); err != nil {
		return 0, nil, err
	}
	w, err := h.Store.UpdateWorkspace(r.Context(), r.PathValue("id"), p)
	return 200, w, err
}

// DeleteWorkspace serves DELETE /admin/workspaces/{id}.
func (h Handlers) DeleteWorkspace(r *http.Request) (int, any, error) {
	return 204, nil, h.Store.DeleteWorkspace(r.Context(), r.PathValue("id"))
}

// ListMembers serves GET /admin/workspaces/{id}/members.
func (h Handlers) ListMembers(r *http.Request) (int, any, error) {
	return page(r, func(ctx context.Context, l List) (Page[Member], error) {
		return h.Store.ListMembers(ctx, r.PathValue("id"), l)
	})
}

// AddMember serves POST /admin/workspaces/{id}/members.
func (h Handlers) AddMember(r *http.Request) (int, any, error) {
	var in AddMemberInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	m, err := h.Store.AddMember(r.Context(), r.PathValue("id"), in.Email, in.Role)
	return 201, m, err
}

// UpdateMember serves PATCH /admin/workspaces/{id}/members/{user_id}.
func (h Handlers) UpdateMember(r *http.Request) (int, any, error) {
	var in MemberPatch
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	m, err := h.Store.UpdateMember(r.Context(), r.PathValue("id"), r.PathValue("user_id"), in.Role)
	return 200, m, err
}

// RemoveMember serves DELETE /admin/workspaces/{id}/members/{user_id}.
func (h Handlers) RemoveMember(r *http.Request) (int, any, error) {
	return 204, nil, h.Store.RemoveMember(r.Context(), r.PathValue("id"), r.PathValue("user_id"))
}

// ListUsers serves GET /admin/users.
func (h Handlers) ListUsers(r *http.Request) (int, any, error) {
	return page(r, h.Store.ListUsers)
}

// CreateUser serves POST /admin/users: {email, name}.
func (h Handlers) CreateUser(r *http.Request) (int, any, error) {
	var in CreateUserInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	u, err := h.Store.CreateUser(r.Context(), NewUser{Email: in.Email, Name: in.Name, NameRequired: true})
	return 201, u, err
}

// GetUser serves GET /admin/users/{id}: the user with its memberships,
// groups and roles.
func (h Handlers) GetUser(r *http.Request) (int, any, error) {
	u, err := h.Store.UserDetail(r.Context(), r.PathValue("id"))
	return 200, u, err
}

// UpdateUser serves PATCH /admin/users/{id}.
func (h Handlers) UpdateUser(r *http.Request) (int, any, error) {
	var p UserPatch
	if err := web.Decode(r, &p); err != nil {
		return 0, nil, err
	}
	u, err := h.Store.UpdateUser(r.Context(), r.PathValue("id"), p)
	return 200, u, err
}

// ListGroups serves GET /admin/workspaces/{id}/groups.
func (h Handlers) ListGroups(r *http.Request) (int, any, error) {
	return page(r, func(ctx context.Context, l List) (Page[AdminGroup], error) {
		return h.Store.ListGroups(ctx, r.PathValue("id"), l)
	})
}

// GetGroup serves GET /admin/groups/{gid}.
func (h Handlers) GetGroup(r *http.Request) (int, any, error) {
	g, err := h.Store.GetGroup(r.Context(), r.PathValue("gid"))
	return 200, g, err
}

// CreateGroup serves POST /admin/workspaces/{id}/groups.
func (h Handlers) CreateGroup(r *http.Request) (int, any, error) {
	var in NewGroup
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	g, err := h.Store.CreateGroup(r.Context(), r.PathValue("id"), in)
	return 201, g, err
}

// UpdateGroup serves PATCH /admin/groups/{gid}.
func (h Handlers) UpdateGroup(r *http.Request) (int, any, error) {
	var p GroupPatch
	if err := web.Decode(r, &p); err != nil {
		return 0, nil, err
	}
	g, err := h.Store.UpdateGroup(r.Context(), r.PathValue("gid"), p)
	return 200, g, err
}

// DeleteGroup serves DELETE /admin/groups/{gid}.
func (h Handlers) DeleteGroup(r *http.Request) (int, any, error) {
	return 204, nil, h.Store.DeleteGroup(r.Context(), r.PathValue("gid"))
}

// ListGroupMembers serves GET /admin/groups/{gid}/members.
func (h Handlers) ListGroupMembers(r *http.Request) (int, any, error) {
	return page(r, func(ctx context.Context, l List) (Page[GroupMember], error) {
		return h.Store.GroupMembers(ctx, r.PathValue("gid"), l)
	})
}

// AddGroupMember serves POST /admin/groups/{gid}/members/{user_id}.
func (h Handlers) AddGroupMember(r *http.Request) (int, any, error) {
	m, err := h.Store.AddGroupMember(r.Context(), r.PathValue("gid"), r.PathValue("user_id"))
	return 201, m, err
}

// RemoveGroupMember serves DELETE /admin/groups/{gid}/members/{user_id}.
func (h Handlers) RemoveGroupMember(r *http.Request) (int, any, error) {
	return 204, nil, h.Store.RemoveGroupMember(r.Context(), r.PathValue("gid"), r.PathValue("user_id"))
}

// backendPage answers a backend read (dual tier) with the page of f the
// request asks for (?q=&limit=&cursor=, limit default def, at most
// MaxBackendLimit): a bare JSON array, as the original SDKs read it, and
// the cursor of the next page, if any, in the X-Next-Cursor header.
func backendPage[T any](r *http.Request, def int, f func(context.Context, string, List) (Page[T], error)) (int, any, error) {
	limit, err := web.ParseLimit(r, def, MaxBackendLimit)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	p, err := f(r.Context(), r.PathValue("id"), List{Q: q.Get("q"), Limit: limit, Cursor: q.Get("cursor")})
	if err != nil {
		return 0, nil, err
	}
	if p.NextCursor != nil {
		web.Header(r).Set(NextCursorHeader, *p.NextCursor)
	}
	return 200, p.Items, nil
}

// WorkspaceMembers serves GET /workspaces/{id}/members (dual tier).
func (h Handlers) WorkspaceMembers(r *http.Request) (int, any, error) {
	return backendPage(r, DefaultMembersLimit, h.Store.WorkspaceMembers)
}

// WorkspaceGroups serves GET /workspaces/{id}/groups (dual tier).
func (h Handlers) WorkspaceGroups(r *http.Request) (int, any, error) {
	return backendPage(r, MaxBackendLimit, h.Store.WorkspaceGroups)
}

// WorkspaceGroupMembers serves GET /workspaces/{id}/groups/{gid}/members
// (dual tier).
func (h Handlers) WorkspaceGroupMembers(r *http.Request) (int, any, error) {
	return backendPage(r, MaxBackendLimit, func(ctx context.Context, id string, l List) (Page[GroupMember], error) {
		return h.Store.WorkspaceGroupMembers(ctx, id, r.PathValue("gid"), l)
	})
}
