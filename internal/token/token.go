// Package token signs and verifies Sentinel's RS256 JWTs with a key ring
// and publishes the ring's public keys as a JWKS. A ring follows the
// rotation protocol of rotate.go: a new key is published before it signs,
// and an old one stays published until every token it signed has expired.
package token

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// KeyBits is the size of every signing key.
const KeyBits = 3072

// MaxTokenBytes is the longest token the verifier accepts.
const MaxTokenBytes = 8192

// Audiences and their token types.
const (
	AudAccess = "sentinel:access"
	AudAuthz  = "sentinel:authz"
	AudAdmin  = "sentinel:admin"
)

// Key is one RSA signing key: its id, its private part (nil where only the
// public key is held), its public part, and from when it signs.
type Key struct {
	ID      string
	Private *rsa.PrivateKey
	Public  *rsa.PublicKey
	// SignsFrom is when the key becomes the one new tokens are signed with;
	// zero means "from the start" (a first key, or a bundle written before
	// the rotation protocol, where file order decides).
	SignsFrom time.Time
}

// NewKey wraps a private key, deriving its kid from the public key.
func NewKey(k *rsa.PrivateKey) Key {
	pub := PublicKey(&k.PublicKey)
	pub.Private = k
	return pub
}

// PublicKey wraps a public key alone: it verifies and is published, never signs.
func PublicKey(k *rsa.PublicKey) Key {
	der, _ := x509.MarshalPKIXPublicKey(k)
	sum := sha256.Sum256(der)
	return Key{ID: base64.RawURLEncoding.EncodeToString(sum[:12]), Public: k}
}

// GenerateKey makes a new 3072-bit key.
func GenerateKey() (Key, error) {
	k, err := rsa.GenerateKey(rand.Reader, KeyBits)
	if err != nil {
		return Key{}, err
	}
	return NewKey(k), nil
}

// Ring is a set of keys, oldest first. At any moment the newest key whose
// SignsFrom has come signs (the current key); newer ones are published but
// sign nothing yet (next); older ones stay published, and keep verifying,
// until their successor has signed for Retention (previous). See rotate.go.
type Ring struct {
	Keys   []Key
	Issuer string

	live *reloader // set by Reloading; nil for a fixed ring
}

// NewRing returns a ring of keys, given oldest first (stably sorted by SignsFrom).
func NewRing(issuer string, keys ...Key) *Ring {
	keys = slices.Clone(keys)
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].SignsFrom.Before(keys[j].SignsFrom) })
	return &Ring{Keys: keys, Issuer: issuer}
}

// signsFromHeader is the PEM header holding a key's SignsFrom (RFC 3339).
const signsFromHeader = "Signs-From"

// ParsePEM reads a ring from PEM: PRIVATE KEY (PKCS #8) or PUBLIC KEY
// (PKIX) blocks, newest first, each with its Signs-From header. A bundle
// written before the rotation protocol has no headers: its first key is
// the current one and a second one the previous.
func ParsePEM(data []byte, issuer string) (*Ring, error) {
	var keys []Key
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		k, err := parseBlock(block)
		if err != nil {
			return nil, err
		}
		if k.Public.N.BitLen() < KeyBits {
			return nil, fmt.Errorf("signing key has %d bits, want %d", k.Public.N.BitLen(), KeyBits)
		}
		if v, ok := block.Headers[signsFromHeader]; ok {
			if k.SignsFrom, err = time.Parse(time.RFC3339, v); err != nil {
				return nil, fmt.Errorf("signing key %s: bad %s header %q", k.ID, signsFromHeader, v)
			}
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, ErrNoKeys
	}
	slices.Reverse(keys) // oldest first; NewRing's stable sort keeps file order among equal times
	return NewRing(issuer, keys...), nil
}

func parseBlock(block *pem.Block) (Key, error) {
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return Key{}, fmt.Errorf("parse signing key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return Key{}, errors.New("signing key is not RSA")
		}
		return NewKey(rk), nil
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return Key{}, fmt.Errorf("parse public key: %w", err)
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return Key{}, errors.New("public key is not RSA")
		}
		return PublicKey(rk), nil
	}
	return Key{}, fmt.Errorf("unexpected PEM block %q in the key bundle", block.Type)
}

// PEM encodes the ring for storage, newest key first, private keys where
// the ring holds them.
func (r *Ring) PEM() []byte { return r.encode(false) }

// PublicPEM encodes the ring's public keys only, newest first: what a
// function that only verifies may read.
func (r *Ring) PublicPEM() []byte { return r.encode(true) }

func (r *Ring) encode(public bool) []byte {
	var out []byte
	for _, k := range slices.Backward(r.Keys) {
		b := &pem.Block{Type: "PUBLIC KEY"}
		if !k.SignsFrom.IsZero() {
			b.Headers = map[string]string{signsFromHeader: k.SignsFrom.UTC().Format(time.RFC3339)}
		}
		if k.Private != nil && !public {
			b.Type = "PRIVATE KEY"
			b.Bytes, _ = x509.MarshalPKCS8PrivateKey(k.Private)
		} else {
			b.Bytes, _ = x509.MarshalPKIXPublicKey(k.Public)
		}
		out = append(out, pem.EncodeToMemory(b)...)
	}
	return out
}

// Public returns the ring with the private keys left out.
func (r *Ring) Public() *Ring {
	keys := make([]Key, len(r.Keys))
	for i, k := range r.Keys {
		keys[i] = k
		keys[i].Private = nil
	}
	return &Ring{Keys: keys, Issuer: r.Issuer}
}

// publishes reports whether the key kid is published (and accepted) at
// now, without building the list.
func (r *Ring) publishes(kid string, now time.Time) bool {
	for i, k := range r.Keys {
		if k.ID == kid {
			return r.stage(i, now) != StageRetired
		}
	}
	return false
}

// key returns the public key with the given kid among the published ones.
func (r *Ring) key(kid string, now time.Time) (*rsa.PublicKey, bool) {
	for _, k := range r.published(now) {
		if k.ID == kid {
			return k.Public, true
		}
	}
	return nil, false
}

// Claims are the claims of Sentinel's user tokens (access and authz) and
// admin tokens. Fields that a kind of token does not carry stay empty.
type Claims struct {
	jwt.RegisteredClaims
	Type   string   `json:"type"`
	WID    string   `json:"wid,omitempty"`
	WSlug  string   `json:"wslug,omitempty"`
	WRole  string   `json:"wrole,omitempty"`
	Groups []string `json:"groups,omitempty"`
	IdPSub string   `json:"idp_sub,omitempty"`
	Svc    string   `json:"svc,omitempty"`
	// App is the id of the service app an authz token was issued for: a
	// new app with the same service name is another app.
	App     string   `json:"app,omitempty"`
	Actions []string `json:"actions,omitempty"`
	Email   string   `json:"email,omitempty"`
	// GroupsTruncated and ActionsTruncated say that the token carries only
	// the first of the user's groups or actions (see MaxGroups,
	// MaxActionBytes): the API reads the rest itself, a backend asks it.
	GroupsTruncated  bool `json:"groups_truncated,omitempty"`
	ActionsTruncated bool `json:"actions_truncated,omitempty"`
	// SessionVersion is an admin token's: the admin's session version
	// when it signed in (a password reset or deactivation changes it).
	SessionVersion int64 `json:"sv,omitempty"`
	// Step is set on an admin token of a sign-in not finished yet: the
	// step it still has to take (a TOTP code, a password change, a TOTP
	// enrolment); such a token opens only that step's routes.
	Step string `json:"step,omitempty"`
}

// What a user token carries is bounded, so that a user in many groups or
// with many actions still gets a token every verifier accepts: at most
// MaxGroups group ids and MaxActionBytes of action names (in JSON), which
// with the other claims and a 3072-bit signature keeps a token under
// 6 KiB, below MaxTokenBytes and API Gateway's header limits.
const (
	MaxGroups      = 40
	MaxActionBytes = 2048
)

// bounded returns the first items of list whose JSON encoding (each a
// quoted string and a comma) fits within maxBytes, at most maxItems of
// them, and whether any was left out; never nil.
func bounded(list []string, maxItems, maxBytes int) ([]string, bool) {
	n, size := 0, 0
	for n < len(list) && n < maxItems {
		if size += len(list[n]) + 3; size > maxBytes {
			break
		}
		n++
	}
	return append([]string{}, list[:n]...), n < len(list)
}

// MaxTTL is the longest lifetime of any token a ring signs: a key stays
// published for this long (and a margin) after it stopped signing.
const MaxTTL = time.Hour

// Sign fills iss, jti, iat and exp (now + ttl, at most MaxTTL) and signs
// with the current key.
func (r *Ring) Sign(c Claims, now time.Time, ttl time.Duration) (string, error) {
	if ttl <= 0 || ttl > MaxTTL {
		return "", fmt.Errorf("token lifetime %v is not within (0, %v]", ttl, MaxTTL)
	}
	r = r.active(now, false)
	k, ok := r.Current(now)
	if !ok || k.Private == nil {
		return "", ErrCannotSign
	}
	c.Issuer = r.Issuer
	c.ID = uuid.NewString()
	c.IssuedAt = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(now.Add(ttl))
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	t.Header["kid"] = k.ID
	return t.SignedString(k.Private)
}

// ErrNoKeys is returned for a key bundle holding no key (a new stack's
// secret before the first `sentinel signing-key rotate`).
var ErrNoKeys = errors.New("signing key bundle holds no key")

// ErrCannotSign is returned by Sign on a ring without a current private key
// (a function that only verifies).
var ErrCannotSign = errors.New("this key ring holds no current private key")

// Verification failures, each a short reason for a 401.
var (
	ErrTooLong   = errors.New("token too long")
	ErrMalformed = errors.New("malformed token")
	ErrAlg       = errors.New("unsupported signing algorithm")
	ErrKid       = errors.New("unknown signing key")
	ErrSignature = errors.New("invalid signature")
	ErrExpired   = errors.New("token expired")
	ErrIssuer    = errors.New("wrong issuer")
	ErrAudience  = errors.New("wrong audience")
	ErrClaims    = errors.New("missing required claims")
)

// typeOf maps each audience to the type claim it requires.
var typeOf = map[string]string{AudAccess: "access", AudAuthz: "authz", AudAdmin: "admin"}

// Verify checks a token against the ring: RS256 only, a known kid, the
// issuer, an expiry, and one of the accepted audiences with its matching
// type claim. User tokens (access/authz) must also carry sub, wid and wrole.
func (r *Ring) Verify(raw string, now time.Time, audiences ...string) (*Claims, error) {
	if len(raw) > MaxTokenBytes {
		return nil, ErrTooLong
	}
	c, _, err := r.verify(raw, now)
	if err != nil {
		return nil, err
	}
	if err := checkAudience(c, audiences); err != nil {
		return nil, err
	}
	return c, nil
}

// verify checks what does not depend on the audiences asked for: the
// signature by a key published at now, the issuer, the expiry. It returns
// the claims and the id of the key that signed them.
func (r *Ring) verify(raw string, now time.Time) (*Claims, string, error) {
	keys := r.active(now, false)
	var c Claims
	var signer string
	_, err := jwt.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		if t.Method.Alg() != jwt.SigningMethodRS256.Alg() {
			return nil, ErrAlg
		}
		kid, _ := t.Header["kid"].(string)
		signer = kid
		if k, ok := keys.key(kid, now); ok {
			return k, nil
		}
		// Perhaps a key rotated in since this instance last read the ring.
		if k, ok := r.active(now, true).key(kid, now); ok {
			return k, nil
		}
		return nil, ErrKid
	},
		jwt.WithExpirationRequired(),
		jwt.WithIssuer(r.Issuer),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil {
		for _, known := range []error{ErrAlg, ErrKid} {
			if errors.Is(err, known) {
				return nil, "", known
			}
		}
		switch {
		case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
			return nil, "", ErrClaims
		case errors.Is(err, jwt.ErrTokenExpired):
			return nil, "", ErrExpired
		case errors.Is(err, jwt.ErrTokenInvalidIssuer):
			return nil, "", ErrIssuer
		case errors.Is(err, jwt.ErrTokenSignatureInvalid):
			return nil, "", ErrSignature
		case errors.Is(err, jwt.ErrTokenUnverifiable):
			return nil, "", ErrAlg // "alg" names no method the library knows, e.g. none
		}
		return nil, "", ErrMalformed
	}
	return &c, signer, nil
}

// checkAudience requires one of the accepted audiences (and only it) with
// its matching type claim; user tokens (access/authz) must also carry sub,
// wid and wrole, admin tokens sub.
func checkAudience(c *Claims, audiences []string) error {
	aud := ""
	for _, a := range audiences {
		if slices.Contains(c.Audience, a) {
			aud = a
			break
		}
	}
	if aud == "" || len(c.Audience) != 1 || c.Type != typeOf[aud] {
		return ErrAudience
	}
	if c.Subject == "" || (aud != AudAdmin && (c.WID == "" || c.WRole == "")) {
		return ErrClaims
	}
	return nil
}

// JWK is one public key in a JWKS.
type JWK struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// JWKS is the public key set document.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWKS publishes the keys published at now: the current key first, then
// the next one (published before it signs), then the previous ones (until
// their last tokens have expired).
func (r *Ring) JWKS(now time.Time) JWKS {
	r = r.active(now, false)
	set := JWKS{Keys: []JWK{}}
	for _, k := range r.published(now) {
		pub := k.Public
		set.Keys = append(set.Keys, JWK{
			Kty: "RSA", Kid: k.ID, Use: "sig", Alg: "RS256",
			N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		})
	}
	return set
}

// Access returns the claims of a user access token (aud sentinel:access,
// type access) for a membership.
func Access(userID, workspaceID, workspaceSlug, role string, groups []string) Claims {
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: userID, Audience: jwt.ClaimStrings{AudAccess}},
		Type:             "access", WID: workspaceID, WSlug: workspaceSlug, WRole: role,
	}
	c.Groups, c.GroupsTruncated = bounded(groups, MaxGroups, MaxTokenBytes)
	return c
}

// Authz returns the claims of an authz token (aud sentinel:authz, type
// authz): a user's membership in a workspace as seen by one calling
// service app (its id and service name), with the user's IdP subject and
// RBAC actions for that service.
func Authz(userID, idpSub, appID, service, workspaceID, workspaceSlug, role string, groups, actions []string) Claims {
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: userID, Audience: jwt.ClaimStrings{AudAuthz}},
		Type:             "authz", IdPSub: idpSub, App: appID, Svc: service,
		WID: workspaceID, WSlug: workspaceSlug, WRole: role,
	}
	c.Groups, c.GroupsTruncated = bounded(groups, MaxGroups, MaxTokenBytes)
	c.Actions, c.ActionsTruncated = bounded(actions, len(actions), MaxActionBytes)
	return c
}
