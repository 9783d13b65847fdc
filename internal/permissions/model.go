// Package permissions holds resource ACLs (api.md section 4): backends
// register resources, check what a user may do with them, list what a user
// can access, and share them with users and groups of the resource's
// workspace; admins list, share, revoke and purge (section 8). A check reads
// only by key; an accessible-resource lookup reads only indexes.
package permissions

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/pattern"
)

// Actions and share levels, visibilities, grantee types, and the workspace
// roles the rules name.
const (
	View = "view"
	Edit = "edit"

	Private   = "private"
	Workspace = "workspace"

	User  = "user"
	Group = "group"

	roleOwner  = "owner"
	roleAdmin  = "admin"
	roleEditor = "editor"
)

// Limits from api.md section 4.
const (
	MaxChecks       = 100
	MaxAccessible   = 10000
	maxNameLen      = 255
	namePatternText = `^[a-z][a-z0-9_.-]*$`
)

var namePattern = pattern.New(namePatternText, "a-z", "a-z0-9_.-", "", 0, -1)

// Coords name a resource the way backends do.
type Coords struct {
	Service, Type, ResourceID string
}

// Ref is what never changes about a registered resource: enough to address,
// scope and authorize the calls made by permission id.
type Ref struct {
	ID           string `json:"id" dynamodbav:"id"`
	ServiceName  string `json:"service_name" dynamodbav:"service_name"`
	ResourceType string `json:"resource_type" dynamodbav:"resource_type"`
	ResourceID   string `json:"resource_id" dynamodbav:"resource_id"`
	WorkspaceID  string `json:"workspace_id" dynamodbav:"workspace_id"`
	OwnerID      string `json:"owner_id" dynamodbav:"owner_id"`
}

// Coords returns the resource's coordinates.
func (r Ref) Coords() Coords {
	return Coords{Service: r.ServiceName, Type: r.ResourceType, ResourceID: r.ResourceID}
}

// Resource is a registered resource without its shares (admin lists).
type Resource struct {
	Ref
	Visibility string `json:"visibility" dynamodbav:"visibility"`
	CreatedAt  string `json:"created_at" dynamodbav:"created_at"`
}

// Share grants a user or a group of the resource's workspace a level.
type Share struct {
	ID          string `json:"id" dynamodbav:"id"`
	GranteeType string `json:"grantee_type" dynamodbav:"grantee_type"`
	GranteeID   string `json:"grantee_id" dynamodbav:"grantee_id"`
	Permission  string `json:"permission" dynamodbav:"permission"`
	GrantedBy   string `json:"granted_by" dynamodbav:"granted_by"`
	GrantedAt   string `json:"granted_at" dynamodbav:"granted_at"`
}

// ResourcePermission is the record as the API shows it.
type ResourcePermission struct {
	Resource
	Shares []Share `json:"shares"`
}

// Enriched is the record with the people it names resolved through the
// directory (null where the directory knows no name).
type Enriched struct {
	Resource
	OwnerName  *string         `json:"owner_name"`
	OwnerEmail *string         `json:"owner_email"`
	Shares     []EnrichedShare `json:"shares"`
}

// EnrichedShare is a share with its grantee and grantor resolved. Groups
// have no email; their name needs a directory lookup the contract does not
// offer yet, so it is null.
type EnrichedShare struct {
	Share
	GranteeName   *string `json:"grantee_name"`
	GranteeEmail  *string `json:"grantee_email"`
	GrantedByName *string `json:"granted_by_name"`
}

// Principal is who a check is made for: the user token's claims.
type Principal struct {
	UserID      string
	WorkspaceID string
	Role        string
	Groups      []string
}

// fullAccess reports the roles that may do anything in their workspace.
func (p Principal) fullAccess() bool { return p.Role == roleOwner || p.Role == roleAdmin }

// byRecord applies the rules that need only the resource record (rules 1–4
// of api.md section 4; r is nil when the resource is not registered). When
// final is false only a share can still allow.
func byRecord(p Principal, action string, r *Resource) (allowed, final bool) {
	switch {
	case r == nil || r.WorkspaceID != p.WorkspaceID:
		return false, true
	case r.OwnerID == p.UserID, p.fullAccess():
		return true, true
	case r.Visibility == Workspace && (action == View || p.Role == roleEditor):
		return true, true
	}
	return false, false
}

// Decide answers one check by api.md's rules, first match wins: r is the
// resource record (nil if unregistered) and shares are shares of r; only
// those to the user or to one of the user's groups count.
func Decide(p Principal, action string, r *Resource, shares []Share) bool {
	if allowed, final := byRecord(p, action, r); final {
		return allowed
	}
	for _, s := range shares {
		applies := (s.GranteeType == User && s.GranteeID == p.UserID) ||
			(s.GranteeType == Group && slices.Contains(p.Groups, s.GranteeID))
		if applies && (action == View || s.Permission == Edit) {
			return true
		}
	}
	return false
}

// RegisterInput is the body of POST /permissions/register.
type RegisterInput struct {
	ServiceName  string  `json:"service_name"`
	ResourceType string  `json:"resource_type"`
	ResourceID   string  `json:"resource_id"`
	WorkspaceID  string  `json:"workspace_id"`
	OwnerID      string  `json:"owner_id"`
	Visibility   *string `json:"visibility"`
}

// Validate checks every field, puts UUIDs in canonical form and applies
// the default visibility.
func (in *RegisterInput) Validate() error {
	if in.Visibility == nil {
		in.Visibility = new(Workspace)
	}
	return first(
		validName("service_name", in.ServiceName),
		validName("resource_type", in.ResourceType),
		canonicalUUID("resource_id", &in.ResourceID),
		canonicalUUID("workspace_id", &in.WorkspaceID),
		canonicalUUID("owner_id", &in.OwnerID),
		oneOf("visibility", *in.Visibility, Private, Workspace),
	)
}

// Check is one check of POST /permissions/check.
type Check struct {
	ServiceName  string `json:"service_name"`
	ResourceType string `json:"resource_type"`
	ResourceID   string `json:"resource_id"`
	Action       string `json:"action"`
}

// Coords returns the checked resource's coordinates.
func (c Check) Coords() Coords {
	return Coords{Service: c.ServiceName, Type: c.ResourceType, ResourceID: c.ResourceID}
}

// validate checks the i-th check of a request.
func (c *Check) validate(i int) error {
	// The fields' names are built only for an answer that names one.
	if first(validName("", c.ServiceName), validName("", c.ResourceType), canonicalUUID("", &c.ResourceID),
		oneOf("", c.Action, View, Edit)) == nil {
		return nil
	}
	field := func(name string) string { return fmt.Sprintf("checks[%d].%s", i, name) }
	return first(
		validName(field("service_name"), c.ServiceName),
		validName(field("resource_type"), c.ResourceType),
		canonicalUUID(field("resource_id"), &c.ResourceID),
		oneOf(field("action"), c.Action, View, Edit),
	)
}

// CheckResult is a check with its answer.
type CheckResult struct {
	Check
	Allowed bool `json:"allowed"`
}

// AccessibleInput is the body of POST /permissions/accessible.
type AccessibleInput struct {
	ServiceName  string `json:"service_name"`
	ResourceType string `json:"resource_type"`
	Action       string `json:"action"`
	WorkspaceID  string `json:"workspace_id"`
	Limit        *int   `json:"limit"`
	// Cursor continues an answer that was not complete.
	Cursor string `json:"cursor"`
}

// Validate checks every field.
func (in *AccessibleInput) Validate() error {
	var limit error
	if in.Limit != nil && (*in.Limit < 1 || *in.Limit > MaxAccessible) {
		limit = apperr.Field("limit", fmt.Sprintf("must be an integer from 1 to %d", MaxAccessible))
	}
	return first(
		validName("service_name", in.ServiceName),
		validName("resource_type", in.ResourceType),
		oneOf("action", in.Action, View, Edit),
		canonicalUUID("workspace_id", &in.WorkspaceID),
		limit,
	)
}

// Grantee is who a share is for.
type Grantee struct {
	Type string `json:"grantee_type"`
	ID   string `json:"grantee_id"`
}

// ShareInput is the body of a share (and of a revocation, where the level
// may be given but is not needed: a grantee has one share per resource).
type ShareInput struct {
	Grantee
	Permission string `json:"permission"`
}

// validate checks the body; the level is required only to grant.
func (in *ShareInput) validate(grant bool) error {
	var level error
	if grant || in.Permission != "" {
		level = oneOf("permission", in.Permission, View, Edit)
	}
	return first(
		oneOf("grantee_type", in.Type, User, Group),
		canonicalUUID("grantee_id", &in.ID),
		level,
	)
}

// VisibilityInput is the body of a visibility change.
type VisibilityInput struct {
	Visibility string `json:"visibility"`
}

// Validate checks the visibility.
func (in *VisibilityInput) Validate() error {
	return oneOf("visibility", in.Visibility, Private, Workspace)
}

func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func validName(field, v string) error {
	if len(v) > maxNameLen {
		return apperr.Field(field, fmt.Sprintf("must be at most %d characters", maxNameLen))
	}
	if !namePattern.MatchString(v) {
		return apperr.Field(field, "must match "+namePatternText)
	}
	return nil
}

// canonicalUUID checks that *v is a UUID and rewrites it in canonical
// lower-case form (keys are built from it).
func canonicalUUID(field string, v *string) error {
	u, err := uuid.Parse(*v)
	if err != nil {
		return apperr.Field(field, "must be a UUID")
	}
	// 36 characters that parse are the canonical form but for upper case.
	if len(*v) != 36 || strings.ContainsAny(*v, "ABCDEF") {
		*v = u.String()
	}
	return nil
}

func oneOf(field, v string, allowed ...string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return apperr.Field(field, fmt.Sprintf("must be %s or %s", allowed[0], allowed[1]))
}
