package sentinel

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Claims are what a verified Sentinel user token says. An access token
// (Type "access") is the user's in a workspace; an authz token (Type
// "authz", from authz mode) is also bound to the service it was issued for
// (Svc) and to the user's identity-provider subject (IdPSub).
type Claims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub"` // the user id
	Audience  audience `json:"aud"`
	ExpiresAt int64    `json:"exp"`
	NotBefore int64    `json:"nbf"`
	IssuedAt  int64    `json:"iat"`
	ID        string   `json:"jti"`
	Type      string   `json:"type"`
	// WorkspaceID, WorkspaceSlug and WorkspaceRole are the user's
	// workspace and role in it (owner, admin, editor or viewer).
	WorkspaceID   string `json:"wid"`
	WorkspaceSlug string `json:"wslug"`
	WorkspaceRole string `json:"wrole"`
	// Groups are the user's group ids in the workspace; Actions their RBAC
	// actions for the service. When a list was too long for a token its
	// *Truncated flag is set: ask the API (Roles().CheckAction) instead.
	Groups           []string `json:"groups"`
	GroupsTruncated  bool     `json:"groups_truncated"`
	Actions          []string `json:"actions"`
	ActionsTruncated bool     `json:"actions_truncated"`
	Email            string   `json:"email"`
	IdPSub           string   `json:"idp_sub"`
	Svc              string   `json:"svc"`
	App              string   `json:"app"`
	// Token is the verified token itself, to pass on to the API's dual-tier
	// calls (Check, Accessible, …) on the user's behalf.
	Token string `json:"-"`
}

// audience is aud, a string or an array of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(a))
}

// Audiences of Sentinel's user tokens, by their type claim.
var audienceOf = map[string]string{"access": "sentinel:access", "authz": "sentinel:authz"}

// maxTokenBytes is the longest token the verifier reads (as the API).
const maxTokenBytes = 8192

// ErrInvalidToken is the kind of every verification failure.
var ErrInvalidToken = errors.New("sentinel: invalid token")

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidToken, fmt.Sprintf(format, a...))
}

// Verifier verifies Sentinel user tokens with the deployment's published
// keys (GET /.well-known/jwks.json). It caches the keys, fetches them again
// when a token names an unknown key id (at most once every 30 s) and at
// least every 10 minutes. It is safe for concurrent use.
type Verifier struct {
	jwksURL, issuer, serviceName string
	http                         *http.Client
	now                          func() time.Time
	idpSubject                   func(*http.Request) (string, error)
	types                        []string

	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey
	fetched time.Time // when the keys were last fetched (or tried)
}

// VerifierOption configures a Verifier.
type VerifierOption func(*Verifier)

// WithIssuer sets the issuer tokens must name (default: the base URL, which
// is the deployment's issuer).
func WithIssuer(iss string) VerifierOption { return func(v *Verifier) { v.issuer = iss } }

// WithVerifierHTTPClient fetches the keys through hc.
func WithVerifierHTTPClient(hc *http.Client) VerifierOption {
	return func(v *Verifier) { v.http = hc }
}

// WithClock sets the verifier's clock (for tests).
func WithClock(now func() time.Time) VerifierOption { return func(v *Verifier) { v.now = now } }

// OnlyAuthzTokens refuses access tokens: for a backend whose callers come
// through authz mode only.
func OnlyAuthzTokens() VerifierOption { return func(v *Verifier) { v.types = []string{"authz"} } }

// WithIdPSubject binds authz tokens to the caller's own identity-provider
// token: subject verifies that token (sent by the frontend alongside the
// authz token, however the backend chooses) and answers its sub, which
// must equal the authz token's idp_sub. A stolen authz token is then
// useless without the same user's IdP token.
func WithIdPSubject(subject func(*http.Request) (string, error)) VerifierOption {
	return func(v *Verifier) { v.idpSubject = subject }
}

// NewVerifier verifies the tokens of the deployment at baseURL for the
// service serviceName: an authz token issued for another service is
// refused.
func NewVerifier(baseURL, serviceName string, opts ...VerifierOption) *Verifier {
	base := strings.TrimRight(baseURL, "/")
	v := &Verifier{
		jwksURL: base + "/.well-known/jwks.json", issuer: base, serviceName: serviceName,
		http: &http.Client{Timeout: 5 * time.Second}, now: time.Now, types: []string{"access", "authz"},
	}
	for _, o := range opts {
		o(v)
	}
	return v
}

const (
	refreshUnknownKid = 30 * time.Second
	keysMaxAge        = 10 * time.Minute
	clockSkew         = 30 * time.Second
)

// Verify checks a token's signature (RS256 with a published key), issuer,
// audience and type, expiry, and for an authz token that it was issued for
// this service; it answers the claims. Every failure is ErrInvalidToken.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Claims, error) {
	if len(raw) > maxTokenBytes {
		return nil, invalid("token is too long")
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, invalid("token is malformed")
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, invalid("token header is malformed")
	}
	if header.Alg != "RS256" {
		return nil, invalid("token algorithm %q is not RS256", header.Alg)
	}
	key, err := v.key(ctx, header.Kid)
	if err != nil {
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, invalid("token signature is malformed")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) != nil {
		return nil, invalid("token signature is invalid")
	}
	c := Claims{Token: raw}
	if err := decodeSegment(parts[1], &c); err != nil {
		return nil, invalid("token claims are malformed")
	}
	if err := v.check(&c); err != nil {
		return nil, err
	}
	return &c, nil
}

func (v *Verifier) check(c *Claims) error {
	now := v.now()
	switch {
	case c.Issuer != v.issuer:
		return invalid("token issuer %q is not %q", c.Issuer, v.issuer)
	case !slices.Contains(v.types, c.Type):
		return invalid("token type %q is not accepted", c.Type)
	case !slices.Contains(c.Audience, audienceOf[c.Type]):
		return invalid("token audience does not match its type")
	case c.ExpiresAt == 0 || now.After(time.Unix(c.ExpiresAt, 0).Add(clockSkew)):
		return invalid("token has expired")
	case c.NotBefore != 0 && now.Add(clockSkew).Before(time.Unix(c.NotBefore, 0)):
		return invalid("token is not valid yet")
	case c.Subject == "" || c.WorkspaceID == "" || c.WorkspaceRole == "":
		return invalid("token lacks the user or workspace")
	case c.Type == "authz" && c.Svc != v.serviceName:
		return invalid("authz token was issued for another service")
	}
	return nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// key answers the published key kid, fetching the keys when kid is unknown
// (at most once every refreshUnknownKid) or the cache is older than
// keysMaxAge.
func (v *Verifier) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	k, ok := v.keys[kid]
	age := v.now().Sub(v.fetched)
	if (ok && age < keysMaxAge) || (!ok && v.keys != nil && age < refreshUnknownKid) {
		if !ok {
			return nil, invalid("token key %q is not published", kid)
		}
		return k, nil
	}
	v.fetched = v.now()
	keys, err := v.fetch(ctx)
	if err != nil {
		if ok { // a known key keeps working while the JWKS is unreachable
			return k, nil
		}
		return nil, fmt.Errorf("sentinel: fetch the signing keys: %w", err)
	}
	v.keys = keys
	if k, ok = keys[kid]; !ok {
		return nil, invalid("token key %q is not published", kid)
	}
	return k, nil
}

func (v *Verifier) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.jwksURL, nil)
	if err != nil {
		return nil, err
	}
	res, err := v.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s answered %d", v.jwksURL, res.StatusCode)
	}
	var set struct {
		Keys []struct {
			Kty, Kid, Alg, N, E string
		} `json:"keys"`
	}
	if err := json.NewDecoder(res.Body).Decode(&set); err != nil {
		return nil, fmt.Errorf("decode %s: %w", v.jwksURL, err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || (k.Alg != "" && k.Alg != "RS256") {
			continue
		}
		n, errN := base64.RawURLEncoding.DecodeString(k.N)
		e, errE := base64.RawURLEncoding.DecodeString(k.E)
		if errN != nil || errE != nil || len(e) == 0 || len(e) > 4 {
			continue
		}
		if key := (&rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}); key.N.BitLen() >= 2048 {
			keys[k.Kid] = key
		}
	}
	return keys, nil
}

type claimsKey struct{}

// UserFrom answers the claims the middleware put on a request's context.
func UserFrom(ctx context.Context) (*Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(*Claims)
	return c, ok
}

// Middleware verifies the request's bearer token (Authorization: Bearer …)
// before next, and puts its claims on the request's context (UserFrom).
// A request without a valid token is answered 401 {"detail": reason}
// (503 when the keys cannot be fetched).
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || raw == "" {
			writeDetail(w, http.StatusUnauthorized, "missing bearer token")
			return
		}
		c, err := v.Verify(r.Context(), raw)
		if err == nil && c.Type == "authz" && v.idpSubject != nil {
			err = v.bind(r, c)
		}
		switch {
		case errors.Is(err, ErrInvalidToken):
			writeDetail(w, http.StatusUnauthorized, strings.TrimPrefix(err.Error(), ErrInvalidToken.Error()+": "))
		case err != nil:
			writeDetail(w, http.StatusServiceUnavailable, "cannot verify tokens now")
		default:
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, c)))
		}
	})
}

// bind checks an authz token's idp_sub against the caller's IdP token.
func (v *Verifier) bind(r *http.Request, c *Claims) error {
	sub, err := v.idpSubject(r)
	if err != nil {
		return invalid("identity-provider token: %v", err)
	}
	if c.IdPSub == "" || sub != c.IdPSub {
		return invalid("authz token was issued to another identity-provider user")
	}
	return nil
}

func writeDetail(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"detail": detail})
}
