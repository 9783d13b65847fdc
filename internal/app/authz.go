package app

import (
	"context"

	"sentinel/internal/apperr"
	"sentinel/internal/authz"
	"sentinel/internal/directory"
	"sentinel/internal/rbac"
)

// authzDirectory is the directory as authz mode reads and provisions it.
type authzDirectory struct{ *directory.Store }

var _ authz.Directory = authzDirectory{}

func (a authzDirectory) UserByIdentity(ctx context.Context, provider, subject string) (directory.User, bool, error) {
	return a.FindByIdentity(ctx, provider, subject)
}

func (a authzDirectory) UserByEmail(ctx context.Context, email string) (directory.User, bool, error) {
	return a.FindByEmail(ctx, email)
}

func (a authzDirectory) CreateUser(ctx context.Context, email, name, provider, subject string) (directory.User, error) {
	return a.Store.CreateUser(ctx, directory.NewUser{Email: email, Name: name, Provider: provider, Subject: subject})
}

// SetName renames the user through the admin rename (PATCH
// /admin/users/{id}), so the copies of the profile follow and the activity
// log records it.
func (a authzDirectory) SetName(ctx context.Context, userID, name string) (directory.User, error) {
	return a.UpdateUser(ctx, userID, directory.UserPatch{Name: &name})
}

func (a authzDirectory) UserWorkspaces(ctx context.Context, userID string) ([]authz.Workspace, error) {
	ws, err := a.Store.UserWorkspaces(ctx, userID)
	out := make([]authz.Workspace, 0, len(ws))
	for _, w := range ws {
		out = append(out, authz.Workspace(w))
	}
	return out, err
}

func (a authzDirectory) WorkspaceSlug(ctx context.Context, workspaceID string) (string, bool, error) {
	w, err := a.GetWorkspace(ctx, workspaceID)
	if apperr.Is(err, apperr.NotFound) {
		return "", false, nil
	}
	return w.Slug, err == nil, err
}

// authzRBAC gives authz tokens their actions claim.
type authzRBAC struct{ *rbac.Store }

func (a authzRBAC) UserActions(ctx context.Context, serviceName, workspaceID, userID string) ([]string, error) {
	return a.Store.UserActions(ctx, rbac.CheckInput{ServiceName: serviceName, WorkspaceID: workspaceID, UserID: userID})
}
