// Package authtier authenticates backend calls (api.md section 2): the
// service-key tier (key hash looked up through a GSI, cached briefly), the
// dual tier (key + user JWT), the origin tier, and the scope rule.
package authtier

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/identity"
	"sentinel/internal/metrics"
	"sentinel/internal/ratelimit"
	"sentinel/internal/token"
	"sentinel/internal/web"
)

// Apps is what the tiers read of the service apps store.
type Apps interface {
	LookupKey(ctx context.Context, hash string) (Key, bool, error)
	TouchKey(ctx context.Context, appID, hash string, now time.Time) error
	LookupOrigin(ctx context.Context, origin string) (OriginApp, bool, error)
}

// Users tells whether a user may still act (deactivated users' tokens are
// refused): the directory. Nil means every user is active.
type Users interface {
	Active(ctx context.Context, userID string) (bool, error)
	// MemberGroups returns the ids of all the user's groups in a
	// workspace, for a token that carries only the first of them (false:
	// not a member).
	MemberGroups(ctx context.Context, workspaceID, userID string) ([]string, bool, error)
}

// Messages of the 401s (one per tier, so an answer is no oracle).
const (
	msgKey    = "Invalid or missing service API key"
	msgOrigin = "Invalid or missing service API key or origin"
)

// maxTokens bounds the verified user tokens an instance remembers.
const maxTokens = 4096

// touchEvery is how often a key's last_used_at is written at most.
const touchEvery = time.Minute

// Authenticator holds the lookups and caches of one function instance.
type Authenticator struct {
	apps        Apps
	keys        *token.Ring
	users       Users
	limits      *ratelimit.Limiter
	failureRule ratelimit.Rule
	now         func() time.Time

	blocked     blockList            // IPs over the failure limit, per instance
	tokens      *token.VerifiedCache // user tokens verified, until they expire
	keyCache    cache[Key]
	originCache cache[OriginApp]
	userCache   cache[bool]     // user id → active
	groupCache  cache[[]string] // workspace#user → the user's groups there
	touchedMu   sync.Mutex
	touched     map[string]time.Time
}

// New returns an authenticator. keys may be nil for functions without the
// dual tier; users may be nil; limits counts the key and dual tiers'
// failures per client IP (nil: no limit).
func New(apps Apps, keys *token.Ring, users Users, limits *ratelimit.Limiter, now func() time.Time) *Authenticator {
	a := &Authenticator{apps: apps, keys: keys, users: users, limits: limits, now: now, touched: map[string]time.Time{},
		tokens: token.NewVerifiedCache(maxTokens)}
	a.SetFailureLimit(FailureLimit)
	return a
}

func unauthorized(msg string) error { return apperr.New(apperr.Unauthorized, "%s", msg) }

// Service authenticates a service key: a malformed key costs no DynamoDB
// call, a known or unknown key one GSI Query per CacheTTL.
func (a *Authenticator) Service(ctx context.Context, presented string) (*identity.Service, error) {
	if !WellFormed(presented) {
		reason := metrics.ReasonUnknownKey
		if presented == "" {
			reason = metrics.ReasonMissingKey
		}
		metrics.AuthFailure(ctx, reason)
		return nil, unauthorized(msgKey)
	}
	now := a.now()
	hash := HashKey(presented)
	k, found, err := a.keyCache.lookup(ctx, hash, now, a.apps.LookupKey)
	if err != nil {
		return nil, err
	}
	if !found || !k.Usable(now) {
		metrics.AuthFailure(ctx, metrics.ReasonUnknownKey)
		return nil, unauthorized(msgKey)
	}
	a.touch(ctx, k, now)
	return &identity.Service{AppID: k.AppID, ServiceName: k.ServiceName, Name: k.Name, KeyPrefix: k.Prefix, KeyExpiresAt: k.ExpiresAt}, nil
}

// touchTimeout bounds the last_used_at write.
const touchTimeout = 300 * time.Millisecond

// touch writes last_used_at when this instance has not for a minute and the
// stored value is older than a minute; a failure is logged, not fatal.
func (a *Authenticator) touch(ctx context.Context, k Key, now time.Time) {
	if k.LastUsedAt != nil && now.Sub(*k.LastUsedAt) < touchEvery {
		return
	}
	a.touchedMu.Lock()
	last, ok := a.touched[k.Hash]
	if ok && now.Sub(last) < touchEvery {
		a.touchedMu.Unlock()
		return
	}
	if len(a.touched) >= maxEntries {
		clear(a.touched)
	}
	a.touched[k.Hash] = now
	a.touchedMu.Unlock()
	// A bookkeeping write: it may not spend the request's budget when
	// DynamoDB is slow or down (a cached key keeps working then).
	ctx, cancel := context.WithTimeout(ctx, touchTimeout)
	defer cancel()
	if err := a.apps.TouchKey(ctx, k.AppID, k.Hash, now); err != nil {
		slog.Warn("touch service key", "request_id", web.RequestID(ctx), "key_prefix", k.Prefix, "err", err)
	}
}

// Origin authenticates a browser Origin: byte-for-byte one entry of an
// active app's allowed_origins.
func (a *Authenticator) Origin(ctx context.Context, origin string) (*identity.Service, error) {
	if origin == "" || origin == "null" || len(origin) > MaxOriginLen {
		metrics.AuthFailure(ctx, metrics.ReasonOrigin)
		return nil, unauthorized(msgOrigin)
	}
	now := a.now()
	app, found, err := a.originCache.lookup(ctx, origin, now, a.apps.LookupOrigin)
	if err != nil {
		return nil, err
	}
	if !found || !app.IsActive {
		metrics.AuthFailure(ctx, metrics.ReasonOrigin)
		return nil, unauthorized(msgOrigin)
	}
	return &identity.Service{AppID: app.AppID, ServiceName: app.ServiceName, Name: app.Name, ViaOrigin: true}, nil
}

// User verifies a user token for the calling service (dual tier); a
// refusal counts as a bad_token auth failure.
func (a *Authenticator) User(ctx context.Context, svc *identity.Service, authorization string) (*identity.User, error) {
	u, err := a.user(ctx, svc, authorization)
	if err == nil {
		return u, nil
	}
	if e, ok := apperr.As(err); ok && e.Code == apperr.Unauthorized {
		metrics.AuthFailure(ctx, metrics.ReasonBadToken)
	}
	return u, err
}

func (a *Authenticator) user(ctx context.Context, svc *identity.Service, authorization string) (*identity.User, error) {
	raw, ok := strings.CutPrefix(authorization, "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		return nil, unauthorized("Missing bearer token")
	}
	// A token seen before is not verified again (see token.VerifiedCache);
	// what may change while it is valid is checked on every request below:
	// the user's status and truncated groups (within CacheTTL), the calling app.
	c, err := a.tokens.Verify(a.keys, strings.TrimSpace(raw), a.now(), token.AudAccess, token.AudAuthz)
	if err != nil {
		return nil, unauthorized("Invalid user token: " + err.Error())
	}
	// An authz token names the app it was issued for, not only its service
	// name: a deleted app's tokens do not work for a new app of that name.
	if c.Type == "authz" && (c.Svc != svc.ServiceName || c.App != svc.AppID) {
		return nil, unauthorized("Invalid user token: issued for another service")
	}
	active, err := a.active(ctx, c.Subject)
	if err != nil {
		return nil, err
	}
	if !active {
		return nil, unauthorized("Invalid user token: user is deactivated")
	}
	groups, err := a.groups(ctx, c)
	if err != nil {
		return nil, err
	}
	return &identity.User{
		ID: c.Subject, WorkspaceID: c.WID, WorkspaceSlug: c.WSlug, Role: c.WRole,
		Groups: groups, Actions: slices.Clone(c.Actions), TokenType: c.Type,
	}, nil
}

// groups are the user's groups: the token's, or, when the token carries
// only the first token.MaxGroups of them, all of them from the directory
// (one GetItem, cached for CacheTTL per user and workspace like the user's
// status).
func (a *Authenticator) groups(ctx context.Context, c *token.Claims) ([]string, error) {
	if !c.GroupsTruncated || a.users == nil {
		return slices.Clone(c.Groups), nil
	}
	groups, member, err := a.groupCache.lookup(ctx, c.WID+"#"+c.Subject, a.now(), func(ctx context.Context, _ string) ([]string, bool, error) {
		return a.users.MemberGroups(ctx, c.WID, c.Subject)
	})
	if err != nil {
		return nil, err
	}
	if !member {
		return nil, unauthorized("Invalid user token: user is no longer a member of the workspace")
	}
	return slices.Clone(groups), nil
}

// active asks the directory whether a user may act, once per CacheTTL per
// user and instance: a warm dual request costs no DynamoDB call, and a
// deactivation refuses the user's tokens everywhere within CacheTTL.
func (a *Authenticator) active(ctx context.Context, userID string) (bool, error) {
	if a.users == nil {
		return true, nil
	}
	active, _, err := a.userCache.lookup(ctx, userID, a.now(), func(ctx context.Context, id string) (bool, bool, error) {
		active, err := a.users.Active(ctx, id)
		return active, true, err
	})
	return active, err
}

// KeyOnly is the service-key tier middleware, under the per-IP failure
// limit. An Origin header never stands in for a missing key.
func (a *Authenticator) KeyOnly(next http.Handler) http.Handler {
	return a.limited(next, func(r *http.Request) (context.Context, error) {
		svc, err := a.Service(r.Context(), r.Header.Get("X-Service-Key"))
		if err != nil {
			return nil, err
		}
		return identity.WithService(r.Context(), svc), nil
	})
}

// Dual is the service key + user JWT tier middleware, under the per-IP
// failure limit.
func (a *Authenticator) Dual(next http.Handler) http.Handler {
	return a.limited(next, func(r *http.Request) (context.Context, error) {
		ctx := r.Context()
		svc, err := a.Service(ctx, r.Header.Get("X-Service-Key"))
		if err != nil {
			return nil, err
		}
		user, err := a.User(ctx, svc, r.Header.Get("Authorization"))
		if err != nil {
			return nil, err
		}
		return identity.WithUser(identity.WithService(ctx, svc), user), nil
	})
}

// KeyOrOrigin is the tier of /authz/resolve: a present X-Service-Key alone
// decides (an invalid key is 401 even if the Origin would match); without
// one the browser Origin must be allowed.
func (a *Authenticator) KeyOrOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var svc *identity.Service
		var err error
		if key, present := r.Header["X-Service-Key"]; present {
			svc, err = a.Service(r.Context(), strings.Join(key, ""))
		} else {
			svc, err = a.Origin(r.Context(), r.Header.Get("Origin"))
		}
		if err != nil {
			web.Error(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(identity.WithService(r.Context(), svc)))
	})
}

// RequireScope answers 403 unless the calling service is serviceName.
func RequireScope(ctx context.Context, serviceName string) error {
	svc, ok := identity.ServiceFrom(ctx)
	if !ok {
		return errors.New("authtier: RequireScope outside an authenticated request")
	}
	if svc.ServiceName != serviceName {
		return apperr.New(apperr.Forbidden, "Service key is not authorized for service '%s'", serviceName)
	}
	return nil
}

// Whoami serves GET /service/whoami behind the service-key tier: what the
// tier learned of the presented key, so a backend can check its
// configuration (key_expires_at is set while it is a rotated key's grace
// period).
func (a *Authenticator) Whoami(r *http.Request) (int, any, error) {
	s, ok := identity.ServiceFrom(r.Context())
	if !ok {
		return 0, nil, errors.New("authtier: whoami outside the service-key tier")
	}
	var exp *string
	if s.KeyExpiresAt != nil {
		v := dynamo.FormatTime(*s.KeyExpiresAt)
		exp = &v
	}
	return 200, map[string]any{"service_name": s.ServiceName, "name": s.Name, "key_prefix": s.KeyPrefix, "key_expires_at": exp}, nil
}
