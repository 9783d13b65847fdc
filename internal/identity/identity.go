// Package identity carries who is calling on the request context: the
// signed-in admin, the calling service app, and the user a backend acts for.
// The auth tiers set them; handlers read them through these accessors.
package identity

import (
	"context"
	"time"
)

// Admin is a signed-in administrator.
type Admin struct {
	ID    string
	Email string
	// TokenID and Expires identify the session, for logout.
	TokenID string
	Expires time.Time
	// SessionVersion is the account's when the session began; Step the
	// sign-in step still to take ("" for a full session).
	SessionVersion int64
	Step           string
}

// Service is the service app a request is made for.
type Service struct {
	AppID       string
	ServiceName string
	Name        string
	KeyPrefix   string
	// KeyExpiresAt is set while the presented key is a previous key in its
	// grace period.
	KeyExpiresAt *time.Time
	// ViaOrigin reports that the app was identified by the browser Origin
	// (lower trust) rather than by its key.
	ViaOrigin bool
}

// User is the end user a backend acts for, from a verified user token.
type User struct {
	ID            string
	WorkspaceID   string
	WorkspaceSlug string
	Role          string
	Groups        []string
	Actions       []string
	TokenType     string // "access" or "authz"
}

type key int

const (
	adminKey key = iota
	serviceKey
	userKey
	actorKey
)

// WithAdmin returns ctx carrying a.
func WithAdmin(ctx context.Context, a *Admin) context.Context {
	return context.WithValue(ctx, adminKey, a)
}

// AdminFrom returns the signed-in admin, if any.
func AdminFrom(ctx context.Context) (*Admin, bool) {
	a, ok := ctx.Value(adminKey).(*Admin)
	return a, ok
}

// ActorFrom names who makes a change, for the activity log: the signed-in
// admin, else the actor WithActor set ("" when neither is on ctx).
func ActorFrom(ctx context.Context) string {
	if a, ok := AdminFrom(ctx); ok {
		return a.Email
	}
	actor, _ := ctx.Value(actorKey).(string)
	return actor
}

// WithActor returns ctx naming actor as the author of the changes made for
// a request no admin makes, e.g. "authz:<service_name>" for authz mode's
// just-in-time provisioning. It grants nothing. Stores record every change
// made with an actor, so set one only around changes the activity log
// should hold.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey, actor)
}

// WithService returns ctx carrying s.
func WithService(ctx context.Context, s *Service) context.Context {
	return context.WithValue(ctx, serviceKey, s)
}

// ServiceFrom returns the calling service app, if any.
func ServiceFrom(ctx context.Context) (*Service, bool) {
	s, ok := ctx.Value(serviceKey).(*Service)
	return s, ok
}

// ServiceName is the calling service app's service_name ("" without one).
func ServiceName(ctx context.Context) string {
	if s, ok := ServiceFrom(ctx); ok && s != nil {
		return s.ServiceName
	}
	return ""
}

// WithUser returns ctx carrying u.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFrom returns the user the request acts for, if any.
func UserFrom(ctx context.Context) (*User, bool) {
	u, ok := ctx.Value(userKey).(*User)
	return u, ok
}
