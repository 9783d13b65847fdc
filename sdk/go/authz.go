package sentinel

import (
	"context"
	"net/http"
)

// ResolveRequest exchanges a user's identity-provider ID token (from the
// provider configured as Provider) for Sentinel's view of the user: without
// WorkspaceID the user's workspaces, with it an authz token for that
// workspace. Nonce, when the frontend set one in its sign-in request, must
// equal the ID token's nonce.
type ResolveRequest struct {
	IdPToken    string `json:"idp_token"`
	Provider    string `json:"provider"`
	WorkspaceID string `json:"workspace_id,omitempty"`
	Nonce       string `json:"nonce,omitempty"`
}

// ResolvedUser is the user an ID token resolved to (created on first use).
type ResolvedUser struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// WorkspaceRole is a workspace of the user with their role in it.
type WorkspaceRole struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
	Role string `json:"role"`
}

// GrantedWorkspace is the workspace an authz token was issued for, with the
// user's role in it.
type GrantedWorkspace struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	Role string `json:"role"`
}

// Resolution answers Resolve: Workspaces without a workspace id; Workspace,
// AuthzToken and ExpiresIn (seconds) with one.
type Resolution struct {
	User       ResolvedUser      `json:"user"`
	Workspaces []WorkspaceRole   `json:"workspaces,omitempty"`
	Workspace  *GrantedWorkspace `json:"workspace,omitempty"`
	AuthzToken string            `json:"authz_token,omitempty"`
	ExpiresIn  int               `json:"expires_in,omitempty"`
}

// AuthzClient calls authz mode.
type AuthzClient struct{ c *Client }

// Resolve validates the ID token and answers the user and either their
// workspaces or an authz token (ErrBadRequest for a token that does not
// validate, ErrForbidden for an inactive user or a workspace they are not a
// member of).
func (a *AuthzClient) Resolve(ctx context.Context, req ResolveRequest) (*Resolution, error) {
	var out Resolution
	if err := a.c.call(ctx, call{method: http.MethodPost, path: "/authz/resolve", body: req}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
