package directory

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/identity"
	"sentinel/internal/pattern"
)

// Workspace is a tenant (api.md section 8).
type Workspace struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Description string `json:"description"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

// Member is a membership as the member lists show it (api.md section 6).
type Member struct {
	UserID    string `json:"user_id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
	Role      string `json:"role"`
	JoinedAt  string `json:"joined_at"`
}

// Group is a named set of a workspace's members.
type Group struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	CreatedAt   string `json:"created_at"`
}

// AdminGroup is a group as the admin API answers it: with the number of
// its members (the backend reads answer Group, as the original did).
type AdminGroup struct {
	Group
	MemberCount int `json:"member_count"`
}

// GroupMember is a group membership as the group member lists show it.
type GroupMember struct {
	UserID  string `json:"user_id"`
	Email   string `json:"email"`
	Name    string `json:"name"`
	AddedAt string `json:"added_at"`
}

// Limits from api.md (slug, q, limit) and of our own (lengths).
const (
	MaxNameLen        = 255
	MaxDescriptionLen = 1000
	MaxQueryLen       = 100
)

// The backend reads (dual tier) answer pages of at most MaxBackendLimit
// items: by default that many, but the member list 50 (api.md).
const (
	MaxBackendLimit     = 1000
	DefaultMembersLimit = 50
	// NextCursorHeader carries the cursor of a backend read's next page;
	// absent on the last page.
	NextCursorHeader = "X-Next-Cursor"
)

var slugRE = pattern.New(`^[a-z0-9][a-z0-9-]*[a-z0-9]$`, "a-z0-9", "a-z0-9-", "a-z0-9", 0, -1)

// ValidateName checks a display name (user, workspace or group).
func ValidateName(name string) error {
	if strings.TrimSpace(name) == "" {
		return apperr.Field("name", "must not be empty")
	}
	return maxLen("name", name, MaxNameLen)
}

func maxLen(field, v string, n int) error {
	if len(v) > n {
		return apperr.Field(field, fmt.Sprintf("must be at most %d characters", n))
	}
	return nil
}

// validatePatch checks the name and description a patch sets.
func validatePatch(name, description *string) error {
	if name != nil {
		if err := ValidateName(*name); err != nil {
			return err
		}
	}
	if description != nil {
		return maxLen("description", *description, MaxDescriptionLen)
	}
	return nil
}

// patch sets *field to *to when a patch gives a different value, noting
// the change under key in detail (the activity entry's).
func patch(detail map[string]any, key string, to, field *string) {
	if to != nil && *to != *field {
		*field = *to
		detail[key] = *to
	}
}

// ValidateSlug checks a workspace slug.
func ValidateSlug(slug string) error {
	if len(slug) < 2 || len(slug) > 100 {
		return apperr.Field("slug", "must be 2 to 100 characters")
	}
	if !slugRE.MatchString(slug) {
		return apperr.Field("slug", "must match "+slugRE.String())
	}
	return nil
}

// NormalizeEmail is the form emails are stored and compared in.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ValidateEmail checks a normalized email: one plain address, no display
// name or angle brackets.
func ValidateEmail(email string) error {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		return apperr.Field("email", "must be an email address")
	}
	return nil
}

// ValidateRole checks a workspace role.
func ValidateRole(role string) error {
	if !slices.Contains(Roles, role) {
		return apperr.Field("role", "must be one of "+strings.Join(Roles, ", "))
	}
	return nil
}

// ValidateQuery checks a q search parameter.
func ValidateQuery(q string) error { return maxLen("q", q, MaxQueryLen) }

func (l List) validate() error { return ValidateQuery(l.Q) }

// ownWorkspace answers 403 unless workspaceID is the workspace of the
// request's user token (a backend reads only its user's workspace).
func ownWorkspace(ctx context.Context, workspaceID string) error {
	if u, ok := identity.UserFrom(ctx); !ok || u.WorkspaceID != workspaceID {
		return apperr.New(apperr.Forbidden, "The user token is not for this workspace")
	}
	return nil
}

// validID reports whether id is a lowercase canonical UUID, as every id in
// the directory is; any other id names nothing (404 without a read).
func validID(id string) bool {
	u, err := uuid.Parse(id)
	return err == nil && u.String() == id
}

// Not-found answers.
var (
	errNoUser      = apperr.New(apperr.NotFound, "User not found")
	errNoWorkspace = apperr.New(apperr.NotFound, "Workspace not found")
	errNoMember    = apperr.New(apperr.NotFound, "Member not found")
	errNoGroup     = apperr.New(apperr.NotFound, "Group not found")
)
