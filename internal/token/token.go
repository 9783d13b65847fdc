// Package token signs and verifies Sentinel's RS256 JWTs with a key ring
// (current + previous signing key) and publishes the ring as a JWKS.
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

// Key is one RSA signing key and its id.
type Key struct {
	ID      string
	Private *rsa.PrivateKey
}

// NewKey wraps a private key, deriving its kid from the public key.
func NewKey(k *rsa.PrivateKey) Key {
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	sum := sha256.Sum256(der)
	return Key{ID: base64.RawURLEncoding.EncodeToString(sum[:12]), Private: k}
}

// GenerateKey makes a new 3072-bit key.
func GenerateKey() (Key, error) {
	k, err := rsa.GenerateKey(rand.Reader, KeyBits)
	if err != nil {
		return Key{}, err
	}
	return NewKey(k), nil
}

// Ring is the current signing key and, after a rotation, the previous one;
// tokens signed by either verify, new tokens use the current one.
type Ring struct {
	Current  Key
	Previous *Key
	Issuer   string

	live *reloader // set by Reloading; nil for a fixed ring
}

// ParsePEM reads a ring from PEM: the current key first, optionally the
// previous one after it.
func ParsePEM(data []byte, issuer string) (*Ring, error) {
	var keys []Key
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse signing key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("signing key is not RSA")
		}
		if rk.N.BitLen() < KeyBits {
			return nil, fmt.Errorf("signing key has %d bits, want %d", rk.N.BitLen(), KeyBits)
		}
		keys = append(keys, NewKey(rk))
	}
	if len(keys) == 0 {
		return nil, ErrNoKeys
	}
	if len(keys) > 2 {
		return nil, fmt.Errorf("signing key bundle holds %d keys, want 1 or 2", len(keys))
	}
	r := &Ring{Current: keys[0], Issuer: issuer}
	if len(keys) == 2 {
		r.Previous = &keys[1]
	}
	return r, nil
}

// PEM encodes the ring (current first) for storage.
func (r *Ring) PEM() []byte {
	var out []byte
	for _, k := range r.keys() {
		der, _ := x509.MarshalPKCS8PrivateKey(k.Private)
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
	}
	return out
}

// Rotated returns a ring whose current key is next and previous key is r's current.
func (r *Ring) Rotated(next Key) *Ring {
	prev := r.Current
	return &Ring{Current: next, Previous: &prev, Issuer: r.Issuer}
}

// key returns the public key with the given kid.
func (r *Ring) key(kid string) (*rsa.PublicKey, bool) {
	for _, k := range r.keys() {
		if k.ID == kid {
			return &k.Private.PublicKey, true
		}
	}
	return nil, false
}

func (r *Ring) keys() []Key {
	if r.Previous == nil {
		return []Key{r.Current}
	}
	return []Key{r.Current, *r.Previous}
}

// Claims are the claims of Sentinel's user tokens (access and authz) and
// admin tokens. Fields that a kind of token does not carry stay empty.
type Claims struct {
	jwt.RegisteredClaims
	Type    string   `json:"type"`
	WID     string   `json:"wid,omitempty"`
	WSlug   string   `json:"wslug,omitempty"`
	WRole   string   `json:"wrole,omitempty"`
	Groups  []string `json:"groups,omitempty"`
	IdPSub  string   `json:"idp_sub,omitempty"`
	Svc     string   `json:"svc,omitempty"`
	Actions []string `json:"actions,omitempty"`
	Email   string   `json:"email,omitempty"`
}

// Sign fills iss, jti, iat and exp (now + ttl) and signs with the current key.
func (r *Ring) Sign(c Claims, now time.Time, ttl time.Duration) (string, error) {
	r = r.active(now, false)
	c.Issuer = r.Issuer
	c.ID = uuid.NewString()
	c.IssuedAt = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(now.Add(ttl))
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	t.Header["kid"] = r.Current.ID
	return t.SignedString(r.Current.Private)
}

// ErrNoKeys is returned for a key bundle holding no key (a new stack's
// secret before the first `sentinel signing-key rotate`).
var ErrNoKeys = errors.New("signing key bundle holds no key")

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
	keys := r.active(now, false)
	var c Claims
	_, err := jwt.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		if t.Method.Alg() != jwt.SigningMethodRS256.Alg() {
			return nil, ErrAlg
		}
		kid, _ := t.Header["kid"].(string)
		if k, ok := keys.key(kid); ok {
			return k, nil
		}
		// Perhaps signed by an instance that already has a rotated key.
		if k, ok := r.active(now, true).key(kid); ok {
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
				return nil, known
			}
		}
		switch {
		case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
			return nil, ErrClaims
		case errors.Is(err, jwt.ErrTokenExpired):
			return nil, ErrExpired
		case errors.Is(err, jwt.ErrTokenInvalidIssuer):
			return nil, ErrIssuer
		case errors.Is(err, jwt.ErrTokenSignatureInvalid):
			return nil, ErrSignature
		case errors.Is(err, jwt.ErrTokenUnverifiable):
			return nil, ErrAlg // "alg" names no method the library knows, e.g. none
		}
		return nil, ErrMalformed
	}
	aud := ""
	for _, a := range audiences {
		if slices.Contains(c.Audience, a) {
			aud = a
			break
		}
	}
	if aud == "" || len(c.Audience) != 1 || c.Type != typeOf[aud] {
		return nil, ErrAudience
	}
	if c.Subject == "" || (aud != AudAdmin && (c.WID == "" || c.WRole == "")) {
		return nil, ErrClaims
	}
	return &c, nil
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

// JWKS publishes the current and previous public keys at now.
func (r *Ring) JWKS(now time.Time) JWKS {
	r = r.active(now, false)
	var set JWKS
	for _, k := range r.keys() {
		pub := k.Private.PublicKey
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
	if groups == nil {
		groups = []string{}
	}
	return Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: userID, Audience: jwt.ClaimStrings{AudAccess}},
		Type:             "access", WID: workspaceID, WSlug: workspaceSlug, WRole: role, Groups: groups,
	}
}

// Authz returns the claims of an authz token (aud sentinel:authz, type
// authz): a user's membership in a workspace as seen by one calling
// service, with the user's IdP subject and RBAC actions for that service.
func Authz(userID, idpSub, service, workspaceID, workspaceSlug, role string, groups, actions []string) Claims {
	if groups == nil {
		groups = []string{}
	}
	if actions == nil {
		actions = []string{}
	}
	return Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: userID, Audience: jwt.ClaimStrings{AudAuthz}},
		Type:             "authz", IdPSub: idpSub, Svc: service,
		WID: workspaceID, WSlug: workspaceSlug, WRole: role, Groups: groups, Actions: actions,
	}
}
