package secretswire_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sentinel/internal/apitest"
	"sentinel/internal/config"
	"sentinel/internal/routes/all"
	"sentinel/internal/token"
	"sentinel/internal/wire/secretswire"
)

// Least privilege for the signing keys, as each function starts: only
// authz-resolve holds the user ring's private keys and only admin-auth the
// admin ring's; every other function that verifies holds public keys only,
// of the one ring its tier verifies, and starts with nothing but the
// public bundle on disk; the rest hold no ring at all.
func TestFunctionsHoldOnlyTheKeysTheyUse(t *testing.T) {
	ctx := t.Context()
	full := t.TempDir()
	if _, err := token.LocalKeystore(full).Rotate(ctx, token.Rings, time.Now()); err != nil {
		t.Fatal(err)
	}
	// A key directory holding the public bundle alone.
	public := t.TempDir()
	b, err := os.ReadFile(filepath.Join(full, "public.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(public, "public.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}

	signers := map[token.RingName][]string{}
	for _, fn := range all.Functions() {
		cfg := config.Config{Stage: "local", Issuer: apitest.Issuer, Keys: fn.Keys, SigningKeyDir: full}
		keys, err := secretswire.LoadKeys(ctx, cfg)
		if err != nil {
			t.Fatalf("%s: %v", fn.Name, err)
		}
		for _, r := range token.Rings {
			ring := keys.User
			if r == token.AdminRing {
				ring = keys.Admin
			}
			switch {
			case fn.Keys.Signs(r):
				signers[r] = append(signers[r], fn.Name)
				if cur, ok := ring.Current(time.Now()); !ok || cur.Private == nil {
					t.Errorf("%s signs with the %s ring but holds no private key", fn.Name, r)
				}
			case fn.Keys.Uses(r):
				for _, k := range ring.Keys {
					if k.Private != nil {
						t.Errorf("%s only verifies with the %s ring but holds its private key %s", fn.Name, r, k.ID)
					}
				}
			case ring != nil:
				t.Errorf("%s holds the %s ring, which none of its routes uses", fn.Name, r)
			}
		}
		if !slices.Contains(fn.Keys.Sources(), token.UserKeys) && !slices.Contains(fn.Keys.Sources(), token.AdminKeys) {
			cfg.SigningKeyDir = public
			if _, err := secretswire.LoadKeys(ctx, cfg); err != nil {
				t.Errorf("%s (%v) does not start with the public bundle alone: %v", fn.Name, fn.Keys, err)
			}
		}
	}
	want := map[token.RingName][]string{token.UserRing: {"authz-resolve"}, token.AdminRing: {"admin-auth"}}
	for _, r := range token.Rings {
		if !slices.Equal(signers[r], want[r]) {
			t.Errorf("functions that sign with the %s ring: %v, want %v", r, signers[r], want[r])
		}
	}
	// What each kind of function verifies.
	for name, use := range map[string]token.Use{
		"jwks": token.VerifyUser, "permissions-check": token.VerifyUser, "admin-users": token.VerifyAdmin,
		"admin-auth": token.SignAdmin | token.VerifyAdmin, "authz-resolve": token.SignUser, "health": 0, "roles-check": 0,
	} {
		if fn, _ := all.Function(name); fn.Keys != use {
			t.Errorf("%s uses the keys for %v, want %v", name, fn.Keys, use)
		}
	}
}
