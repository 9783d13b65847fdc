package adminauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/identity"
	"sentinel/internal/metrics"
	"sentinel/internal/ratelimit"
	"sentinel/internal/token"
)

// The sign-in policy: who may sign in, how often they may fail, how long a
// session lasts and what the audit log records. Storage is the account
// store's (accounts.go), HTTP the handlers' (http.go).

// Rules of admin sessions and sign-in.
const (
	TokenTTL       = time.Hour
	EmailFailures  = 5
	EmailWindow    = 15 * time.Minute
	IPFailures     = 20
	IPWindow       = time.Minute
	MinPasswordLen = 12
)

// maxPasswordBytes is the most bcrypt hashes.
const maxPasswordBytes = 72

const msgBadLogin = "Invalid email or password"

var errNoSession = apperr.New(apperr.Unauthorized, "Not signed in or session expired")

// The sign-in limits, counted in the Limits table before a password is
// compared.
var (
	emailRule = ratelimit.Rule{Max: EmailFailures, Window: EmailWindow}
	ipRule    = ratelimit.Rule{Max: IPFailures, Window: IPWindow}
)

// Sessions checks admin sessions: the admin tier of every admin function.
// It reads the Admins table (revoked sessions, deactivated admins) and
// verifies with the signing keys; signing in is the Service's.
type Sessions struct {
	accounts accounts
	keys     *token.Ring
	now      func() time.Time
}

// NewSessions returns the session check over the Admins table.
func NewSessions(db dynamo.DB, adminsTable string, keys *token.Ring, now func() time.Time) *Sessions {
	return &Sessions{accounts: accounts{dynamo.Repo{DB: db, Table: adminsTable}}, keys: keys, now: now}
}

// Service signs admins in and out; its Sessions guard the admin routes.
type Service struct {
	*Sessions
	limits *ratelimit.Limiter // failure counters in the Limits table
	log    *activity.Log
	cost   int
	secure bool // Secure cookies (everywhere but the local stage)
	// requireTOTP sends every admin without TOTP to enrol at sign-in.
	requireTOTP bool
	stage       string // names the deployment in authenticator apps
	fakeHash    []byte
	compared    atomic.Int64 // passwords compared, see PasswordsCompared
}

// Options configure a Service.
type Options struct {
	DB            dynamo.DB
	AdminsTable   string
	LimitsTable   string
	Log           *activity.Log
	Keys          *token.Ring
	Now           func() time.Time
	PasswordCost  int
	SecureCookies bool
	// RequireTOTP: every admin must sign in with TOTP (the stage setting
	// SENTINEL_ADMIN_REQUIRE_TOTP); those not enrolled enrol at sign-in.
	RequireTOTP bool
	// Stage names the deployment in authenticator apps ("Sentinel prod").
	Stage string
}

// New returns a Service.
func New(o Options) *Service {
	// Unknown emails are compared against this hash so that they take as
	// long as known ones.
	fake, _ := bcrypt.GenerateFromPassword([]byte("not a password"), o.PasswordCost)
	return &Service{Sessions: NewSessions(o.DB, o.AdminsTable, o.Keys, o.Now), limits: ratelimit.New(o.DB, o.LimitsTable, o.Now), log: o.Log,
		cost: o.PasswordCost, secure: o.SecureCookies, requireTOTP: o.RequireTOTP, stage: o.Stage, fakeHash: fake}
}

func normalize(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func validEmail(email string) bool {
	at := strings.LastIndexByte(email, '@')
	return at > 0 && at < len(email)-1 && len(email) <= 254 && !strings.ContainsAny(email, " \t\r\n")
}

// Ensure creates the admin, or resets its password if it exists (the
// bootstrap command and the local stack's SENTINEL_ADMIN_* variables). A
// reset ends every session of the admin. A deactivated admin is refused
// (409): Reactivate resets its password and activates it.
func (s *Service) Ensure(ctx context.Context, email, password string) (created bool, err error) {
	return s.setPassword(ctx, email, password, false)
}

// Reactivate is Ensure for an admin that may be deactivated: it activates
// it too.
func (s *Service) Reactivate(ctx context.Context, email, password string) (created bool, err error) {
	return s.setPassword(ctx, email, password, true)
}

func (s *Service) setPassword(ctx context.Context, email, password string, reactivate bool) (created bool, err error) {
	email = normalize(email)
	if !validEmail(email) {
		return false, apperr.Field("email", "must be an email address")
	}
	if err := validPassword("password", password); err != nil {
		return false, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return false, fmt.Errorf("hash password: %w", err)
	}
	old, found, err := s.accounts.upsert(ctx, email, hash, s.now(), reactivate)
	if errors.Is(err, errInactive) {
		return false, apperr.New(apperr.Conflict, "admin %s is deactivated: its password was not reset (reactivate it with --reactivate)", email)
	}
	if err != nil {
		return false, err
	}
	action := "admin.password_reset"
	switch {
	case !found:
		action = "admin.create"
	case !old.IsActive:
		action = "admin.reactivate"
	}
	if err := s.log.Record(ctx, activity.Entry{Actor: "bootstrap", Action: action, TargetType: "admin", TargetID: email}); err != nil {
		return !found, err
	}
	return !found, nil
}

// Deactivate stops email from signing in and ends every session of it.
func (s *Service) Deactivate(ctx context.Context, email string) error {
	email = normalize(email)
	found, err := s.accounts.deactivate(ctx, email, s.now())
	if err != nil {
		return err
	}
	if !found {
		return apperr.New(apperr.NotFound, "no admin %s", email)
	}
	return s.log.Record(ctx, activity.Entry{Actor: "bootstrap", Action: "admin.deactivate", TargetType: "admin", TargetID: email})
}

// Exists reports whether an admin account exists for email.
func (s *Service) Exists(ctx context.Context, email string) (bool, error) {
	_, found, err := s.accounts.get(ctx, normalize(email))
	return found, err
}

// RandomPassword makes a password for a first admin.
func RandomPassword() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func emailLimitKey(email string) string { return "LOGIN#EMAIL#" + normalize(email) }
func ipLimitKey(ip string) string       { return "LOGIN#IP#" + ip }

// Login checks a password and returns a signed admin token: a full
// session, or one for the sign-in step still to take (nextStep).
func (s *Service) Login(ctx context.Context, email, password, ip string) (string, account, error) {
	email = normalize(email)
	if !validEmail(email) {
		// Shape only: it says nothing about which accounts exist.
		return "", account{}, apperr.Field("email", "must be an email address")
	}
	a, err := s.checkPassword(ctx, email, password, ip, "admin.login_failed")
	if err != nil {
		return "", account{}, err
	}
	step := s.nextStep(a, false)
	entry := activity.Entry{Actor: a.Email, Action: "admin.login", TargetType: "admin", TargetID: a.Email, Detail: map[string]any{"ip": ip}}
	if step != "" {
		entry.Detail["next_step"] = step
	}
	if err := s.accounts.signedIn(ctx, email, s.now(), s.log.Put(entry)); err != nil {
		return "", account{}, err
	}
	tok, err := s.sign(a, step)
	return tok, a, err
}

// checkPassword checks email's password under the sign-in limits (a
// failure is recorded as failAction) and answers the account.
//
// The attempt is counted before its password is compared, against the
// client IP's limit and then the email's, each a conditional increment
// that refuses a full window: however many attempts run at once, at most
// EmailFailures passwords of one email (and IPFailures of one IP) are
// compared in a window. A successful attempt gives its counts back, so the
// windows count failures (and attempts still running).
func (s *Service) checkPassword(ctx context.Context, email, password, ip, failAction string) (account, error) {
	ipSlot, err := s.take(ctx, ipLimitKey(ip), ipRule)
	if err != nil {
		return account{}, err
	}
	emailSlot, err := s.take(ctx, emailLimitKey(email), emailRule)
	if err != nil {
		// Refused by the email's limit: no password compared, so the IP's
		// count is given back.
		if rerr := s.limits.Refund(ctx, ipSlot); rerr != nil {
			return account{}, rerr
		}
		return account{}, err
	}
	a, found, err := s.accounts.get(ctx, email)
	if err != nil {
		return account{}, err
	}
	hash := s.fakeHash
	if found {
		hash = []byte(a.PasswordHash)
	}
	s.compared.Add(1)
	ok := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil && found && a.IsActive
	if !ok {
		if err := s.log.Record(ctx, activity.Entry{Actor: email, Action: failAction, TargetType: "admin", TargetID: email, Detail: map[string]any{"ip": ip}}); err != nil {
			return account{}, err
		}
		return account{}, apperr.New(apperr.Unauthorized, msgBadLogin)
	}
	for _, slot := range []ratelimit.Slot{emailSlot, ipSlot} {
		if err := s.limits.Refund(ctx, slot); err != nil {
			return account{}, err
		}
	}
	return a, nil
}

// Sign-in steps: what an admin token of a sign-in not finished yet still
// has to do (token claim step). A full session has none.
const (
	StepTOTP           = "totp"            // give a TOTP or recovery code
	StepChangePassword = "change_password" // replace a temporary password
	StepEnrolTOTP      = "enrol_totp"      // enrol TOTP (the stage requires it)
)

// StepTTL is how long a token of an unfinished sign-in lives.
const StepTTL = 10 * time.Minute

// nextStep is the step a's sign-in takes next, "" when it is done
// (totpDone: its TOTP code, if it has TOTP, was given).
func (s *Service) nextStep(a account, totpDone bool) string {
	switch {
	case a.TOTPSecret != "" && !totpDone:
		return StepTOTP
	case a.MustChangePassword:
		return StepChangePassword
	case s.requireTOTP && a.TOTPSecret == "":
		return StepEnrolTOTP
	}
	return ""
}

// sign signs a's session token: a full one, or one for step.
func (s *Service) sign(a account, step string) (string, error) {
	ttl := TokenTTL
	if step != "" {
		ttl = StepTTL
	}
	tok, err := s.keys.Sign(token.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: a.ID, Audience: jwt.ClaimStrings{token.AudAdmin}},
		Type:             "admin", Email: a.Email, SessionVersion: a.SessionVersion, Step: step,
	}, s.now(), ttl)
	if err != nil {
		return "", fmt.Errorf("sign admin token: %w", err)
	}
	return tok, nil
}

// take counts a sign-in attempt under rule, or refuses it with a 429 when
// key's window is full.
func (s *Service) take(ctx context.Context, key string, rule ratelimit.Rule) (ratelimit.Slot, error) {
	slot, wait, err := s.limits.Take(ctx, key, rule)
	if err != nil {
		return slot, err
	}
	if wait > 0 {
		metrics.Limited(ctx, "admin_login")
		return slot, &apperr.Error{Code: apperr.RateLimited, Message: "Too many failed sign-in attempts; try again later", RetryAfter: wait}
	}
	return slot, nil
}

// PasswordsCompared is how many passwords this Service has compared with a
// hash since it was made (the bound the sign-in limits hold is on these).
func (s *Service) PasswordsCompared() int64 { return s.compared.Load() }

// Authenticate checks an admin token: signature, audience, expiry, not
// revoked by logout, account still active and its session version still
// the token's (no password reset or deactivation since). The account is
// read on every admin request, so a change ends sessions at once.
func (s *Sessions) Authenticate(ctx context.Context, raw string) (*identity.Admin, error) {
	c, err := s.keys.Verify(raw, s.now(), token.AudAdmin)
	if err != nil {
		return nil, errNoSession
	}
	a, found, revoked, err := s.accounts.session(ctx, c.ID, normalize(c.Email))
	if err != nil {
		return nil, err
	}
	if revoked || !found || !a.IsActive || a.ID != c.Subject || a.SessionVersion != c.SessionVersion {
		return nil, errNoSession
	}
	return &identity.Admin{ID: c.Subject, Email: c.Email, TokenID: c.ID, Expires: c.ExpiresAt.Time, SessionVersion: c.SessionVersion, Step: c.Step}, nil
}

// Logout revokes the session's token id until the token would expire.
func (s *Service) Logout(ctx context.Context, a *identity.Admin) error {
	return s.accounts.revoke(ctx, a.TokenID, a.Expires,
		s.log.Put(activity.Entry{Actor: a.Email, Action: "admin.logout", TargetType: "admin", TargetID: a.Email}))
}
