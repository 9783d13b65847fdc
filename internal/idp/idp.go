// Package idp validates ID tokens of the OpenID Connect identity providers
// a deployment trusts (api.md section 7, step 1): the signature against the
// provider's published keys (JWKS, cached; an unknown kid refreshes them at
// most once per RefreshInterval), iss, aud (the calling app's client ids,
// else the deployment's audience), exp, iat (not in the future, not older
// than the provider's max_age) and email_verified. Each refusal is a 400
// whose detail says precisely why.
//
// It is built on golang-jwt (already used for Sentinel's own tokens) and a
// small JWKS cache rather than an OIDC client library, so that the refresh
// rule and every refusal reason are exactly the ones the contract names.
// Tokens are never logged.
package idp

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sentinel/internal/apperr"
	"sentinel/internal/config"
)

// MaxTokenBytes is the longest ID token accepted (Entra tokens with many
// optional claims are a few KiB).
const MaxTokenBytes = 16 << 10

// Refusals: each is a 400 with this detail.
var (
	ErrTooLong          = refusal("IdP token is too long")
	ErrMalformed        = refusal("IdP token is malformed")
	ErrAlgorithm        = refusal("IdP token is signed with an unsupported algorithm")
	ErrUnknownKey       = refusal("IdP token is signed with a key the provider does not publish")
	ErrSignature        = refusal("IdP token signature is invalid")
	ErrExpired          = refusal("IdP token has expired")
	ErrNotYetValid      = refusal("IdP token is not valid yet")
	ErrIssuedInFuture   = refusal("IdP token is issued in the future")
	ErrTooOld           = refusal("IdP token is too old; sign in again")
	ErrIssuer           = refusal("IdP token has the wrong issuer")
	ErrAudience         = refusal("IdP token has the wrong audience")
	ErrClaims           = refusal("IdP token lacks a required claim (exp, iat, sub or email)")
	ErrEmailNotVerified = refusal("IdP token email is not verified")
)

// ClockSkew is how far in the future an ID token's iat may be: the
// provider's clock and ours differ a little.
const ClockSkew = 60 * time.Second

func refusal(msg string) *apperr.Error { return apperr.New(apperr.BadRequest, "%s", msg) }

// ErrUnknownProvider reports a provider name this deployment does not
// configure; only a well-formed name is echoed back.
func ErrUnknownProvider(name string) *apperr.Error {
	if !config.ProviderName.MatchString(name) {
		return refusal("Unknown identity provider")
	}
	return apperr.New(apperr.BadRequest, "Unknown identity provider '%s'", name)
}

// Identity is who a valid ID token names.
type Identity struct {
	Provider string
	Subject  string // the provider's sub
	Email    string // verified by the provider
	Name     string // "" when the token has no name claim
	// Nonce is the token's nonce claim ("" when it has none).
	Nonce string
	// Audience and AuthorizedParty are the token's aud and azp ("" when
	// absent): the client ids it was issued to.
	Audience        []string
	AuthorizedParty string
	// ExpiresAt is the token's exp.
	ExpiresAt time.Time
}

// Verifier validates ID tokens for the configured providers. One per
// function instance: its key caches live as long as the container.
type Verifier struct {
	providers map[string]*provider
	now       func() time.Time
}

type provider struct {
	cfg  config.OIDCProvider
	keys *keySet
}

// New returns a verifier for providers, fetching their keys with client
// (nil: a client with a 5 s timeout) and reading the time from now.
func New(providers map[string]config.OIDCProvider, client *http.Client, now func() time.Time) *Verifier {
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	v := &Verifier{providers: map[string]*provider{}, now: now}
	for name, p := range providers {
		v.providers[name] = &provider{cfg: p, keys: newKeySet(p.JWKSURI, client, now)}
	}
	return v
}

// Providers lists the configured provider names, sorted.
func (v *Verifier) Providers() []string {
	var names []string
	for n := range v.providers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// idClaims are the claims of an ID token that Sentinel reads.
type idClaims struct {
	jwt.RegisteredClaims
	Email string `json:"email"`
	// EmailVerified is a boolean in the OIDC spec; some providers send the
	// string "true".
	EmailVerified   any    `json:"email_verified"`
	Name            string `json:"name"`
	Nonce           string `json:"nonce"`
	AuthorizedParty string `json:"azp"`
}

// Verify validates raw as an ID token of the named provider, issued to one
// of clientIDs (the OIDC client ids the calling app lists for the
// provider; none: the provider's configured audience), and returns the
// identity it names. Refusals are 400s (the Err* values and
// ErrUnknownProvider); an unreachable JWKS endpoint is a 503.
//
// The signature is checked first, so no claim of an unverified token
// decides anything; then exp, nbf, iat, iss, aud, sub and email, and
// email_verified.
func (v *Verifier) Verify(ctx context.Context, providerName, raw string, clientIDs []string) (Identity, error) {
	p, ok := v.providers[providerName]
	if !ok {
		return Identity{}, ErrUnknownProvider(providerName)
	}
	if len(raw) > MaxTokenBytes {
		return Identity{}, ErrTooLong
	}
	var c idClaims
	_, err := jwt.NewParser(jwt.WithoutClaimsValidation()).ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, err := p.keys.key(ctx, kid)
		if err != nil {
			return nil, err
		}
		if !k.accepts(t.Method.Alg()) {
			return nil, ErrAlgorithm
		}
		return k.public, nil
	})
	if err != nil {
		return Identity{}, parseFailure(err)
	}
	now := v.now()
	maxAge := p.cfg.MaxAge
	if maxAge <= 0 {
		maxAge = config.DefaultMaxAge
	}
	switch {
	case c.ExpiresAt == nil || c.IssuedAt == nil:
		return Identity{}, ErrClaims
	case !now.Before(c.ExpiresAt.Time):
		return Identity{}, ErrExpired
	case c.NotBefore != nil && now.Before(c.NotBefore.Time):
		return Identity{}, ErrNotYetValid
	case c.IssuedAt.After(now.Add(ClockSkew)):
		return Identity{}, ErrIssuedInFuture
	case now.Sub(c.IssuedAt.Time) > maxAge:
		return Identity{}, ErrTooOld
	case !slices.Contains(p.cfg.Issuers, c.Issuer):
		return Identity{}, ErrIssuer
	case !issuedTo(c, clientIDs, p.cfg.Audience):
		return Identity{}, ErrAudience
	case c.Subject == "" || strings.TrimSpace(c.Email) == "":
		return Identity{}, ErrClaims
	case !verified(c.EmailVerified):
		return Identity{}, ErrEmailNotVerified
	}
	return Identity{
		Provider: providerName, Subject: c.Subject, Email: strings.TrimSpace(c.Email), Name: strings.TrimSpace(c.Name),
		Nonce: c.Nonce, Audience: c.Audience, AuthorizedParty: c.AuthorizedParty, ExpiresAt: c.ExpiresAt.Time,
	}, nil
}

// issuedTo reports whether the token was issued to one of clientIDs: its
// aud holds one of them and, when aud has several values, its azp (the
// party the token was issued to) is one of them too. Without client ids
// the deployment's audience must be in aud, as before apps could list
// their own.
func issuedTo(c idClaims, clientIDs []string, deployment string) bool {
	if len(clientIDs) == 0 {
		return slices.Contains(c.Audience, deployment)
	}
	listed := func(id string) bool { return slices.Contains(clientIDs, id) }
	if !slices.ContainsFunc(c.Audience, listed) {
		return false
	}
	return len(c.Audience) == 1 || listed(c.AuthorizedParty)
}

// parseFailure maps a parse or signature error to its refusal; an
// unavailable key set stays a 503.
func parseFailure(err error) error {
	for _, known := range []error{ErrAlgorithm, ErrUnknownKey} {
		if errors.Is(err, known) {
			return known
		}
	}
	if apperr.Is(err, apperr.Unavailable) {
		return err
	}
	switch {
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return ErrSignature
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return ErrAlgorithm // an alg golang-jwt does not know
	}
	return ErrMalformed
}

// verified reads email_verified: true, or the string "true".
func verified(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return b == "true"
	}
	return false
}

// accepts reports whether k may verify a token signed with alg: RSA keys
// RS* and PS*, EC keys the ES* of their curve; and the key's own alg when
// the JWKS names one. HS* and none never verify an IdP token.
func (k jwk) accepts(alg string) bool {
	if k.alg != "" && k.alg != alg {
		return false
	}
	switch pub := k.public.(type) {
	case *rsa.PublicKey:
		return slices.Contains([]string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}, alg)
	case *ecdsa.PublicKey:
		return alg == map[string]string{"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}[pub.Curve.Params().Name]
	}
	return false
}
