package adminauth_test

import (
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"sentinel/internal/apitest"
	"sentinel/internal/token"
)

// resign signs claims with the ring's current key, as a holder of its
// private key could.
func resign(t *testing.T, claims jwt.MapClaims, ring *token.Ring) string {
	t.Helper()
	k := ring.Keys[len(ring.Keys)-1]
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = k.ID
	raw, err := tok.SignedString(k.Private)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// Admin sessions are signed with a ring of their own: a leaked user-token
// key (what authz-resolve holds) mints no admin session, even with every
// claim of a real one; the same claims under the admin ring's key are
// accepted, so the refusal is the key's.
func TestUserTokenKeyCannotMintAdminSessions(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(admin.Cookie, claims); err != nil {
		t.Fatal(err)
	}
	me := func(cookie string) int {
		return api.Do(apitest.Request{Method: "GET", Path: "/admin/auth/me", Header: map[string]string{"Cookie": "admin_token=" + cookie}}).Status
	}
	userRing, adminRing := api.Deps.Keys.User, api.Deps.Keys.Admin
	if userRing.Keys[0].ID == adminRing.Keys[0].ID {
		t.Fatal("the user and admin rings share a key")
	}
	if got := me(resign(t, claims, userRing)); got != 401 {
		t.Errorf("admin session signed with the user-token key: %d, want 401", got)
	}
	for _, fn := range []string{"/admin/users", "/admin/service-apps"} {
		res := api.Do(apitest.Request{Method: "GET", Path: fn, Header: map[string]string{"Cookie": "admin_token=" + resign(t, claims, userRing)}})
		if res.Status != 401 {
			t.Errorf("GET %s with an admin session signed with the user-token key: %d, want 401", fn, res.Status)
		}
	}
	if got := me(resign(t, claims, adminRing)); got != 200 {
		t.Errorf("the same claims signed with the admin key: %d, want 200", got)
	}
	// And the JWKS, which backends read, publishes no admin key.
	res := api.Do(apitest.Request{Method: "GET", Path: "/.well-known/jwks.json"})
	var set token.JWKS
	res.JSON(t, &set)
	if len(set.Keys) != 1 || set.Keys[0].Kid != userRing.Keys[0].ID {
		t.Errorf("JWKS %+v, want the user ring's key only", set.Keys)
	}
}
