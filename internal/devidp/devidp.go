// Package devidp is the local stack's development identity provider: a
// minimal OpenID Connect issuer that publishes a discovery document and a
// JWKS and signs ID tokens for any email it is asked for, so the whole
// authz flow can be walked with curl. `make dev` serves it and registers it
// as the provider "dev"; `sentinel dev-idp-token` prints its tokens. It has
// no sign-in page: whoever runs the command is whoever they say.
//
// It is for the local stack and tests only. No Lambda function imports it
// (a test checks), and deployed stages refuse http issuers, so it can never
// be trusted by a deployed stack.
package devidp

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"sentinel/internal/config"
	"sentinel/internal/token"
	"sentinel/internal/web"
)

// Settings of the dev provider.
const (
	// ProviderName is the name the local stack registers it under.
	ProviderName = "dev"
	// Audience is the aud of its ID tokens.
	Audience = "sentinel-dev"
	// KeyFile is its signing key ring, in the local state directory.
	KeyFile = "dev-idp-keys.pem"
	// JWKSPath and DiscoveryPath are where it publishes.
	JWKSPath      = "/jwks.json"
	DiscoveryPath = "/.well-known/openid-configuration"
)

// Issuer signs ID tokens and publishes its keys.
type Issuer struct {
	url  string
	mu   sync.RWMutex
	keys *token.Ring
}

// New returns an issuer named url (its iss) signing with keys.
func New(url string, keys *token.Ring) *Issuer {
	return &Issuer{url: strings.TrimRight(url, "/"), keys: keys}
}

// Load returns the issuer at url with its key ring from stateDir, creating
// the key on first use (the local stack and the dev-idp-token command
// share the file).
func Load(stateDir, url string) (*Issuer, error) {
	ring, err := token.LoadFile(filepath.Join(stateDir, KeyFile), url)
	if err != nil {
		return nil, fmt.Errorf("dev IdP key %s: %w", filepath.Join(stateDir, KeyFile), err)
	}
	return New(url, ring), nil
}

// URL is the issuer (iss).
func (i *Issuer) URL() string { return i.url }

// Provider is the issuer as an OIDC provider of SENTINEL_OIDC_PROVIDERS.
func (i *Issuer) Provider(audience string) config.OIDCProvider {
	return config.OIDCProvider{Name: ProviderName, Issuers: []string{i.url}, JWKSURI: i.url + JWKSPath, Audience: audience}
}

// Rotate makes next the signing key; the previous one stays published.
func (i *Issuer) Rotate(next token.Key) {
	i.mu.Lock()
	defer i.mu.Unlock()
	next.SignsFrom = time.Now() // the dev IdP's keys sign at once
	i.keys = token.NewRing(i.keys.Issuer, append(i.keys.Keys, next)...)
}

// Retire stops publishing the previous key.
func (i *Issuer) Retire() {
	i.mu.Lock()
	defer i.mu.Unlock()
	cur, _ := i.keys.Current(time.Now())
	i.keys = token.NewRing(i.keys.Issuer, cur)
}

func (i *Issuer) ring() *token.Ring {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return i.keys
}

// Handler serves the discovery document and the JWKS.
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+DiscoveryPath, func(w http.ResponseWriter, r *http.Request) {
		web.JSON(w, 200, map[string]any{
			"issuer":                                i.url,
			"jwks_uri":                              i.url + JWKSPath,
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"claims_supported":                      []string{"iss", "sub", "aud", "exp", "iat", "nonce", "email", "email_verified", "name"},
		})
	})
	mux.HandleFunc("GET "+JWKSPath, func(w http.ResponseWriter, r *http.Request) {
		web.JSON(w, 200, i.ring().JWKS(time.Now()))
	})
	return mux
}

// Sign signs claims as they are with the current key (RS256, with kid).
func (i *Issuer) Sign(claims jwt.MapClaims) (string, error) {
	k, ok := i.ring().Current(time.Now())
	if !ok {
		return "", token.ErrCannotSign
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = k.ID
	return t.SignedString(k.Private)
}

// Subject is the stable sub the issuer gives an email.
func Subject(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return "dev-" + hex.EncodeToString(sum[:12])
}

// IDToken signs an ID token for email (verified) and name, valid for ttl,
// with the given audience and nonce ("": none).
func (i *Issuer) IDToken(email, name, audience, nonce string, now time.Time, ttl time.Duration) (string, error) {
	claims := jwt.MapClaims{
		"iss": i.url, "sub": Subject(email), "aud": audience,
		"iat": now.Unix(), "exp": now.Add(ttl).Unix(), "jti": uuid.NewString(),
		"email": email, "email_verified": true,
	}
	if name != "" {
		claims["name"] = name
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	return i.Sign(claims)
}
