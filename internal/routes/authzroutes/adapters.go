package authzroutes

import (
	"context"

	"sentinel/internal/apperr"
	"sentinel/internal/authz"
	"sentinel/internal/directory"
	"sentinel/internal/rbac"
)

// directoryAdapter is the directory as authz mode reads and provisions it.
type directoryAdapter struct{ *directory.Store }

var _ authz.Directory = directoryAdapter{}

func (a directoryAdapter) UserByIdentity(ctx context.Context, provider, subject string) (directory.User, bool, error) {
	return a.FindByIdentity(ctx, provider, subject)
}

func (a directoryAdapter) UserByEmail(ctx context.Context, email string) (directory.User, bool, error) {
	return a.FindByEmail(ctx, email)
}

func (a directoryAdapter) CreateUser(ctx context.Context, email, name, provider, subject string) (directory.User, error) {
	return a.Store.CreateUser(ctx, directory.NewUser{Email: email, Name: name, Provider: provider, Subject: subject})
}

// SetName renames the user through the admin rename (PATCH
// /admin/users/{id}), so the copies of the profile follow and the activity
// log records it.
func (a directoryAdapter) SetName(ctx context.Context, userID, name string) (directory.User, error) {
	return a.UpdateUser(ctx, userID, directory.UserPatch{Name: &name})
}

func (a directoryAdapter) UserWorkspaces(ctx context.Context, userID string) ([]authz.Workspace, error) {
	ws, err := a.Store.UserWorkspaces(ctx, userID)
	out := make([]authz.Workspace, 0, len(ws))
	for _, w := range ws {
		out = append(out, authz.Workspace(w))
	}
	return out, err
}

func (a directoryAdapter) WorkspaceSlug(ctx context.Context, workspaceID string) (string, bool, error) {
	w, err := a.GetWorkspace(ctx, workspaceID)
	if apperr.Is(err, apperr.NotFound) {
		return "", false, nil
	}
	return w.Slug, err == nil, err
}

// rbacAdapter gives authz tokens their actions claim.
type rbacAdapter struct{ *rbac.Store }

func (a rbacAdapter) UserActions(ctx context.Context, serviceName, workspaceID, userID string) ([]string, error) {
	return a.Store.UserActions(ctx, rbac.CheckInput{ServiceName: serviceName, WorkspaceID: workspaceID, UserID: userID})
}
