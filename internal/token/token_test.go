package token_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/idptest"
	"sentinel/internal/token"
	"sentinel/internal/token/secretstore"
)

var now = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	return idptest.Sign(t, method, key, kid, claims)
}

func TestVerify(t *testing.T) {
	ring := apitest.Ring(t)
	key := ring.Keys[0]
	kid := key.ID
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": apitest.Issuer, "sub": "u1", "aud": token.AudAccess, "type": "access", "wid": "w1", "wrole": "editor", "exp": now.Add(time.Minute).Unix()}
	}
	with := func(k string, v any) jwt.MapClaims {
		c := good()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	hsToken := sign(t, jwt.SigningMethodHS256, []byte("secret"), kid, good())
	noneToken := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, good())
	cases := []struct {
		name string
		raw  string
		want error
	}{
		{"valid", sign(t, jwt.SigningMethodRS256, key.Private, kid, good()), nil},
		{"authz type", sign(t, jwt.SigningMethodRS256, key.Private, kid, with("aud", token.AudAuthz)), token.ErrAudience},
		{"HS256", hsToken, token.ErrAlg},
		{"none", noneToken, token.ErrAlg},
		{"RS512", sign(t, jwt.SigningMethodRS512, key.Private, kid, good()), token.ErrAlg},
		{"unknown kid", sign(t, jwt.SigningMethodRS256, key.Private, "nope", good()), token.ErrKid},
		{"forged signature", sign(t, jwt.SigningMethodRS256, other, kid, good()), token.ErrSignature},
		{"wrong issuer", sign(t, jwt.SigningMethodRS256, key.Private, kid, with("iss", "https://evil")), token.ErrIssuer},
		{"wrong audience", sign(t, jwt.SigningMethodRS256, key.Private, kid, with("aud", "other")), token.ErrAudience},
		{"admin audience", sign(t, jwt.SigningMethodRS256, key.Private, kid, with("aud", token.AudAdmin)), token.ErrAudience},
		{"type mismatch", sign(t, jwt.SigningMethodRS256, key.Private, kid, with("type", "authz")), token.ErrAudience},
		{"expired", sign(t, jwt.SigningMethodRS256, key.Private, kid, with("exp", now.Add(-time.Second).Unix())), token.ErrExpired},
		{"no exp", sign(t, jwt.SigningMethodRS256, key.Private, kid, with("exp", nil)), token.ErrClaims},
		{"no sub", sign(t, jwt.SigningMethodRS256, key.Private, kid, with("sub", nil)), token.ErrClaims},
		{"no wid", sign(t, jwt.SigningMethodRS256, key.Private, kid, with("wid", nil)), token.ErrClaims},
		{"no wrole", sign(t, jwt.SigningMethodRS256, key.Private, kid, with("wrole", nil)), token.ErrClaims},
		{"too long", sign(t, jwt.SigningMethodRS256, key.Private, kid, with("pad", strings.Repeat("x", 8000))), token.ErrTooLong},
		{"garbage", "not.a.token", token.ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ring.Verify(tc.raw, now, token.AudAccess)
			if !errors.Is(err, tc.want) {
				t.Errorf("Verify = %v, want %v", err, tc.want)
			}
			// The cache answers the same, the first time and the next.
			cache := token.NewVerifiedCache(10)
			for i := range 2 {
				if _, err := cache.Verify(ring, tc.raw, now, token.AudAccess); !errors.Is(err, tc.want) {
					t.Errorf("cached Verify #%d = %v, want %v", i+1, err, tc.want)
				}
			}
		})
	}
}

// A ring's PEM bundle round-trips its keys and their stages; the public
// bundle holds no private key, verifies the same tokens and cannot sign.
func TestPEMBundles(t *testing.T) {
	old := apitest.Ring(t)
	next, err := token.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := old.WithNext(next, now)
	if err != nil {
		t.Fatal(err)
	}
	later := now.Add(token.PublishLead)
	tok, err := ring.Sign(token.Access("u1", "w1", "acme", "viewer", nil), later, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	back, err := token.ParsePEM(ring.PEM(), ring.Issuer)
	if err != nil || fmt.Sprint(back.Status(now)) != fmt.Sprint(ring.Status(now)) {
		t.Fatalf("ParsePEM = %v, %v; want %v", back.Status(now), err, ring.Status(now))
	}
	pub, err := token.ParsePEM(ring.PublicPEM(), ring.Issuer)
	if err != nil || fmt.Sprint(pub.Status(now)) != fmt.Sprint(ring.Status(now)) {
		t.Fatalf("public ParsePEM = %v, %v", pub, err)
	}
	if strings.Contains(string(ring.PublicPEM()), "PRIVATE") {
		t.Error("the public bundle holds a private key")
	}
	if _, err := pub.Verify(tok, later, token.AudAccess); err != nil {
		t.Errorf("public ring verify: %v", err)
	}
	if _, err := pub.Sign(token.Access("u1", "w1", "acme", "viewer", nil), later, time.Minute); !errors.Is(err, token.ErrCannotSign) {
		t.Errorf("public ring sign: %v, want ErrCannotSign", err)
	}
	for _, k := range ring.JWKS(now).Keys {
		if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" || k.E != "AQAB" || len(k.N) < 500 {
			t.Errorf("JWK = %+v (a 3072-bit modulus is 512 base64url characters)", k)
		}
	}
}

// A bundle written before the rotation protocol (no Signs-From headers,
// current first) keeps both keys: the first signs, the second verifies
// until the next rotation drops it.
func TestLegacyBundle(t *testing.T) {
	a, b := apitest.Ring(t).Keys[0], mustRing(t).Keys[0]
	legacy := token.NewRing("iss", b, a).PEM() // a written first: current
	if strings.Contains(string(legacy), "Signs-From") {
		t.Fatal("keys without SignsFrom got a header")
	}
	ring, err := token.ParsePEM(legacy, "iss")
	if err != nil {
		t.Fatal(err)
	}
	if cur, _ := ring.Current(now); cur.ID != a.ID || len(ring.Published(now.Add(1000*time.Hour))) != 2 {
		t.Errorf("legacy ring: current %s, status %v", cur.ID, ring.Status(now))
	}
	next, _ := token.GenerateKey()
	rotated, err := ring.WithNext(next, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := kids(rotated.Published(now)); got != a.ID+","+next.ID {
		t.Errorf("after a rotation: %s, want the legacy current and the next key", got)
	}
}

func TestSmallKeysRefused(t *testing.T) {
	small, _ := rsa.GenerateKey(rand.Reader, 2048)
	r := token.NewRing("x", token.NewKey(small))
	if _, err := token.ParsePEM(r.PEM(), "x"); err == nil {
		t.Error("a 2048-bit key was accepted")
	}
}

func TestTokenLifetimeBound(t *testing.T) {
	ring := apitest.Ring(t)
	for _, ttl := range []time.Duration{0, -time.Second, token.MaxTTL + time.Second} {
		if _, err := ring.Sign(token.Access("u1", "w1", "", "viewer", nil), now, ttl); err == nil {
			t.Errorf("signed a token living %v", ttl)
		}
	}
}

type emptySecret struct{ secretstore.API }

func (emptySecret) GetSecretString(context.Context, string) (string, error) {
	return "", secretstore.ErrNotFound
}

// A new stack's secret has no value until the first rotate: that reads as
// "no keys", which the rotate command turns into the first key.
func TestLoadSecretWithoutValue(t *testing.T) {
	_, err := secretstore.Secret{SM: emptySecret{}, ID: "arn:secret"}.Read(context.Background())
	if !errors.Is(err, token.ErrNoKeys) {
		t.Errorf("Read = %v, want ErrNoKeys", err)
	}
}

// A reloading ring follows its source: a token naming a key rotated in
// elsewhere verifies at once (an unknown kid reloads, at most every 30 s),
// and after ReloadAfter the ring publishes the next key; it signs with it
// from its SignsFrom.
func TestReloadingRingFollowsRotation(t *testing.T) {
	old := apitest.Ring(t)
	next, err := token.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	source, loads := old, 0
	ring := token.Reloading(old, func() (*token.Ring, error) { loads++; return source, nil }, now)

	if source, err = old.WithNext(next, now); err != nil { // `sentinel signing-key rotate` elsewhere
		t.Fatal(err)
	}
	signsFrom := now.Add(token.PublishLead)
	fresh, err := source.Sign(token.Access("u1", "w1", "", "viewer", nil), signsFrom, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Verify(fresh, now.Add(time.Second), token.AudAccess); err != nil || loads != 1 {
		t.Fatalf("token of the rotated key: %v after %d loads, want valid after 1", err, loads)
	}
	// Unknown kids reload at most once per 30 s.
	stranger, _ := mustRing(t).Sign(token.Access("u1", "w1", "", "viewer", nil), now, time.Minute)
	for range 5 {
		if _, err := ring.Verify(stranger, now.Add(2*time.Second), token.AudAccess); !errors.Is(err, token.ErrKid) {
			t.Fatalf("unknown kid: %v", err)
		}
	}
	if loads != 1 {
		t.Errorf("%d loads after 5 unknown kids within 30 s, want still 1", loads)
	}
	// The JWKS publishes the next key; signing waits for its SignsFrom.
	if got := kids(ring.Published(now.Add(time.Minute))); got != old.Keys[0].ID+","+next.ID {
		t.Errorf("published %s, want current then next", got)
	}
	for at, want := range map[time.Time]string{signsFrom.Add(-time.Second): old.Keys[0].ID, signsFrom: next.ID} {
		tok, _ := ring.Sign(token.Access("u1", "w1", "", "viewer", nil), at, time.Hour)
		if kid := kidOfRaw(tok); kid != want {
			t.Errorf("signed at %v with %s, want %s", at, kid, want)
		}
	}
	// A failing source keeps the keys it has.
	tok, _ := ring.Sign(token.Access("u1", "w1", "", "viewer", nil), signsFrom, time.Hour)
	ring = token.Reloading(source, func() (*token.Ring, error) { return nil, errors.New("secrets manager down") }, now)
	if _, err := ring.Verify(tok, signsFrom.Add(10*time.Minute), token.AudAccess); err != nil {
		t.Errorf("verify while the source fails: %v", err)
	}
}

var (
	otherOnce sync.Once
	otherKey  token.Key
)

// mustRing is a second 3072-bit ring, shared by the tests.
func mustRing(t *testing.T) *token.Ring {
	t.Helper()
	otherOnce.Do(func() {
		k, err := token.GenerateKey()
		if err != nil {
			panic(err)
		}
		otherKey = k
	})
	return token.NewRing(apitest.Issuer, otherKey)
}

func kids(keys []token.Key) string {
	var ids []string
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	return strings.Join(ids, ",")
}

// A user in many groups with many actions still gets a token the verifier
// accepts: it carries the first token.MaxGroups groups and token.MaxActionBytes of
// actions, in order, and says what it left out; small lists are whole.
func TestTokenContentBounded(t *testing.T) {
	ring := apitest.Ring(t)
	now := time.Now()
	var groups, actions []string
	for i := range 300 {
		groups = append(groups, uuid.NewString())
		actions = append(actions, fmt.Sprintf("documents.%s.%03d", strings.Repeat("x", 40), i))
	}
	raw, err := ring.Sign(token.Authz(uuid.NewString(), "idp-sub", uuid.NewString(), "docu-store", uuid.NewString(), "acme", "viewer", groups, actions), now, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) > 6*1024 {
		t.Errorf("token of %d bytes, want at most 6 KiB", len(raw))
	}
	c, err := ring.Verify(raw, now, token.AudAuthz)
	if err != nil {
		t.Fatal(err)
	}
	size := 0
	for _, a := range c.Actions {
		size += len(a) + 3
	}
	if !slices.Equal(c.Groups, groups[:token.MaxGroups]) || !c.GroupsTruncated || !c.ActionsTruncated ||
		size > token.MaxActionBytes || len(c.Actions) == 0 || !slices.Equal(c.Actions, actions[:len(c.Actions)]) {
		t.Errorf("%d groups (truncated %v), %d actions of %d bytes (truncated %v)", len(c.Groups), c.GroupsTruncated, len(c.Actions), size, c.ActionsTruncated)
	}
	small := token.Authz("u", "s", "app", "docu-store", "w", "acme", "viewer", groups[:3], actions[:3])
	if !slices.Equal(small.Groups, groups[:3]) || !slices.Equal(small.Actions, actions[:3]) || small.GroupsTruncated || small.ActionsTruncated {
		t.Errorf("small lists: %+v", small)
	}
	if none := token.Authz("u", "s", "app", "docu-store", "w", "acme", "viewer", nil, nil); none.Groups == nil || none.Actions == nil {
		t.Errorf("nil lists must encode as [], got %#v %#v", none.Groups, none.Actions)
	}
}
