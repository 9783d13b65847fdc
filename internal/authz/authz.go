// Package authz is authz mode (api.md section 7): POST /authz/resolve
// turns a user's IdP ID token into a Sentinel user, provisioned just in
// time, and, for a workspace the user belongs to, a short-lived authz token
// for the calling service that backends then present on dual-tier calls.
//
// The route runs behind the key-or-origin tier (a browser frontend is
// identified by its Origin), answers CORS for the calling app's allowed
// origins, and is rate limited per client IP in DynamoDB.
//
// Since an Origin is only a claim a non-browser client can make, an ID
// token must also prove that the user chose the calling app: it must be
// issued to one of the OIDC client ids the app lists for the provider
// (else to the deployment's audience, and to no other app's client id),
// and the first app that resolves it owns it until it expires.
//
// The directory and RBAC are reached through the small interfaces below,
// so this package depends on what it reads, not on their stores.
package authz

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"sentinel/internal/apperr"
	"sentinel/internal/config"
	"sentinel/internal/directory"
	"sentinel/internal/identity"
	"sentinel/internal/idp"
	"sentinel/internal/ratelimit"
	"sentinel/internal/token"
	"sentinel/internal/web"
)

// Directory is what resolve reads and writes of the directory. Emails are
// passed lowercased and trimmed. Each method costs a bounded number of key
// reads or one transaction.
type Directory interface {
	// UserByIdentity returns the user linked to the IdP identity
	// (provider, subject); found is false when no user is linked to it.
	UserByIdentity(ctx context.Context, provider, subject string) (u directory.User, found bool, err error)
	// UserByEmail returns the user with this email; found is false when
	// there is none.
	UserByEmail(ctx context.Context, email string) (u directory.User, found bool, err error)
	// LinkIdentity links the IdP identity to an existing user. Linking it
	// again to the same user succeeds; an identity already linked to
	// another user is an apperr.Conflict.
	LinkIdentity(ctx context.Context, userID, provider, subject string) error
	// CreateUser creates an active user with this email and name, linked
	// to the IdP identity, atomically. An email or identity already taken
	// is an apperr.Conflict (a concurrent first sign-in won).
	CreateUser(ctx context.Context, email, name, provider, subject string) (directory.User, error)
	// SetName renames a user (as an admin's rename does: every copy of the
	// profile follows) and returns the user as stored.
	SetName(ctx context.Context, userID, name string) (directory.User, error)
	// UserWorkspaces lists the workspaces the user is a member of, with
	// the user's role in each (empty, not an error, for none).
	UserWorkspaces(ctx context.Context, userID string) ([]Workspace, error)
	// Membership returns the user's membership (role and group ids) in a
	// workspace; found is false when the user is not a member or the
	// workspace does not exist.
	Membership(ctx context.Context, workspaceID, userID string) (m directory.Membership, found bool, err error)
	// WorkspaceSlug returns the workspace's slug; found is false when the
	// workspace does not exist.
	WorkspaceSlug(ctx context.Context, workspaceID string) (slug string, found bool, err error)
}

// Workspace is a workspace the user belongs to, with the user's role.
type Workspace struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
	Role string `json:"role"`
}

// RBAC is what resolve reads of RBAC.
type RBAC interface {
	// UserActions returns the actions the user's roles in the workspace
	// grant for the service (empty, not an error, for none).
	UserActions(ctx context.Context, serviceName, workspaceID, userID string) ([]string, error)
}

// Origins resolves a browser Origin to its app (the origin tier's lookup,
// authtier.Authenticator.Origin), for the CORS answer of key-authenticated
// calls.
type Origins interface {
	Origin(ctx context.Context, origin string) (*identity.Service, error)
}

// Verifier validates IdP ID tokens (idp.Verifier): issued to one of
// clientIDs, or to the deployment's audience when there are none.
type Verifier interface {
	Verify(ctx context.Context, provider, raw string, clientIDs []string) (idp.Identity, error)
}

// Apps is what resolve reads of the service apps (serviceapps.Store).
type Apps interface {
	// ClientIDs returns the OIDC client ids the app lists for provider;
	// found is false when the app does not exist.
	ClientIDs(ctx context.Context, appID, provider string) (ids []string, found bool, err error)
	// ClientIDOwners returns, of the given client ids of provider, those
	// an app lists, with that app's id.
	ClientIDOwners(ctx context.Context, provider string, ids []string) (map[string]string, error)
}

// Refusals of an ID token that is valid but not for the calling app.
var (
	errOtherApp = apperr.New(apperr.Unauthorized, "IdP token was issued to another app")
	errNonce    = apperr.New(apperr.BadRequest, "IdP token nonce does not match")
	errNoApp    = apperr.New(apperr.Unauthorized, "Invalid or missing service API key or origin")
)

// Service resolves users and signs authz tokens.
type Service struct {
	directory Directory
	rbac      RBAC
	verifier  Verifier
	apps      Apps
	keys      *token.Ring
	limits    *ratelimit.Limiter
	cors      CORS
	rule      ratelimit.Rule
	ttl       time.Duration
	now       func() time.Time
}

// Options configure a Service. Zero TokenTTL and RateLimit take the
// config defaults.
type Options struct {
	Directory Directory
	RBAC      RBAC
	Verifier  Verifier
	Apps      Apps
	Keys      *token.Ring
	Limits    *ratelimit.Limiter
	Origins   Origins
	// TokenTTL is the authz token lifetime.
	TokenTTL time.Duration
	// RateLimit is requests per minute per client IP.
	RateLimit int
	Now       func() time.Time
}

// New returns a Service, or an error naming the peers o lacks.
func New(o Options) (*Service, error) {
	var missing []string
	for name, set := range map[string]bool{
		"directory": o.Directory != nil, "RBAC": o.RBAC != nil, "IdP verifier": o.Verifier != nil, "service apps": o.Apps != nil,
		"signing keys": o.Keys != nil, "rate limiter": o.Limits != nil, "origin lookup": o.Origins != nil, "clock": o.Now != nil,
	} {
		if !set {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("authz: missing %s", strings.Join(missing, ", "))
	}
	if o.TokenTTL == 0 {
		o.TokenTTL = config.DefaultAuthzTokenTTL
	}
	if o.RateLimit == 0 {
		o.RateLimit = config.DefaultAuthzRateLimit
	}
	return &Service{
		directory: o.Directory, rbac: o.RBAC, verifier: o.Verifier, apps: o.Apps, keys: o.Keys, limits: o.Limits, cors: CORS{Origins: o.Origins},
		rule: ratelimit.Rule{Max: o.RateLimit, Window: time.Minute}, ttl: o.TokenTTL, now: o.Now,
	}, nil
}

// Request is the body of POST /authz/resolve.
type Request struct {
	IdPToken    string  `json:"idp_token"`
	Provider    string  `json:"provider"`
	WorkspaceID *string `json:"workspace_id"`
	// Nonce, when given, must equal the ID token's nonce claim: the
	// frontend sent it in its sign-in request and kept it, so a token
	// obtained by anyone else's sign-in does not resolve.
	Nonce *string `json:"nonce"`
}

// maxNonce bounds the nonce (OIDC sets no limit; real ones are short).
const maxNonce = 255

func (in Request) validate() error {
	switch {
	case strings.TrimSpace(in.IdPToken) == "":
		return apperr.Field("idp_token", "must not be empty")
	case strings.TrimSpace(in.Provider) == "":
		return apperr.Field("provider", "must not be empty")
	case in.WorkspaceID != nil && !isUUID(*in.WorkspaceID):
		return apperr.Field("workspace_id", "must be a UUID")
	case in.Nonce != nil && (*in.Nonce == "" || len(*in.Nonce) > maxNonce):
		return apperr.Field("nonce", fmt.Sprintf("must be 1 to %d characters", maxNonce))
	}
	return nil
}

// isUUID accepts the lowercase canonical form (api.md section 1).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
				return false
			}
		}
	}
	return true
}

// User is the user part of every resolve answer.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// Workspaces is the answer without workspace_id.
type Workspaces struct {
	User       User        `json:"user"`
	Workspaces []Workspace `json:"workspaces"`
}

// Grant is the answer with workspace_id: the workspace and an authz token.
type Grant struct {
	User      User `json:"user"`
	Workspace struct {
		ID   string `json:"id"`
		Slug string `json:"slug"`
		Role string `json:"role"`
	} `json:"workspace"`
	AuthzToken string `json:"authz_token"`
	ExpiresIn  int    `json:"expires_in"` // seconds
}

// Resolve validates the IdP token for the calling app, provisions the user
// and answers for the calling service: the user's workspaces, or (with a
// workspace id) the membership and a signed authz token. The first answer
// binds the ID token to the calling app.
func (s *Service) Resolve(ctx context.Context, svc *identity.Service, in Request) (any, error) {
	id, err := s.verify(ctx, svc, in)
	if err != nil {
		if apperr.Is(err, apperr.BadRequest) || apperr.Is(err, apperr.Unauthorized) {
			slog.Info("authz resolve refused", "request_id", web.RequestID(ctx), "service", svc.ServiceName, "reason", err.Error())
		}
		return nil, err
	}
	out, err := s.resolve(ctx, svc, id, in)
	if err != nil {
		return nil, err
	}
	if err := s.bind(ctx, svc, in.IdPToken, id); err != nil {
		if apperr.Is(err, apperr.Unauthorized) {
			slog.Info("authz resolve refused", "request_id", web.RequestID(ctx), "service", svc.ServiceName, "reason", err.Error())
		}
		return nil, err
	}
	return out, nil
}

// verify validates the ID token for the calling app: issued to one of the
// client ids the app lists for the provider, else to the deployment's
// audience and to no client id another app lists; with the request's
// nonce, if any.
func (s *Service) verify(ctx context.Context, svc *identity.Service, in Request) (idp.Identity, error) {
	if s.apps == nil || s.limits == nil {
		return idp.Identity{}, errors.New("authz: the service apps and the limits table are not wired into app.New")
	}
	clientIDs, found, err := s.apps.ClientIDs(ctx, svc.AppID, in.Provider)
	if err != nil {
		return idp.Identity{}, err
	}
	if !found {
		return idp.Identity{}, errNoApp // deleted since the tier looked it up
	}
	id, err := s.verifier.Verify(ctx, in.Provider, in.IdPToken, clientIDs)
	if err != nil {
		return idp.Identity{}, err
	}
	if in.Nonce != nil && subtle.ConstantTimeCompare([]byte(*in.Nonce), []byte(id.Nonce)) != 1 {
		return idp.Identity{}, errNonce
	}
	if len(clientIDs) == 0 {
		owners, err := s.apps.ClientIDOwners(ctx, in.Provider, append(slices.Clone(id.Audience), id.AuthorizedParty))
		if err != nil {
			return idp.Identity{}, err
		}
		if len(owners) > 0 {
			// Issued to a client another app lists: that app's frontend
			// signed the user in, not this one's.
			return idp.Identity{}, idp.ErrAudience
		}
	}
	return id, nil
}

// bind records that the ID token belongs to the calling app until it
// expires, unless another app resolved it first (then a 401): one ID
// token, one app, whether or not the apps list client ids. The same app
// may resolve it again (another workspace, a refresh).
func (s *Service) bind(ctx context.Context, svc *identity.Service, raw string, id idp.Identity) error {
	sum := sha256.Sum256([]byte(raw))
	ok, err := s.limits.Claim(ctx, "IDTOKEN#"+hex.EncodeToString(sum[:]), svc.AppID, id.ExpiresAt)
	if err != nil {
		return fmt.Errorf("bind IdP token to app %s: %w", svc.AppID, err)
	}
	if !ok {
		return errOtherApp
	}
	return nil
}

// resolve answers for a verified identity.
func (s *Service) resolve(ctx context.Context, svc *identity.Service, id idp.Identity, in Request) (any, error) {
	// No admin makes these changes: the activity log names the service
	// whose authz mode provisioned the user.
	u, err := s.provision(identity.WithActor(ctx, "authz:"+svc.ServiceName), id)
	if err != nil {
		return nil, err
	}
	if !u.IsActive {
		return nil, apperr.New(apperr.Forbidden, "User is deactivated")
	}
	user := User{ID: u.ID, Email: u.Email, Name: u.Name}
	if in.WorkspaceID == nil {
		ws, err := s.directory.UserWorkspaces(ctx, u.ID)
		if err != nil {
			return nil, fmt.Errorf("list workspaces of user %s: %w", u.ID, err)
		}
		if ws == nil {
			ws = []Workspace{}
		}
		return Workspaces{User: user, Workspaces: ws}, nil
	}
	return s.grant(ctx, svc, id, user, *in.WorkspaceID)
}

// notMember is the one 403 for a workspace the user may not enter, whether
// or not it exists.
var notMember = apperr.New(apperr.Forbidden, "User is not a member of this workspace")

// grant signs the authz token of user in workspace wid for svc.
func (s *Service) grant(ctx context.Context, svc *identity.Service, id idp.Identity, user User, wid string) (Grant, error) {
	m, found, err := s.directory.Membership(ctx, wid, user.ID)
	if err != nil {
		return Grant{}, fmt.Errorf("membership of user %s in workspace %s: %w", user.ID, wid, err)
	}
	if !found {
		return Grant{}, notMember
	}
	slug, found, err := s.directory.WorkspaceSlug(ctx, wid)
	if err != nil {
		return Grant{}, fmt.Errorf("slug of workspace %s: %w", wid, err)
	}
	if !found {
		return Grant{}, notMember // deleted since the membership was read
	}
	actions, err := s.rbac.UserActions(ctx, svc.ServiceName, wid, user.ID)
	if err != nil {
		return Grant{}, fmt.Errorf("actions of user %s in workspace %s for %s: %w", user.ID, wid, svc.ServiceName, err)
	}
	tok, err := s.keys.Sign(token.Authz(user.ID, id.Subject, svc.AppID, svc.ServiceName, wid, slug, m.Role, m.Groups, actions), s.now(), s.ttl)
	if err != nil {
		return Grant{}, fmt.Errorf("sign authz token: %w", err)
	}
	g := Grant{User: user, AuthzToken: tok, ExpiresIn: int(s.ttl / time.Second)}
	g.Workspace.ID, g.Workspace.Slug, g.Workspace.Role = wid, slug, m.Role
	slog.Info("authz token issued", "request_id", web.RequestID(ctx), "service", svc.ServiceName, "user_id", user.ID, "workspace_id", wid)
	return g, nil
}

// provisionAttempts bounds the retries after losing a race to a concurrent
// first sign-in of the same person.
const provisionAttempts = 3

// provision finds the user of an IdP identity, just in time: by the
// identity, else by the verified email (then linking the identity), else
// by creating the user with the identity. A conflict means a concurrent
// request linked or created first: look again. A user found without a
// name gets the IdP's (see fillName).
func (s *Service) provision(ctx context.Context, id idp.Identity) (directory.User, error) {
	email := strings.ToLower(strings.TrimSpace(id.Email))
	var conflict error
	for range provisionAttempts {
		u, found, err := s.directory.UserByIdentity(ctx, id.Provider, id.Subject)
		if err != nil {
			return directory.User{}, fmt.Errorf("find user by %s identity: %w", id.Provider, err)
		}
		if found {
			return s.fillName(ctx, u, id), nil
		}
		u, found, err = s.directory.UserByEmail(ctx, email)
		if err != nil {
			return directory.User{}, fmt.Errorf("find user by email: %w", err)
		}
		if found {
			err = s.directory.LinkIdentity(ctx, u.ID, id.Provider, id.Subject)
			if err == nil {
				return s.fillName(ctx, u, id), nil
			}
			if !apperr.Is(err, apperr.Conflict) {
				return directory.User{}, fmt.Errorf("link %s identity to user %s: %w", id.Provider, u.ID, err)
			}
			conflict = err
			continue
		}
		u, err = s.directory.CreateUser(ctx, email, displayName(id), id.Provider, id.Subject)
		if err == nil {
			return u, nil
		}
		if !apperr.Is(err, apperr.Conflict) {
			return directory.User{}, fmt.Errorf("create user from %s identity: %w", id.Provider, err)
		}
		conflict = err
	}
	// The last conflict's 409 (asking to retry), never a 500.
	return directory.User{}, fmt.Errorf("provision user from %s identity: still conflicting after %d attempts: %w", id.Provider, provisionAttempts, conflict)
}

// fillName gives an active user without a name (an admin pre-provisions a
// user with an email only, by adding it as a member) the name the IdP
// token carries, and returns the user. A name is never replaced, and one
// the directory would refuse (blank, too long) is not used. The name is a
// courtesy: when setting it fails the sign-in goes on, and the next one
// tries again.
func (s *Service) fillName(ctx context.Context, u directory.User, id idp.Identity) directory.User {
	if u.Name != "" || !u.IsActive || directory.ValidateName(id.Name) != nil {
		return u
	}
	named, err := s.directory.SetName(ctx, u.ID, id.Name)
	if err != nil {
		slog.Warn("authz: name from the IdP not set", "request_id", web.RequestID(ctx), "user_id", u.ID, "provider", id.Provider, "error", err.Error())
		return u
	}
	return named
}

// displayName is the IdP's name for the user, else the email's local part.
func displayName(id idp.Identity) string {
	if directory.ValidateName(id.Name) == nil {
		return id.Name
	}
	local, _, _ := strings.Cut(id.Email, "@")
	return local
}
