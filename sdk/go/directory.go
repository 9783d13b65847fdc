package sentinel

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Member is a member of a workspace.
type Member struct {
	UserID    string    `json:"user_id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	AvatarURL string    `json:"avatar_url"`
	Role      string    `json:"role"`
	JoinedAt  time.Time `json:"joined_at"`
}

// Group is a group of a workspace.
type Group struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// GroupMember is a member of a group.
type GroupMember struct {
	UserID  string    `json:"user_id"`
	Email   string    `json:"email"`
	Name    string    `json:"name"`
	AddedAt time.Time `json:"added_at"`
}

// ListOptions pages a directory list: Limit items (1–1000, 0 for the API's
// default) from Cursor (a previous page's next cursor). Query narrows the
// members list to names or emails starting with it.
type ListOptions struct {
	Query  string
	Limit  int
	Cursor string
}

// DirectoryClient reads the members and groups of the workspace of a
// user's token (the token's workspace must be the one asked about).
type DirectoryClient struct{ c *Client }

// Members answers a page of the workspace's members and the cursor of the
// next page ("" on the last).
func (d *DirectoryClient) Members(ctx context.Context, userToken, workspaceID string, o ListOptions) ([]Member, string, error) {
	return list[Member](ctx, d.c, userToken, pathOf("workspaces", workspaceID, "members"), o)
}

// Groups answers a page of the workspace's groups and the next cursor.
func (d *DirectoryClient) Groups(ctx context.Context, userToken, workspaceID string, o ListOptions) ([]Group, string, error) {
	return list[Group](ctx, d.c, userToken, pathOf("workspaces", workspaceID, "groups"), o)
}

// GroupMembers answers a page of a group's members and the next cursor.
func (d *DirectoryClient) GroupMembers(ctx context.Context, userToken, workspaceID, groupID string, o ListOptions) ([]GroupMember, string, error) {
	return list[GroupMember](ctx, d.c, userToken, pathOf("workspaces", workspaceID, "groups", groupID, "members"), o)
}

func list[T any](ctx context.Context, c *Client, userToken, path string, o ListOptions) ([]T, string, error) {
	q := url.Values{}
	if o.Query != "" {
		q.Set("q", o.Query)
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	var out []T
	h, err := c.do(ctx, call{method: http.MethodGet, path: path, query: q, userToken: userToken}, &out)
	if err != nil {
		return nil, "", err
	}
	return out, h.Get("X-Next-Cursor"), nil
}
