// Package rbac holds service actions, workspace roles and their checks
// (api.md sections 5 and 8): backends register the actions they know,
// admins bundle them into roles of a workspace and assign roles to the
// workspace's members, and backends ask whether a user may perform an
// action.
package rbac

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/pattern"
)

// Directory is what RBAC reads of the directory: memberships (only members
// of a role's workspace may hold it, checked again in the assignment's
// transaction by the directory's Guard), user names for member lists, and
// whether a workspace exists (roles are created in existing workspaces).
type Directory interface {
	directory.Reader
	directory.Guard
	WorkspaceExists(ctx context.Context, workspaceID string) (bool, error)
}

// ServiceAction is an action a backend registered (api.md section 5).
type ServiceAction struct {
	ID          string  `json:"id"`
	ServiceName string  `json:"service_name"`
	Action      string  `json:"action"`
	Description *string `json:"description"`
	CreatedAt   string  `json:"created_at"`
}

// Role is a named bundle of actions in a workspace, as the admin API shows it.
type Role struct {
	ID          string  `json:"id"`
	WorkspaceID string  `json:"workspace_id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	CreatedBy   string  `json:"created_by"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	ActionCount int     `json:"action_count"`
	MemberCount int     `json:"member_count"`
}

// Member is a user holding a role.
type Member struct {
	UserID     string `json:"user_id"`
	Email      string `json:"email"`
	Name       string `json:"name"`
	AssignedAt string `json:"assigned_at"`
	AssignedBy string `json:"assigned_by"`
}

// Decision answers a role check: whether any of the user's roles in the
// workspace grants the action, and the names of those roles.
type Decision struct {
	Allowed bool     `json:"allowed"`
	Roles   []string `json:"roles"`
}

// Page is one page of an admin list.
type Page[T any] = dynamo.Page[T]

// Limits.
const (
	maxName        = 255
	maxRoleName    = 100
	maxDescription = 1000
	// maxRegister bounds one registration call.
	maxRegister = 100
	// maxAddActions bounds one "add actions to a role" call, so that it
	// is one transaction (two items per action).
	maxAddActions = 40
	// maxRoleActions bounds a role's action set (it lives in one item).
	maxRoleActions = 1000
)

var (
	serviceNameRE = pattern.New(`^[a-z][a-z0-9_.-]*$`, "a-z", "a-z0-9_.-", "", 0, -1)
	actionRE      = pattern.New(`^[a-z][a-z0-9_.:-]*$`, "a-z", "a-z0-9_.:-", "", 0, -1)
)

// validateName checks a service name or an action against its pattern.
func validateName(field, value string, re pattern.Shape) error {
	if value == "" {
		return apperr.Field(field, "is required")
	}
	if len(value) > maxName {
		return apperr.Field(field, fmt.Sprintf("must be at most %d characters", maxName))
	}
	if !re.MatchString(value) {
		return apperr.Field(field, "must match "+re.String())
	}
	return nil
}

func validateServiceName(s string) error { return validateName("service_name", s, serviceNameRE) }

// validateID checks that a field holds a UUID and returns its canonical
// (lower case) text.
func validateID(field, s string) (string, error) {
	if s == "" {
		return "", apperr.Field(field, "is required")
	}
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return "", apperr.Field(field, "must be a UUID")
	}
	return id.String(), nil
}

// pathID reads a UUID path parameter; anything else names nothing (404).
func pathID(s, what string) (string, error) {
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return "", apperr.New(apperr.NotFound, "%s not found", what)
	}
	return id.String(), nil
}

func validateDescription(field string, d *string) error {
	if d != nil && len(*d) > maxDescription {
		return apperr.Field(field, fmt.Sprintf("must be at most %d characters", maxDescription))
	}
	return nil
}

func validateRoleName(name string) error {
	if strings.TrimSpace(name) == "" {
		return apperr.Field("name", "must not be empty")
	}
	if len(name) > maxRoleName {
		return apperr.Field("name", fmt.Sprintf("must be at most %d characters", maxRoleName))
	}
	return nil
}
