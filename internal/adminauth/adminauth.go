// Package adminauth is admin sign-in (api.md section 8, first paragraph):
// local accounts with bcrypt hashes, a short-lived admin_token cookie whose
// logout revokes its jti, X-Requested-With on writes, and the lockout rules.
package adminauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/identity"
	"sentinel/internal/ratelimit"
	"sentinel/internal/token"
	"sentinel/internal/web"
)

// Rules of admin sessions and sign-in.
const (
	CookieName     = "admin_token"
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

// The failure limits, counted in the Limits table.
var (
	emailRule = ratelimit.Rule{Max: EmailFailures, Window: EmailWindow}
	ipRule    = ratelimit.Rule{Max: IPFailures, Window: IPWindow}
)

type account struct {
	PK           string `dynamodbav:"pk"`
	SK           string `dynamodbav:"sk"`
	ID           string `dynamodbav:"id"`
	Email        string `dynamodbav:"email"`
	PasswordHash string `dynamodbav:"password_hash"`
	IsActive     bool   `dynamodbav:"is_active"`
	CreatedAt    string `dynamodbav:"created_at"`
	UpdatedAt    string `dynamodbav:"updated_at"`
}

// Service signs admins in and out and guards the admin routes.
type Service struct {
	db       dynamo.DB
	admins   string             // Admins table
	limits   *ratelimit.Limiter // failure counters in the Limits table
	log      *activity.Log
	keys     *token.Ring
	now      func() time.Time
	cost     int
	secure   bool // Secure cookies (everywhere but the local stage)
	fakeHash []byte
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
}

// New returns a Service.
func New(o Options) *Service {
	// Unknown emails are compared against this hash so that they take as
	// long as known ones.
	fake, _ := bcrypt.GenerateFromPassword([]byte("not a password"), o.PasswordCost)
	return &Service{db: o.DB, admins: o.AdminsTable, limits: ratelimit.New(o.DB, o.LimitsTable, o.Now), log: o.Log, keys: o.Keys, now: o.Now,
		cost: o.PasswordCost, secure: o.SecureCookies, fakeHash: fake}
}

func accountPK(email string) string { return "ADMIN#" + normalize(email) }

func normalize(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func validEmail(email string) bool {
	at := strings.LastIndexByte(email, '@')
	return at > 0 && at < len(email)-1 && len(email) <= 254 && !strings.ContainsAny(email, " \t\r\n")
}

// Ensure creates the admin, or resets its password if it exists (the
// bootstrap command and the local stack's SENTINEL_ADMIN_* variables).
func (s *Service) Ensure(ctx context.Context, email, password string) (created bool, err error) {
	email = normalize(email)
	if !validEmail(email) {
		return false, apperr.Field("email", "must be an email address")
	}
	if len(password) < MinPasswordLen || len(password) > maxPasswordBytes {
		return false, apperr.Field("password", fmt.Sprintf("must be %d characters to %d bytes", MinPasswordLen, maxPasswordBytes))
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return false, fmt.Errorf("hash password: %w", err)
	}
	now := dynamo.FormatTime(s.now())
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        aws.String(s.admins),
		Key:              dynamo.Key(accountPK(email), "ACCOUNT"),
		UpdateExpression: aws.String("SET password_hash = :h, updated_at = :now, is_active = :t, email = :e, id = if_not_exists(id, :id), created_at = if_not_exists(created_at, :now)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":h": dynamo.S(string(hash)), ":now": dynamo.S(now), ":t": &types.AttributeValueMemberBOOL{Value: true},
			":e": dynamo.S(email), ":id": dynamo.S(uuid.NewString()),
		},
		ReturnValues: types.ReturnValueUpdatedOld,
	})
	if err != nil {
		return false, fmt.Errorf("ensure admin: %w", err)
	}
	created = len(out.Attributes) == 0
	action := "admin.password_reset"
	if created {
		action = "admin.create"
	}
	if err := s.log.Record(ctx, activity.Entry{Actor: "bootstrap", Action: action, TargetType: "admin", TargetID: email}); err != nil {
		return created, err
	}
	return created, nil
}

// Exists reports whether an admin account exists for email.
func (s *Service) Exists(ctx context.Context, email string) (bool, error) {
	_, found, err := s.get(ctx, email)
	return found, err
}

func (s *Service) get(ctx context.Context, email string) (account, bool, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.admins), Key: dynamo.Key(accountPK(email), "ACCOUNT"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return account{}, false, fmt.Errorf("get admin: %w", err)
	}
	if out.Item == nil {
		return account{}, false, nil
	}
	var a account
	if err := attributevalue.UnmarshalMap(out.Item, &a); err != nil {
		return account{}, false, fmt.Errorf("decode admin: %w", err)
	}
	return a, true, nil
}

// RandomPassword makes a password for a first admin.
func RandomPassword() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func emailLimitKey(email string) string { return "LOGIN#EMAIL#" + normalize(email) }
func ipLimitKey(ip string) string       { return "LOGIN#IP#" + ip }

// Login checks a password and returns a signed admin token.
func (s *Service) Login(ctx context.Context, email, password, ip string) (string, account, error) {
	now := s.now()
	email = normalize(email)
	if !validEmail(email) {
		// Shape only: it says nothing about which accounts exist.
		return "", account{}, apperr.Field("email", "must be an email address")
	}
	for _, l := range []struct {
		key  string
		rule ratelimit.Rule
	}{{ipLimitKey(ip), ipRule}, {emailLimitKey(email), emailRule}} {
		wait, err := s.limits.Blocked(ctx, l.key, l.rule)
		if err != nil {
			return "", account{}, err
		}
		if wait > 0 {
			return "", account{}, &apperr.Error{Code: apperr.RateLimited, Message: "Too many failed sign-in attempts; try again later", RetryAfter: wait}
		}
	}
	a, found, err := s.get(ctx, email)
	if err != nil {
		return "", account{}, err
	}
	hash := s.fakeHash
	if found {
		hash = []byte(a.PasswordHash)
	}
	ok := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil && found && a.IsActive
	if !ok {
		if err := s.limits.Add(ctx, emailLimitKey(email), EmailWindow); err != nil {
			return "", account{}, err
		}
		if err := s.limits.Add(ctx, ipLimitKey(ip), IPWindow); err != nil {
			return "", account{}, err
		}
		if err := s.log.Record(ctx, activity.Entry{Actor: email, Action: "admin.login_failed", TargetType: "admin", TargetID: email, Detail: map[string]any{"ip": ip}}); err != nil {
			return "", account{}, err
		}
		return "", account{}, apperr.New(apperr.Unauthorized, msgBadLogin)
	}
	if err := s.limits.Reset(ctx, emailLimitKey(email)); err != nil {
		return "", account{}, err
	}
	tok, err := s.keys.Sign(token.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: a.ID, Audience: jwt.ClaimStrings{token.AudAdmin}},
		Type:             "admin", Email: a.Email,
	}, now, TokenTTL)
	if err != nil {
		return "", account{}, fmt.Errorf("sign admin token: %w", err)
	}
	if err := s.log.Record(ctx, activity.Entry{Actor: a.Email, Action: "admin.login", TargetType: "admin", TargetID: a.Email, Detail: map[string]any{"ip": ip}}); err != nil {
		return "", account{}, err
	}
	return tok, a, nil
}

// Authenticate checks an admin token: signature, audience, expiry, not
// revoked by logout, account still active.
func (s *Service) Authenticate(ctx context.Context, raw string) (*identity.Admin, error) {
	expired := apperr.New(apperr.Unauthorized, "Not signed in or session expired")
	c, err := s.keys.Verify(raw, s.now(), token.AudAdmin)
	if err != nil {
		return nil, expired
	}
	out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		s.admins: {Keys: []map[string]types.AttributeValue{dynamo.Key("JTI#"+c.ID, "REVOKED"), dynamo.Key(accountPK(c.Email), "ACCOUNT")}, ConsistentRead: aws.Bool(true)},
	}})
	if err != nil {
		return nil, fmt.Errorf("check admin session: %w", err)
	}
	if len(out.UnprocessedKeys) > 0 {
		return nil, apperr.New(apperr.Unavailable, "session check throttled")
	}
	active := false
	for _, it := range out.Responses[s.admins] {
		var a account
		if err := attributevalue.UnmarshalMap(it, &a); err != nil {
			return nil, fmt.Errorf("decode admin session: %w", err)
		}
		if a.SK == "REVOKED" {
			return nil, expired
		}
		active = a.IsActive && a.ID == c.Subject
	}
	if !active {
		return nil, expired
	}
	return &identity.Admin{ID: c.Subject, Email: c.Email, TokenID: c.ID, Expires: c.ExpiresAt.Time}, nil
}

// Logout revokes the session's token id until the token would expire.
func (s *Service) Logout(ctx context.Context, a *identity.Admin) error {
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(s.admins), Item: map[string]types.AttributeValue{
			"pk": dynamo.S("JTI#" + a.TokenID), "sk": dynamo.S("REVOKED"), "ttl": num(a.Expires.Unix() + 60),
		}}},
		s.log.Put(activity.Entry{Actor: a.Email, Action: "admin.logout", TargetType: "admin", TargetID: a.Email}),
	}})
	if err != nil {
		return fmt.Errorf("revoke admin session: %w", err)
	}
	return nil
}

// cookie builds the admin_token cookie (value "" and MaxAge -1 clears it).
func (s *Service) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: value, Path: "/admin", MaxAge: maxAge, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode}
}

// requireXRW refuses writes without X-Requested-With (a cross-site form
// cannot set it, so it backs SameSite=Strict against CSRF).
func requireXRW(r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get("X-Requested-With") == "" {
		return apperr.New(apperr.Forbidden, "X-Requested-With header required")
	}
	return nil
}

// Require is the admin tier middleware.
func (s *Service) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(CookieName)
		if err != nil || c.Value == "" {
			web.Error(w, r, apperr.New(apperr.Unauthorized, "Not signed in or session expired"))
			return
		}
		a, err := s.Authenticate(r.Context(), c.Value)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		if err := requireXRW(r); err != nil {
			web.Error(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(identity.WithAdmin(r.Context(), a)))
	})
}

// RequireXRW guards the sign-in route, which has no session yet.
func RequireXRW(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := requireXRW(r); err != nil {
			web.Error(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type me struct {
	ID    string `json:"id"`
	Email string `json:"email"`
}

// LoginHandler serves POST /admin/auth/login.
func (s *Service) LoginHandler(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := web.Decode(r, &in); err != nil {
		web.Error(w, r, err)
		return
	}
	tok, a, err := s.Login(r.Context(), in.Email, in.Password, web.ClientIP(r))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie(tok, int(TokenTTL.Seconds())))
	web.JSON(w, 200, me{ID: a.ID, Email: a.Email})
}

// LogoutHandler serves POST /admin/auth/logout.
func (s *Service) LogoutHandler(w http.ResponseWriter, r *http.Request) {
	a, _ := identity.AdminFrom(r.Context())
	if err := s.Logout(r.Context(), a); err != nil {
		web.Error(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie("", -1))
	web.JSON(w, 200, map[string]string{"status": "ok"})
}

// MeHandler serves GET /admin/auth/me.
func (s *Service) MeHandler(r *http.Request) (int, any, error) {
	a, _ := identity.AdminFrom(r.Context())
	return 200, me{ID: a.ID, Email: a.Email}, nil
}
