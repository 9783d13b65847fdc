package token_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sentinel/internal/token"
)

// What each use may read: a signer its ring's private keys, a verifier the
// public bundle only.
func TestUseSources(t *testing.T) {
	for use, want := range map[token.Use][]token.Source{
		0:                                    nil,
		token.SignUser:                       {token.UserKeys},
		token.SignAdmin | token.VerifyAdmin:  {token.AdminKeys},
		token.VerifyUser:                     {token.PublicKeys},
		token.VerifyAdmin:                    {token.PublicKeys},
		token.SignUser | token.VerifyAdmin:   {token.UserKeys, token.PublicKeys},
		token.VerifyUser | token.VerifyAdmin: {token.PublicKeys},
	} {
		if got := use.Sources(); !reflect.DeepEqual(got, want) {
			t.Errorf("%v: sources %v, want %v", use, got, want)
		}
	}
}

func adminClaims() token.Claims {
	return token.Claims{RegisteredClaims: jwt.RegisteredClaims{Subject: "a1", Audience: jwt.ClaimStrings{token.AudAdmin}}, Type: "admin"}
}

// rotate on a local keystore writes each ring's private keys and the
// public bundle; a function reads only what its use allows, and a key of
// one ring is unknown to the other's verifiers.
func TestKeystoreRings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ks := token.LocalKeystore(dir)
	done, err := ks.Rotate(ctx, token.Rings, now)
	if err != nil || len(done) != 2 {
		t.Fatalf("first rotate: %v, %v", done, err)
	}
	pub, err := os.ReadFile(filepath.Join(dir, "public.json"))
	if err != nil || strings.Contains(string(pub), "PRIVATE") || !strings.Contains(string(pub), "PUBLIC KEY") {
		t.Fatalf("public bundle %s: %v", pub, err)
	}
	if err := ks.Check(ctx); err != nil {
		t.Errorf("check after rotate: %v", err)
	}

	verifier := ks.Only(token.VerifyUser | token.VerifyAdmin)
	if _, ok := verifier[token.UserKeys]; ok || len(verifier) != 1 {
		t.Fatalf("a verifier's keystore holds %v, want the public bundle only", verifier)
	}
	if _, err := verifier.Private(ctx, token.UserRing, "iss"); err == nil {
		t.Error("a verifier read the user ring's private keys")
	}
	rings := map[string]*token.Ring{}
	for name, c := range map[string]struct {
		use  token.Use
		ring token.RingName
	}{
		"authz-resolve": {token.SignUser, token.UserRing}, "admin-auth": {token.SignAdmin | token.VerifyAdmin, token.AdminRing},
		"dual": {token.VerifyUser, token.UserRing}, "admin": {token.VerifyAdmin, token.AdminRing},
	} {
		r, err := ks.Only(c.use).For(ctx, c.use, c.ring, "iss")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rings[name] = r
	}
	if _, err := ks.Only(token.VerifyUser).For(ctx, token.VerifyUser, token.AdminRing, "iss"); err == nil {
		t.Error("a user-token verifier got the admin ring")
	}

	user, err := rings["authz-resolve"].Sign(token.Access("u1", "w1", "acme", "viewer", nil), now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := rings["admin-auth"].Sign(adminClaims(), now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rings["dual"].Verify(user, now, token.AudAccess); err != nil {
		t.Errorf("user token from the public bundle: %v", err)
	}
	if _, err := rings["admin"].Verify(admin, now, token.AudAdmin); err != nil {
		t.Errorf("admin session from the public bundle: %v", err)
	}
	for _, name := range []string{"dual", "admin"} {
		if _, err := rings[name].Sign(adminClaims(), now, time.Minute); !errors.Is(err, token.ErrCannotSign) {
			t.Errorf("%s signs: %v, want ErrCannotSign", name, err)
		}
	}
	// A leaked user-token key mints no admin session.
	forged, err := rings["authz-resolve"].Sign(adminClaims(), now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"admin", "admin-auth"} {
		if _, err := rings[name].Verify(forged, now, token.AudAdmin); !errors.Is(err, token.ErrKid) {
			t.Errorf("%s verifies an admin token signed with the user key: %v, want ErrKid", name, err)
		}
	}
	// The JWKS publishes the user ring only.
	for _, k := range rings["dual"].JWKS(now).Keys {
		if k.Kid == rings["admin"].Keys[0].ID {
			t.Error("the JWKS lists the admin key")
		}
	}
	if got := len(rings["dual"].JWKS(now).Keys); got != 1 {
		t.Errorf("JWKS of %d keys, want 1", got)
	}
}

// failingBlob refuses writes.
type failingBlob struct{ token.Blob }

func (failingBlob) Write(context.Context, []byte) error { return errors.New("access denied") }

// A rotation whose private write fails puts the public bundle back, so
// verifiers never expect a key the signers lack; one refused while a key
// is next writes nothing.
func TestRotateFailureRestoresPublicBundle(t *testing.T) {
	ctx := context.Background()
	ks := token.LocalKeystore(t.TempDir())
	if _, err := ks.Rotate(ctx, token.Rings, now); err != nil {
		t.Fatal(err)
	}
	before, _ := ks[token.PublicKeys].Read(ctx)
	broken := token.Keystore{token.UserKeys: ks[token.UserKeys], token.AdminKeys: failingBlob{ks[token.AdminKeys]}, token.PublicKeys: ks[token.PublicKeys]}
	if _, err := broken.Rotate(ctx, token.Rings, now.Add(time.Hour)); err == nil {
		t.Fatal("rotate with an unwritable admin secret succeeded")
	}
	// The user ring was written: the bundle holds its next key, and the
	// admin ring as it is.
	if err := ks.Check(ctx); err != nil {
		t.Errorf("after a failed rotate: %v", err)
	}
	after, _ := ks[token.PublicKeys].Read(ctx)
	if string(after) == string(before) {
		t.Error("the public bundle misses the user ring's next key")
	}
	if _, err := ks.Rotate(ctx, token.Rings, now.Add(time.Hour)); !errors.Is(err, token.ErrPending) {
		t.Errorf("rotate while the user ring's key is next: %v, want ErrPending", err)
	}
	if again, _ := ks[token.PublicKeys].Read(ctx); string(again) != string(after) {
		t.Error("a refused rotate rewrote the public bundle")
	}
	// Only the admin ring may rotate now; then both are in step.
	if _, err := ks.Rotate(ctx, []token.RingName{token.AdminRing}, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ks.Check(ctx); err != nil {
		t.Error(err)
	}
	// A stale bundle is reported, and publish fixes it.
	if err := ks[token.PublicKeys].Write(ctx, before); err != nil {
		t.Fatal(err)
	}
	if err := ks.Check(ctx); !errors.Is(err, token.ErrStale) {
		t.Errorf("check of a stale bundle: %v, want ErrStale", err)
	}
	if _, err := ks.Publish(ctx); err != nil || ks.Check(ctx) != nil {
		t.Errorf("publish: %v, then %v", err, ks.Check(ctx))
	}
}

func TestSecretsFlag(t *testing.T) {
	ids := map[token.Source]string{token.UserKeys: "arn:aws:secretsmanager:eu-west-1:1:secret:u=1-AbC", token.AdminKeys: "arn:a", token.PublicKeys: "arn:p"}
	v := token.SecretsFlag(ids)
	if v != "user=arn:aws:secretsmanager:eu-west-1:1:secret:u=1-AbC,admin=arn:a,public=arn:p" {
		t.Errorf("flag %q", v)
	}
	if back, err := token.ParseSecretsFlag(v); err != nil || !reflect.DeepEqual(back, ids) {
		t.Errorf("parse: %v, %v", back, err)
	}
	for _, bad := range []string{"", "arn:a", "user=a,admin=b", "user=a,admin=b,public=c,user=d", "user=a,admin=b,other=c", "user=,admin=b,public=c"} {
		if _, err := token.ParseSecretsFlag(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
