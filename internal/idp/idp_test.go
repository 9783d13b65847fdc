package idp_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sentinel/internal/apitest"
	"sentinel/internal/apperr"
	"sentinel/internal/config"
	"sentinel/internal/idp"
	"sentinel/internal/idptest"
)

func setup(t *testing.T) (*idptest.Issuer, *idp.Verifier, *apitest.Clock) {
	t.Helper()
	iss := idptest.New(t)
	c := apitest.NewClock(time.Now().Truncate(time.Second))
	v := idp.New(map[string]config.OIDCProvider{"test": iss.Provider(idptest.Audience)}, nil, c.Now)
	return iss, v, c
}

func TestVerifyValidToken(t *testing.T) {
	iss, v, c := setup(t)
	claims := iss.Claims("Ada@Example.com", c.Now())
	claims["nonce"] = "n-0S6_WzA2Mj"
	id, err := v.Verify(t.Context(), "test", iss.Token(t, claims), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := idp.Identity{Provider: "test", Subject: claims["sub"].(string), Email: "Ada@Example.com", Name: "Test User",
		Nonce: "n-0S6_WzA2Mj", Audience: []string{idptest.Audience}, ExpiresAt: c.Now().Add(time.Hour)}
	if !reflect.DeepEqual(id, want) {
		t.Errorf("identity = %+v, want %+v", id, want)
	}
	if got := v.Providers(); len(got) != 1 || got[0] != "test" {
		t.Errorf("providers = %v", got)
	}
}

// Every refusal is a 400 with its own reason.
func TestVerifyRefusals(t *testing.T) {
	iss, v, c := setup(t)
	other := idptest.NewKey(t)
	now := c.Now()
	signWith := func(m jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
		return idptest.Sign(t, m, key, kid, claims)
	}
	valid := func(change func(jwt.MapClaims)) string {
		claims := iss.Claims("ada@example.com", now)
		change(claims)
		return iss.Token(t, claims)
	}
	parsed, _, err := jwt.NewParser().ParseUnverified(iss.Token(t, iss.Claims("x@example.com", now)), jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	currentKid := parsed.Header["kid"].(string)
	tampered := func() string {
		parts := strings.Split(valid(func(jwt.MapClaims) {}), ".")
		claims := iss.Claims("eve@example.com", now)
		other := iss.Token(t, claims)
		parts[1] = strings.Split(other, ".")[1]
		return strings.Join(parts, ".")
	}()

	tests := []struct {
		name  string
		token string
		want  *apperr.Error
	}{
		{"expired now", valid(func(c jwt.MapClaims) { c["exp"] = now.Unix() }), idp.ErrExpired},
		{"expired long ago", valid(func(c jwt.MapClaims) { c["iat"], c["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix() }), idp.ErrExpired},
		{"not yet valid", valid(func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Minute).Unix() }), idp.ErrNotYetValid},
		{"wrong issuer", valid(func(c jwt.MapClaims) { c["iss"] = "https://evil.example.com" }), idp.ErrIssuer},
		{"wrong audience", valid(func(c jwt.MapClaims) { c["aud"] = "another-client" }), idp.ErrAudience},
		{"wrong audiences", valid(func(c jwt.MapClaims) { c["aud"] = []string{"a", "b"} }), idp.ErrAudience},
		{"email not verified", valid(func(c jwt.MapClaims) { c["email_verified"] = false }), idp.ErrEmailNotVerified},
		{"email_verified missing", valid(func(c jwt.MapClaims) { delete(c, "email_verified") }), idp.ErrEmailNotVerified},
		{"email_verified \"false\"", valid(func(c jwt.MapClaims) { c["email_verified"] = "false" }), idp.ErrEmailNotVerified},
		{"email_verified 1", valid(func(c jwt.MapClaims) { c["email_verified"] = 1 }), idp.ErrEmailNotVerified},
		{"no exp", valid(func(c jwt.MapClaims) { delete(c, "exp") }), idp.ErrClaims},
		{"no iat", valid(func(c jwt.MapClaims) { delete(c, "iat") }), idp.ErrClaims},
		{"issued in the future", valid(func(c jwt.MapClaims) { c["iat"] = now.Add(idp.ClockSkew + time.Second).Unix() }), idp.ErrIssuedInFuture},
		{"older than max_age", valid(func(c jwt.MapClaims) {
			c["iat"], c["exp"] = now.Add(-time.Hour-time.Second).Unix(), now.Add(time.Hour).Unix()
		}), idp.ErrTooOld},
		{"no sub", valid(func(c jwt.MapClaims) { delete(c, "sub") }), idp.ErrClaims},
		{"no email", valid(func(c jwt.MapClaims) { c["email"] = " " }), idp.ErrClaims},
		{"bad signature (another key, same kid)", signWith(jwt.SigningMethodRS256, other.Private, currentKid, iss.Claims("ada@example.com", now)), idp.ErrSignature},
		{"tampered claims", tampered, idp.ErrSignature},
		{"unknown kid", signWith(jwt.SigningMethodRS256, other.Private, other.ID, iss.Claims("ada@example.com", now)), idp.ErrUnknownKey},
		{"alg none", signWith(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, currentKid, iss.Claims("ada@example.com", now)), idp.ErrAlgorithm},
		{"HS256 with the public key's bytes", signWith(jwt.SigningMethodHS256, []byte("secret"), currentKid, iss.Claims("ada@example.com", now)), idp.ErrAlgorithm},
		{"malformed", "not.a.jwt", idp.ErrMalformed},
		{"empty", "", idp.ErrMalformed},
		{"too long", strings.Repeat("a", idp.MaxTokenBytes+1), idp.ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(t.Context(), "test", tt.token, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if e, _ := apperr.As(err); e.Code != apperr.BadRequest {
				t.Errorf("code = %s, want bad_request (400)", e.Code)
			}
		})
	}
	// Strings "true", audience lists holding ours, an iat within the clock
	// skew and a token exactly max_age old are accepted.
	for name, change := range map[string]func(jwt.MapClaims){
		"email_verified \"true\"": func(c jwt.MapClaims) { c["email_verified"] = "true" },
		"audience list":           func(c jwt.MapClaims) { c["aud"] = []string{"other", idptest.Audience} },
		"iat within the skew":     func(c jwt.MapClaims) { c["iat"] = now.Add(idp.ClockSkew).Unix() },
		"iat max_age ago":         func(c jwt.MapClaims) { c["iat"] = now.Add(-time.Hour).Unix() },
	} {
		if _, err := v.Verify(t.Context(), "test", valid(change), nil); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A provider's max_age setting replaces the 1 hour default.
func TestMaxAgeSetting(t *testing.T) {
	iss := idptest.New(t)
	c := apitest.NewClock(time.Now().Truncate(time.Second))
	p := iss.Provider(idptest.Audience)
	p.MaxAge = 5 * time.Minute
	v := idp.New(map[string]config.OIDCProvider{"test": p}, nil, c.Now)
	tok := iss.Token(t, iss.Claims("ada@example.com", c.Now()))
	c.Advance(5 * time.Minute)
	if _, err := v.Verify(t.Context(), "test", tok, nil); err != nil {
		t.Fatalf("at max_age: %v", err)
	}
	c.Advance(time.Second)
	if _, err := v.Verify(t.Context(), "test", tok, nil); !errors.Is(err, idp.ErrTooOld) {
		t.Errorf("past max_age: %v, want ErrTooOld", err)
	}
}

// With client ids (the calling app's), the token must be issued to one of
// them, not to the deployment's audience: its aud holds one, and when aud
// has several values its azp is one too.
func TestClientIDs(t *testing.T) {
	iss, v, c := setup(t)
	mine := []string{"web-client", "mobile-client"}
	tests := []struct {
		name string
		aud  any
		azp  string
		ok   bool
	}{
		{"one of them", "web-client", "", true},
		{"the other", "mobile-client", "", true},
		{"one of them, azp another party (Google hybrid apps)", "web-client", "android-client", true},
		{"the deployment's audience", idptest.Audience, "", false},
		{"another app's client", "other-client", "", false},
		{"several, azp one of them", []string{"web-client", "api"}, "web-client", true},
		{"several, azp another", []string{"web-client", "api"}, "api", false},
		{"several, no azp", []string{"web-client", "api"}, "", false},
		{"several, none of them", []string{"api", idptest.Audience}, "api", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims := iss.Claims("ada@example.com", c.Now())
			claims["aud"] = tt.aud
			if tt.azp != "" {
				claims["azp"] = tt.azp
			}
			id, err := v.Verify(t.Context(), "test", iss.Token(t, claims), mine)
			if tt.ok && err != nil {
				t.Errorf("err = %v, want accepted", err)
			}
			if !tt.ok && !errors.Is(err, idp.ErrAudience) {
				t.Errorf("err = %v, want ErrAudience", err)
			}
			if tt.ok && id.AuthorizedParty != tt.azp {
				t.Errorf("azp = %q, want %q", id.AuthorizedParty, tt.azp)
			}
		})
	}
}

func TestUnknownProvider(t *testing.T) {
	iss, v, c := setup(t)
	tok := iss.Token(t, iss.Claims("ada@example.com", c.Now()))
	for name, want := range map[string]string{
		"google":       "Unknown identity provider 'google'",
		"<script>":     "Unknown identity provider",
		"":             "Unknown identity provider",
		"Test":         "Unknown identity provider",
		"entra_id-old": "Unknown identity provider 'entra_id-old'",
	} {
		_, err := v.Verify(t.Context(), name, tok, nil)
		if e, ok := apperr.As(err); !ok || e.Code != apperr.BadRequest || e.Message != want {
			t.Errorf("provider %q: err = %v, want 400 %q", name, err, want)
		}
	}
	if iss.Fetches() != 0 {
		t.Errorf("an unknown provider fetched keys %d times", iss.Fetches())
	}
}

// The provider rotates: a new kid is picked up by one refresh; unknown
// kids refresh at most once per RefreshInterval, however many arrive.
func TestKeyRotation(t *testing.T) {
	iss, v, c := setup(t)
	verify := func(tok string) error {
		_, err := v.Verify(t.Context(), "test", tok, nil)
		return err
	}
	// A token of the first key, valid for longer than MaxKeyAge.
	firstClaims := iss.Claims("ada@example.com", c.Now())
	firstClaims["exp"] = c.Now().Add(3 * time.Hour).Unix()
	first := iss.Token(t, firstClaims)
	if err := verify(first); err != nil || iss.Fetches() != 1 {
		t.Fatalf("first token: %v, %d fetches; want ok after 1", err, iss.Fetches())
	}
	c.Advance(time.Minute)
	iss.Rotate(idptest.NewKey(t))
	if err := verify(iss.Token(t, iss.Claims("ada@example.com", c.Now()))); err != nil || iss.Fetches() != 2 {
		t.Fatalf("token with the new kid: %v, %d fetches; want ok after a refresh (2)", err, iss.Fetches())
	}

	// Made-up kids right after that refresh: refused, no fetch. Many at once: still none.
	stranger := idptest.NewKey(t)
	forged := func() string {
		return idptest.Sign(t, jwt.SigningMethodRS256, stranger.Private, stranger.ID, iss.Claims("ada@example.com", c.Now()))
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := verify(forged()); !errors.Is(err, idp.ErrUnknownKey) {
				t.Errorf("forged kid: %v", err)
			}
		})
	}
	wg.Wait()
	if iss.Fetches() != 2 {
		t.Errorf("%d fetches after unknown kids within %v of the last, want 2", iss.Fetches(), idp.RefreshInterval)
	}
	// Once the interval has passed, the next unknown kid refreshes once.
	c.Advance(idp.RefreshInterval)
	for range 3 {
		if err := verify(forged()); !errors.Is(err, idp.ErrUnknownKey) {
			t.Errorf("forged kid: %v", err)
		}
	}
	if iss.Fetches() != 3 {
		t.Errorf("%d fetches, want 3", iss.Fetches())
	}

	// The provider withdraws the first key: it keeps verifying from the
	// cache until the keys are MaxKeyAge old, then the refetch drops it.
	iss.Retire()
	if err := verify(first); err != nil {
		t.Errorf("withdrawn key, cache fresh: %v", err)
	}
	c.Advance(idp.MaxKeyAge)
	if err := verify(first); !errors.Is(err, idp.ErrUnknownKey) || iss.Fetches() != 4 {
		t.Errorf("withdrawn key after MaxKeyAge: %v, %d fetches; want ErrUnknownKey after a refetch (4)", err, iss.Fetches())
	}
}

// A JWKS that cannot be fetched is a 503, not a refusal of the token; keys
// already fetched keep working through an outage.
func TestProviderOutage(t *testing.T) {
	iss, v, c := setup(t)
	claims := iss.Claims("ada@example.com", c.Now())
	claims["exp"] = c.Now().Add(3 * time.Hour).Unix()
	tok := iss.Token(t, claims)

	down := idptest.New(t)
	down.Server.Close()
	vDown := idp.New(map[string]config.OIDCProvider{"test": down.Provider(idptest.Audience)}, nil, c.Now)
	_, err := vDown.Verify(t.Context(), "test", down.Token(t, down.Claims("ada@example.com", c.Now())), nil)
	if !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("unreachable JWKS: err = %v, want unavailable (503)", err)
	}

	if _, err := v.Verify(t.Context(), "test", tok, nil); err != nil {
		t.Fatal(err)
	}
	iss.Server.Close()
	c.Advance(idp.MaxKeyAge) // due for a refresh, which fails
	if _, err := v.Verify(t.Context(), "test", tok, nil); err != nil {
		t.Errorf("known kid during an outage: %v, want the cached key used", err)
	}
	// An unknown kid while the provider is down may be a rotation we
	// cannot see: 503, not "unknown key".
	c.Advance(idp.RefreshInterval)
	stranger := idptest.NewKey(t)
	forged := idptest.Sign(t, jwt.SigningMethodRS256, stranger.Private, stranger.ID, iss.Claims("ada@example.com", c.Now()))
	if _, err := v.Verify(t.Context(), "test", forged, nil); !apperr.Is(err, apperr.Unavailable) {
		t.Errorf("unknown kid during an outage: %v, want unavailable", err)
	}
}

// EC keys (ES256) and a lone key without kid are accepted; an RSA alg on
// an EC key is not.
func TestECKeyWithoutKid(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pad := func(b []byte) string {
		return base64.RawURLEncoding.EncodeToString(append(make([]byte, 32-len(b)), b...))
	}
	jwks := `{"keys":[{"kty":"EC","crv":"P-256","use":"sig","x":"` + pad(key.X.Bytes()) + `","y":"` + pad(key.Y.Bytes()) + `"},` +
		`{"kty":"oct","kid":"ignored","k":"c2VjcmV0"}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(jwks)) }))
	defer srv.Close()
	c := apitest.NewClock(time.Now())
	v := idp.New(map[string]config.OIDCProvider{"ec": {Name: "ec", Issuers: []string{"https://ec.example.com"}, JWKSURI: srv.URL, Audience: "aud"}}, nil, c.Now)
	claims := jwt.MapClaims{"iss": "https://ec.example.com", "aud": "aud", "sub": "s1", "iat": c.Now().Unix(), "exp": c.Now().Add(time.Hour).Unix(), "email": "e@example.com", "email_verified": true}
	tok := idptest.Sign(t, jwt.SigningMethodES256, key, "", claims)
	if id, err := v.Verify(t.Context(), "ec", tok, nil); err != nil || id.Subject != "s1" || id.Name != "" {
		t.Errorf("ES256 without kid: %+v %v", id, err)
	}
	rs256 := idptest.Sign(t, jwt.SigningMethodRS256, idptest.NewKey(t).Private, "", claims)
	if _, err := v.Verify(t.Context(), "ec", rs256, nil); !errors.Is(err, idp.ErrAlgorithm) {
		t.Errorf("RS256 token for an EC key: %v, want ErrAlgorithm", err)
	}
}

// A JWKS fetch that fails in passing (a 5xx, a dropped connection) is
// retried within the request; a 4xx is not.
func TestJWKSFetchRetried(t *testing.T) {
	iss, _, c := setup(t)
	for _, tc := range []struct {
		name     string
		fail     func(w http.ResponseWriter)
		failures int
		ok       bool
	}{
		{"server error", func(w http.ResponseWriter) { w.WriteHeader(502) }, 2, true},
		{"dropped connection", func(w http.ResponseWriter) {
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
		}, 1, true},
		{"not found", func(w http.ResponseWriter) { w.WriteHeader(404) }, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if int(calls.Add(1)) <= tc.failures {
					tc.fail(w)
					return
				}
				res, err := http.Get(iss.Provider(idptest.Audience).JWKSURI)
				if err != nil {
					t.Error(err)
					return
				}
				defer res.Body.Close()
				_, _ = io.Copy(w, res.Body)
			}))
			defer flaky.Close()
			p := iss.Provider(idptest.Audience)
			p.JWKSURI = flaky.URL
			v := idp.New(map[string]config.OIDCProvider{"test": p}, nil, c.Now)
			_, err := v.Verify(t.Context(), "test", iss.Token(t, iss.Claims("ada@example.com", c.Now())), nil)
			if tc.ok && err != nil {
				t.Fatalf("after %d failed fetches: %v, want the retry to succeed", tc.failures, err)
			}
			if !tc.ok && (!apperr.Is(err, apperr.Unavailable) || calls.Load() != 1) {
				t.Fatalf("%v after %d fetches, want a 503 after one", err, calls.Load())
			}
		})
	}
}
