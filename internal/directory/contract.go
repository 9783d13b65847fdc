// Package directory holds users, workspaces, memberships and groups
// (api.md sections 6 and 8). This file is the contract other areas code
// against: what they read of the directory, and how the directory tells
// them that a workspace or a membership is gone.
package directory

import (
	"context"

	"sentinel/internal/dynamo/ddb"
)

// Roles a member can hold in a workspace.
var Roles = []string{"owner", "admin", "editor", "viewer"}

// User is a person known to Sentinel.
type User struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
	IsActive  bool   `json:"is_active"`
	CreatedAt string `json:"created_at"`
}

// Membership is a user's place in a workspace.
type Membership struct {
	WorkspaceID string
	UserID      string
	Role        string
	// Groups are the ids of the user's groups in the workspace.
	Groups   []string
	JoinedAt string
}

// Reader is what other areas read of the directory. Each method costs a
// bounded number of key reads (GetItem/BatchGetItem/one Query).
type Reader interface {
	// Membership returns a user's membership in a workspace (found false
	// when the user is not a member).
	Membership(ctx context.Context, workspaceID, userID string) (m Membership, found bool, err error)
	// GroupInWorkspace reports whether a group exists and belongs to the workspace.
	GroupInWorkspace(ctx context.Context, workspaceID, groupID string) (bool, error)
	// Users returns the users with the given ids that exist, by id.
	Users(ctx context.Context, ids []string) (map[string]User, error)
}

// Guard gives the ConditionChecks (on the Directory table) that a grant
// — a share to a user or group, a role assignment — writes in its own
// transaction, so that it lands only while the member (or group) is in the
// workspace and neither is being removed. Each item that fails means the
// grantee is gone. Together with the removals' order (mark deleting, purge
// Dependents, delete) no grant outlives the membership it was made for.
type Guard interface {
	MemberGuard(workspaceID, userID string) []ddb.TransactWriteItem
	GroupGuard(workspaceID, groupID string) []ddb.TransactWriteItem
}

// Dependent is an area holding data that belongs to workspaces or to
// members (RBAC roles and assignments, resource ACLs). The directory marks
// the workspace or membership deleting (from then on every Guard on it
// fails), then calls the Dependent, then removes it; a failure leaves the
// mark and the admin repeats the removal; purges are idempotent.
type Dependent interface {
	PurgeWorkspace(ctx context.Context, workspaceID string) error
	PurgeMember(ctx context.Context, workspaceID, userID string) error
}

// GroupDependent is a Dependent that also holds data about groups (resource
// ACL shares to a group). The directory calls PurgeGroup after marking a
// group deleting and before removing it; Dependents that do not implement
// it are not asked.
type GroupDependent interface {
	PurgeGroup(ctx context.Context, workspaceID, groupID string) error
}

// RoleRef names a role a user holds.
type RoleRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// RoleSource is what the admin user detail reads of RBAC (see WithRoles):
// the roles a user holds in each of the given workspaces, by workspace id.
type RoleSource interface {
	UserRoles(ctx context.Context, userID string, workspaceIDs []string) (map[string][]RoleRef, error)
}
