package sentinel

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Action is an RBAC action a service registers, with what it allows.
type Action struct {
	Action      string `json:"action"`
	Description string `json:"description,omitempty"`
}

// ServiceAction is a registered action.
type ServiceAction struct {
	ID          string    `json:"id"`
	ServiceName string    `json:"service_name"`
	Action      string    `json:"action"`
	Description *string   `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// RoleDecision answers a role check: whether the user holds the action,
// and through which of their roles.
type RoleDecision struct {
	Allowed bool     `json:"allowed"`
	Roles   []string `json:"roles"`
}

// RoleClient registers the service's RBAC actions and checks them.
type RoleClient struct{ c *Client }

// RegisterActions registers (or updates the descriptions of) actions of
// the service; admins bundle them into workspace roles.
func (r *RoleClient) RegisterActions(ctx context.Context, actions ...Action) ([]ServiceAction, error) {
	var out []ServiceAction
	err := r.c.call(ctx, call{method: http.MethodPost, path: "/roles/actions/register",
		body: map[string]any{"service_name": r.c.serviceName, "actions": actions}}, &out)
	return out, err
}

// CheckAction asks whether the user of userToken holds action in the
// workspace (which must be the token's).
func (r *RoleClient) CheckAction(ctx context.Context, userToken, workspaceID, action string) (*RoleDecision, error) {
	return r.check(ctx, "/roles/check-action", userToken, map[string]string{
		"service_name": r.c.serviceName, "action": action, "workspace_id": workspaceID})
}

// Check asks whether the user userID holds action in the workspace, with
// the service key alone: for a backend acting on its own behalf. A user
// who is no longer a member holds nothing.
func (r *RoleClient) Check(ctx context.Context, userID, workspaceID, action string) (*RoleDecision, error) {
	return r.check(ctx, "/roles/check", "", map[string]string{
		"service_name": r.c.serviceName, "action": action, "workspace_id": workspaceID, "user_id": userID})
}

func (r *RoleClient) check(ctx context.Context, path, userToken string, body map[string]string) (*RoleDecision, error) {
	var out RoleDecision
	if err := r.c.call(ctx, call{method: http.MethodPost, path: path, userToken: userToken, body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UserActions lists the service's actions the user of userToken holds in
// the workspace.
func (r *RoleClient) UserActions(ctx context.Context, userToken, workspaceID string) ([]string, error) {
	var out struct {
		Actions []string `json:"actions"`
	}
	err := r.c.call(ctx, call{method: http.MethodGet, path: "/roles/user-actions", userToken: userToken,
		query: url.Values{"service_name": {r.c.serviceName}, "workspace_id": {workspaceID}}}, &out)
	return out.Actions, err
}
