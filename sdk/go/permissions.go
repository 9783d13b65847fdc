package sentinel

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// Actions and visibilities of resource permissions.
const (
	View = "view"
	Edit = "edit"

	Private   = "private"
	Workspace = "workspace"

	UserGrantee  = "user"
	GroupGrantee = "group"
)

// Resource is a registered resource's permission record (its ACL).
type Resource struct {
	ID           string    `json:"id"`
	ServiceName  string    `json:"service_name"`
	ResourceType string    `json:"resource_type"`
	ResourceID   string    `json:"resource_id"`
	WorkspaceID  string    `json:"workspace_id"`
	OwnerID      string    `json:"owner_id"`
	Visibility   string    `json:"visibility"`
	CreatedAt    time.Time `json:"created_at"`
	Shares       []Share   `json:"shares"`
}

// Share grants a user or a group a permission on a resource.
type Share struct {
	ID          string    `json:"id"`
	GranteeType string    `json:"grantee_type"`
	GranteeID   string    `json:"grantee_id"`
	Permission  string    `json:"permission"`
	GrantedBy   string    `json:"granted_by"`
	GrantedAt   time.Time `json:"granted_at"`
}

// EnrichedResource is a Resource with the names and emails of the people
// it mentions (null when unknown).
type EnrichedResource struct {
	Resource
	OwnerName  *string         `json:"owner_name"`
	OwnerEmail *string         `json:"owner_email"`
	Shares     []EnrichedShare `json:"shares"`
}

// EnrichedShare is a Share with its grantee's and granter's names.
type EnrichedShare struct {
	Share
	GranteeName   *string `json:"grantee_name"`
	GranteeEmail  *string `json:"grantee_email"`
	GrantedByName *string `json:"granted_by_name"`
}

// NewResource is what Register records. Visibility defaults to Workspace.
type NewResource struct {
	ResourceType string
	ResourceID   string
	WorkspaceID  string
	OwnerID      string
	Visibility   string
}

// Check asks whether the token's user may take Action on one resource.
type Check struct {
	ResourceType string `json:"resource_type"`
	ResourceID   string `json:"resource_id"`
	Action       string `json:"action"`
}

// CheckResult is a check with its answer.
type CheckResult struct {
	ServiceName string `json:"service_name"`
	Check
	Allowed bool `json:"allowed"`
}

// AccessibleQuery asks which resources of a type in a workspace the
// token's user may take Action on. Limit (1–10000, 0 for the API's
// default) bounds one page; Cursor continues from a previous page.
type AccessibleQuery struct {
	ResourceType string
	Action       string
	WorkspaceID  string
	Limit        int
	Cursor       string
}

// AccessiblePage is one page of accessible resource ids, in id order.
// HasFullAccess means the user's role allows every resource (ids are then
// listed only when a limit was given). NextCursor continues while Complete
// is false.
type AccessiblePage struct {
	ResourceIDs   []string `json:"resource_ids"`
	HasFullAccess bool     `json:"has_full_access"`
	Complete      bool     `json:"complete"`
	NextCursor    string   `json:"next_cursor"`
}

// PermissionClient registers resources and checks access to them.
type PermissionClient struct{ c *Client }

// Register records a resource (idempotent: registering it again answers
// the stored record unchanged).
func (p *PermissionClient) Register(ctx context.Context, r NewResource) (*Resource, error) {
	body := map[string]any{
		"service_name": p.c.serviceName, "resource_type": r.ResourceType, "resource_id": r.ResourceID,
		"workspace_id": r.WorkspaceID, "owner_id": r.OwnerID,
	}
	if r.Visibility != "" {
		body["visibility"] = r.Visibility
	}
	var out Resource
	if err := p.c.call(ctx, call{method: http.MethodPost, path: "/permissions/register", body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Check answers up to 100 checks for the user of userToken, in order.
func (p *PermissionClient) Check(ctx context.Context, userToken string, checks ...Check) ([]CheckResult, error) {
	type wire struct {
		ServiceName string `json:"service_name"`
		Check
	}
	list := make([]wire, len(checks))
	for i, c := range checks {
		list[i] = wire{p.c.serviceName, c}
	}
	var out struct {
		Results []CheckResult `json:"results"`
	}
	err := p.c.call(ctx, call{method: http.MethodPost, path: "/permissions/check", userToken: userToken,
		body: map[string]any{"checks": list}}, &out)
	return out.Results, err
}

// Can reports whether the user of userToken may take action on one
// resource.
func (p *PermissionClient) Can(ctx context.Context, userToken, resourceType, resourceID, action string) (bool, error) {
	res, err := p.Check(ctx, userToken, Check{ResourceType: resourceType, ResourceID: resourceID, Action: action})
	if err != nil || len(res) != 1 {
		return false, err
	}
	return res[0].Allowed, nil
}

// Accessible answers one page of the resources the user of userToken may
// take q.Action on.
func (p *PermissionClient) Accessible(ctx context.Context, userToken string, q AccessibleQuery) (*AccessiblePage, error) {
	body := map[string]any{
		"service_name": p.c.serviceName, "resource_type": q.ResourceType, "action": q.Action,
		"workspace_id": q.WorkspaceID,
	}
	if q.Limit > 0 {
		body["limit"] = q.Limit
	}
	if q.Cursor != "" {
		body["cursor"] = q.Cursor
	}
	var out struct {
		AccessiblePage
		NextCursor *string `json:"next_cursor"`
	}
	if err := p.c.call(ctx, call{method: http.MethodPost, path: "/permissions/accessible", userToken: userToken, body: body}, &out); err != nil {
		return nil, err
	}
	page := out.AccessiblePage
	if out.NextCursor != nil {
		page.NextCursor = *out.NextCursor
	}
	return &page, nil
}

// PageError is an error met part-way through AccessibleIDs: Cursor resumes
// the listing where it stopped (as q.Cursor), so no id is read twice.
type PageError struct {
	Cursor string
	Err    error
}

func (e *PageError) Error() string { return e.Err.Error() }
func (e *PageError) Unwrap() error { return e.Err }

// AccessibleIDs lists every resource id the user of userToken may take
// q.Action on, page after page (q.Limit ids per call). For a user with
// full access it lists ids only when q.Limit is set. An error is yielded
// last, as a *PageError carrying the cursor to resume from.
func (p *PermissionClient) AccessibleIDs(ctx context.Context, userToken string, q AccessibleQuery) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for {
			page, err := p.Accessible(ctx, userToken, q)
			if err != nil {
				yield("", &PageError{Cursor: q.Cursor, Err: err})
				return
			}
			for _, id := range page.ResourceIDs {
				if !yield(id, nil) {
					return
				}
			}
			if page.Complete || page.NextCursor == "" {
				return
			}
			q.Cursor = page.NextCursor
		}
	}
}

// Share grants a user or group (granteeType UserGrantee or GroupGrantee) a
// permission on the resource whose permission record is permissionID. The
// user of userToken must own the resource or be a workspace owner or admin.
// Sharing again to the same grantee changes the level.
func (p *PermissionClient) Share(ctx context.Context, userToken, permissionID, granteeType, granteeID, permission string) error {
	return p.c.call(ctx, call{method: http.MethodPost, path: pathOf("permissions", permissionID, "share"), userToken: userToken,
		body: map[string]string{"grantee_type": granteeType, "grantee_id": granteeID, "permission": permission}}, nil)
}

// Revoke removes a share (ErrNotFound when there is none).
func (p *PermissionClient) Revoke(ctx context.Context, permissionID, granteeType, granteeID string) error {
	return p.c.call(ctx, call{method: http.MethodDelete, path: pathOf("permissions", permissionID, "share"),
		body: map[string]string{"grantee_type": granteeType, "grantee_id": granteeID}}, nil)
}

// SetVisibility makes a resource Private or Workspace-visible.
func (p *PermissionClient) SetVisibility(ctx context.Context, permissionID, visibility string) (*Resource, error) {
	var out Resource
	if err := p.c.call(ctx, call{method: http.MethodPatch, path: pathOf("permissions", permissionID, "visibility"),
		body: map[string]string{"visibility": visibility}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ACL answers a resource's permission record (ErrNotFound when it is not
// registered).
func (p *PermissionClient) ACL(ctx context.Context, resourceType, resourceID string) (*Resource, error) {
	var out Resource
	if err := p.c.call(ctx, call{method: http.MethodGet, path: p.resourcePath(resourceType, resourceID)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Enriched answers a resource's permission record with names and emails.
func (p *PermissionClient) Enriched(ctx context.Context, resourceType, resourceID string) (*EnrichedResource, error) {
	var out EnrichedResource
	if err := p.c.call(ctx, call{method: http.MethodGet, path: p.resourcePath(resourceType, resourceID) + "/enriched"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Deregister deletes a resource's permission record and its shares.
func (p *PermissionClient) Deregister(ctx context.Context, resourceType, resourceID string) error {
	return p.c.call(ctx, call{method: http.MethodDelete, path: p.resourcePath(resourceType, resourceID)}, nil)
}

func (p *PermissionClient) resourcePath(resourceType, resourceID string) string {
	return pathOf("permissions", "resource", p.c.serviceName, resourceType, resourceID)
}
