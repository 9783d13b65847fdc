package token_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/golang-jwt/jwt/v5"

	"sentinel/internal/apitest"
	"sentinel/internal/idptest"
	"sentinel/internal/token"
)

var now = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func sign(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	return idptest.Sign(t, method, key, kid, claims)
}

func TestVerify(t *testing.T) {
	ring := apitest.Ring(t)
	kid := ring.Current.ID
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
		{"valid", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, good()), nil},
		{"authz type", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, with("aud", token.AudAuthz)), token.ErrAudience},
		{"HS256", hsToken, token.ErrAlg},
		{"none", noneToken, token.ErrAlg},
		{"RS512", sign(t, jwt.SigningMethodRS512, ring.Current.Private, kid, good()), token.ErrAlg},
		{"unknown kid", sign(t, jwt.SigningMethodRS256, ring.Current.Private, "nope", good()), token.ErrKid},
		{"forged signature", sign(t, jwt.SigningMethodRS256, other, kid, good()), token.ErrSignature},
		{"wrong issuer", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, with("iss", "https://evil")), token.ErrIssuer},
		{"wrong audience", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, with("aud", "other")), token.ErrAudience},
		{"admin audience", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, with("aud", token.AudAdmin)), token.ErrAudience},
		{"type mismatch", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, with("type", "authz")), token.ErrAudience},
		{"expired", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, with("exp", now.Add(-time.Second).Unix())), token.ErrExpired},
		{"no exp", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, with("exp", nil)), token.ErrClaims},
		{"no sub", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, with("sub", nil)), token.ErrClaims},
		{"no wid", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, with("wid", nil)), token.ErrClaims},
		{"no wrole", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, with("wrole", nil)), token.ErrClaims},
		{"too long", sign(t, jwt.SigningMethodRS256, ring.Current.Private, kid, with("pad", strings.Repeat("x", 8000))), token.ErrTooLong},
		{"garbage", "not.a.token", token.ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ring.Verify(tc.raw, now, token.AudAccess)
			if !errors.Is(err, tc.want) {
				t.Errorf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

// Tokens signed by the previous key keep verifying after a rotation, and
// the JWKS publishes both keys.
func TestRotationKeepsPreviousKey(t *testing.T) {
	old := apitest.Ring(t)
	tok, err := old.Sign(token.Access("u1", "w1", "acme", "viewer", nil), now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	next, err := token.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring := old.Rotated(next)
	if _, err := ring.Verify(tok, now, token.AudAccess); err != nil {
		t.Errorf("token of the previous key: %v", err)
	}
	set := ring.JWKS(now)
	if len(set.Keys) != 2 || set.Keys[0].Kid != next.ID || set.Keys[1].Kid != old.Current.ID {
		t.Errorf("JWKS = %+v", set)
	}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" || k.E != "AQAB" || len(k.N) < 500 {
			t.Errorf("JWK = %+v (a 3072-bit modulus is 512 base64url characters)", k)
		}
	}
	// The PEM bundle round-trips both keys, current first.
	back, err := token.ParsePEM(ring.PEM(), ring.Issuer)
	if err != nil || back.Current.ID != next.ID || back.Previous == nil || back.Previous.ID != old.Current.ID {
		t.Errorf("ParsePEM = %+v, %v", back, err)
	}
	if _, err := ring.Rotated(next).Verify(tok, now, token.AudAccess); err == nil {
		t.Error("a token of a key rotated out twice still verifies")
	}
}

func TestSmallKeysRefused(t *testing.T) {
	small, _ := rsa.GenerateKey(rand.Reader, 2048)
	r := &token.Ring{Current: token.NewKey(small)}
	if _, err := token.ParsePEM(r.PEM(), "x"); err == nil {
		t.Error("a 2048-bit key was accepted")
	}
}

type emptySecret struct{ token.SecretsAPI }

func (emptySecret) GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	return nil, &smtypes.ResourceNotFoundException{Message: aws.String("no current version")}
}

// A new stack's secret has no value until the first rotate: that reads as
// "no keys", which the rotate command turns into the first key.
func TestLoadSecretWithoutValue(t *testing.T) {
	_, err := token.LoadSecret(context.Background(), emptySecret{}, "arn:secret", "iss")
	if !errors.Is(err, token.ErrNoKeys) {
		t.Errorf("LoadSecret = %v, want ErrNoKeys", err)
	}
}

// A reloading ring follows its source: a token signed with a key rotated in
// elsewhere verifies at once (an unknown kid reloads, at most every 30 s),
// and after 5 minutes the ring signs and publishes with the new key.
func TestReloadingRingFollowsRotation(t *testing.T) {
	old := apitest.Ring(t)
	next, err := token.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	source, loads := old, 0
	ring := token.Reloading(old, func() (*token.Ring, error) { loads++; return source, nil }, now)

	source = old.Rotated(next) // `sentinel signing-key rotate` elsewhere
	fresh, err := source.Sign(token.Access("u1", "w1", "", "viewer", nil), now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Verify(fresh, now.Add(time.Second), token.AudAccess); err != nil || loads != 1 {
		t.Fatalf("token of the rotated key: %v after %d loads, want valid after 1", err, loads)
	}
	// Unknown kids reload at most once per 30 s.
	bogus := token.Ring{Current: token.NewKey(mustKey(t)), Issuer: old.Issuer}
	stranger, _ := bogus.Sign(token.Access("u1", "w1", "", "viewer", nil), now, time.Minute)
	for range 5 {
		if _, err := ring.Verify(stranger, now.Add(2*time.Second), token.AudAccess); !errors.Is(err, token.ErrKid) {
			t.Fatalf("unknown kid: %v", err)
		}
	}
	if loads != 1 {
		t.Errorf("%d loads after 5 unknown kids within 30 s, want still 1", loads)
	}
	// Signing and the JWKS use the new key.
	if set := ring.JWKS(now.Add(time.Minute)); set.Keys[0].Kid != next.ID {
		t.Errorf("JWKS current kid = %s, want %s", set.Keys[0].Kid, next.ID)
	}
	tok, _ := ring.Sign(token.Access("u1", "w1", "", "viewer", nil), now.Add(time.Minute), time.Hour)
	if _, err := source.Verify(tok, now.Add(time.Minute), token.AudAccess); err != nil {
		t.Errorf("a token the reloaded ring signed: %v", err)
	}
	// A failing source keeps the keys it has.
	ring = token.Reloading(source, func() (*token.Ring, error) { return nil, errors.New("secrets manager down") }, now)
	if _, err := ring.Verify(tok, now.Add(10*time.Minute), token.AudAccess); err != nil {
		t.Errorf("verify while the source fails: %v", err)
	}
}

func mustKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
