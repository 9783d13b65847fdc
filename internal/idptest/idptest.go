// Package idptest runs a test OpenID Connect issuer for tests: the dev IdP
// (internal/devidp) on an httptest server, with keys generated in the test
// and a count of JWKS fetches.
package idptest

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sentinel/internal/devidp"
	"sentinel/internal/token"
)

// Audience is the aud the test issuer's tokens carry by default: the dev
// IdP's, so that the tests' issuer and a stack's dev IdP take the same
// tokens.
const Audience = devidp.Audience

// Issuer is a running test issuer.
type Issuer struct {
	*devidp.Issuer
	Server  *httptest.Server
	fetches atomic.Int64
}

// NewKey generates a 2048-bit signing key (quick, and enough for tests).
func NewKey(t testing.TB) token.Key {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return token.NewKey(k)
}

// New starts an issuer with a fresh key; it stops with the test.
func New(t testing.TB) *Issuer {
	t.Helper()
	i := &Issuer{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == devidp.JWKSPath {
			i.fetches.Add(1)
		}
		i.Handler().ServeHTTP(w, r)
	}))
	i.Issuer = devidp.New("http://"+srv.Listener.Addr().String(), token.NewRing("", NewKey(t)))
	i.Server = srv
	srv.Start()
	t.Cleanup(srv.Close)
	return i
}

// Open is the dev IdP whose key ring is in dir (devidp.Load), served by
// someone else at url: Claims and Token sign as it does, and Server is nil.
func Open(t testing.TB, dir, url string) *Issuer {
	t.Helper()
	iss, err := devidp.Load(dir, url)
	if err != nil {
		t.Fatal(err)
	}
	return &Issuer{Issuer: iss}
}

// Fetches is how many times the JWKS was fetched.
func (i *Issuer) Fetches() int { return int(i.fetches.Load()) }

// Claims are valid ID token claims for email at now, for Audience; tests
// change what they test.
func (i *Issuer) Claims(email string, now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": i.URL(), "sub": devidp.Subject(email), "aud": Audience,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"email": email, "email_verified": true, "name": "Test User",
	}
}

// Sign signs claims with any method and key, naming kid in the header
// when it is not "" (for tokens the issuer would never sign).
func Sign(t testing.TB, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Token signs claims with the current key.
func (i *Issuer) Token(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := i.Sign(claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
