package sentinel

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// issuer is a hand-made Sentinel deployment: a JWKS endpoint that counts
// its fetches, and keys to sign tokens with.
type issuer struct {
	url     string
	keys    map[string]*rsa.PrivateKey
	fetches atomic.Int32
}

func newIssuer(t *testing.T, kids ...string) *issuer {
	t.Helper()
	is := &issuer{keys: map[string]*rsa.PrivateKey{}}
	for _, kid := range kids {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		is.keys[kid] = k
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		is.fetches.Add(1)
		var set []map[string]string
		for kid, k := range is.keys {
			set = append(set, map[string]string{"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
				"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes())})
		}
		json.NewEncoder(w).Encode(map[string]any{"keys": set})
	}))
	t.Cleanup(srv.Close)
	is.url = srv.URL
	return is
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func (is *issuer) sign(t *testing.T, alg, kid string, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(map[string]string{"alg": alg, "kid": kid, "typ": "JWT"})
	c, _ := json.Marshal(claims)
	input := b64(h) + "." + b64(c)
	key, ok := is.keys[kid]
	if !ok { // a key nobody published
		key, _ = rsa.GenerateKey(rand.Reader, 2048)
	}
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func (is *issuer) claims(typ string, edit func(map[string]any)) map[string]any {
	c := map[string]any{"iss": is.url, "sub": "u1", "aud": "sentinel:" + typ, "type": typ, "jti": "j1",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "wid": "w1", "wslug": "acme", "wrole": "editor",
		"groups": []string{"g1"}, "actions": []string{"docs:read"}}
	if typ == "authz" {
		c["svc"], c["idp_sub"] = "docs", "google-123"
	}
	if edit != nil {
		edit(c)
	}
	return c
}

func TestVerifyAcceptsTheDeploymentsTokens(t *testing.T) {
	is := newIssuer(t, "k1")
	v := NewVerifier(is.url+"/", "docs", WithClock(func() time.Time { return now }))
	for _, typ := range []string{"access", "authz"} {
		c, err := v.Verify(context.Background(), is.sign(t, "RS256", "k1", is.claims(typ, nil)))
		if err != nil {
			t.Fatalf("%s token: %v", typ, err)
		}
		if c.Subject != "u1" || c.WorkspaceID != "w1" || c.WorkspaceRole != "editor" || c.Groups[0] != "g1" || c.Type != typ {
			t.Fatalf("%s claims = %+v", typ, c)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	is := newIssuer(t, "k1")
	cases := map[string]string{
		"alg none":        strings.SplitN(is.sign(t, "none", "k1", is.claims("access", nil)), ".", 3)[0] + "." + strings.SplitN(is.sign(t, "RS256", "k1", is.claims("access", nil)), ".", 3)[1] + ".",
		"HS256 header":    is.sign(t, "HS256", "k1", is.claims("access", nil)),
		"unpublished key": is.sign(t, "RS256", "k9", is.claims("access", nil)),
		"another issuer":  is.sign(t, "RS256", "k1", is.claims("access", func(c map[string]any) { c["iss"] = "https://evil.example" })),
		"admin audience":  is.sign(t, "RS256", "k1", is.claims("access", func(c map[string]any) { c["aud"] = "sentinel:admin" })),
		"admin type":      is.sign(t, "RS256", "k1", is.claims("access", func(c map[string]any) { c["type"] = "admin" })),
		"type mismatch":   is.sign(t, "RS256", "k1", is.claims("access", func(c map[string]any) { c["aud"] = "sentinel:authz" })),
		"expired":         is.sign(t, "RS256", "k1", is.claims("access", func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() })),
		"no expiry":       is.sign(t, "RS256", "k1", is.claims("access", func(c map[string]any) { delete(c, "exp") })),
		"no workspace":    is.sign(t, "RS256", "k1", is.claims("access", func(c map[string]any) { delete(c, "wid") })),
		"other service":   is.sign(t, "RS256", "k1", is.claims("authz", func(c map[string]any) { c["svc"] = "billing" })),
		"too long":        is.sign(t, "RS256", "k1", is.claims("access", func(c map[string]any) { c["pad"] = strings.Repeat("x", maxTokenBytes) })),
		"tampered":        tamper(is.sign(t, "RS256", "k1", is.claims("access", nil))),
	}
	v := NewVerifier(is.url, "docs", WithClock(func() time.Time { return now }))
	for name, tok := range cases {
		if _, err := v.Verify(context.Background(), tok); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s: err = %v, want ErrInvalidToken", name, err)
		}
	}
	only := NewVerifier(is.url, "docs", WithClock(func() time.Time { return now }), OnlyAuthzTokens())
	if _, err := only.Verify(context.Background(), is.sign(t, "RS256", "k1", is.claims("access", nil))); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("OnlyAuthzTokens accepted an access token: %v", err)
	}
}

// tamper changes the claims of a signed token (wrole editor → owner).
func tamper(tok string) string {
	p := strings.Split(tok, ".")
	c, _ := base64.RawURLEncoding.DecodeString(p[1])
	p[1] = b64([]byte(strings.Replace(string(c), `"editor"`, `"owner"`, 1)))
	return strings.Join(p, ".")
}

func TestUnknownKeyIdsFetchTheKeysAtMostEvery30s(t *testing.T) {
	is := newIssuer(t, "k1")
	clock := now
	v := NewVerifier(is.url, "docs", WithClock(func() time.Time { return clock }))
	ok := is.sign(t, "RS256", "k1", is.claims("access", nil))
	if _, err := v.Verify(context.Background(), ok); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		v.Verify(context.Background(), is.sign(t, "RS256", "k9", is.claims("access", nil)))
	}
	if got := is.fetches.Load(); got != 1 {
		t.Fatalf("%d fetches after one known and five unknown kids within 30 s, want 1", got)
	}
	// A rotation publishes k2: within 30 s of the last fetch it is not
	// seen yet; after that the first token naming it fetches again.
	k2, _ := rsa.GenerateKey(rand.Reader, 2048)
	is.keys["k2"] = k2
	rotated := is.sign(t, "RS256", "k2", is.claims("access", nil))
	if _, err := v.Verify(context.Background(), rotated); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("k2 within 30 s: %v", err)
	}
	clock = clock.Add(31 * time.Second)
	if _, err := v.Verify(context.Background(), rotated); err != nil || is.fetches.Load() != 2 {
		t.Fatalf("k2 after 30 s: err %v, %d fetches", err, is.fetches.Load())
	}
}

func TestMiddleware(t *testing.T) {
	is := newIssuer(t, "k1")
	idpSub := func(r *http.Request) (string, error) {
		if s := r.Header.Get("X-IdP-Sub"); s != "" { // stands in for verifying the caller's IdP token
			return s, nil
		}
		return "", errors.New("no IdP token")
	}
	v := NewVerifier(is.url, "docs", WithClock(func() time.Time { return now }), WithIdPSubject(idpSub))
	h := v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := UserFrom(r.Context())
		if !ok {
			t.Error("no claims on the context")
			return
		}
		w.Write([]byte(c.Subject))
	}))
	authz := is.sign(t, "RS256", "k1", is.claims("authz", nil))
	for _, tc := range []struct {
		name, token, idpSub string
		status              int
		body                string
	}{
		{"no token", "", "", 401, `{"detail":"missing bearer token"}`},
		{"bad token", "x.y.z", "", 401, `{"detail":"token header is malformed"}`},
		{"access token, no binding needed", is.sign(t, "RS256", "k1", is.claims("access", nil)), "", 200, "u1"},
		{"authz token, same IdP user", authz, "google-123", 200, "u1"},
		{"authz token, another IdP user", authz, "google-999", 401, `{"detail":"authz token was issued to another identity-provider user"}`},
		{"authz token, no IdP token", authz, "", 401, `{"detail":"identity-provider token: no IdP token"}`},
	} {
		r := httptest.NewRequest("GET", "/docs", nil)
		if tc.token != "" {
			r.Header.Set("Authorization", "Bearer "+tc.token)
		}
		if tc.idpSub != "" {
			r.Header.Set("X-IdP-Sub", tc.idpSub)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.status || strings.TrimSpace(w.Body.String()) != tc.body {
			t.Errorf("%s: %d %s, want %d %s", tc.name, w.Code, w.Body, tc.status, tc.body)
		}
	}
}

func TestMiddlewareAnswers503WhenTheKeysCannotBeFetched(t *testing.T) {
	is := newIssuer(t, "k1")
	tok := is.sign(t, "RS256", "k1", is.claims("access", nil))
	v := NewVerifier("http://127.0.0.1:1", "docs", WithIssuer(is.url), WithClock(func() time.Time { return now }))
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	v.Middleware(http.NotFoundHandler()).ServeHTTP(w, r)
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", w.Code)
	}
}
