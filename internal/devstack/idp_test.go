package devstack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sentinel/internal/devidp"
	"sentinel/internal/idptest"
)

// testDevIdP walks the running stack's dev IdP: its discovery document and
// JWKS, a token from the key the dev-idp-token command signs with, and
// POST /authz/resolve through the local gateway with provider "dev".
func testDevIdP(t *testing.T, cfg Config, api, admin, cookie string) {
	r := do(t, "GET", fmt.Sprintf("http://127.0.0.1:%d%s", cfg.IdPPort, devidp.DiscoveryPath), "", nil)
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil || r.status != 200 {
		t.Fatalf("discovery = %d %s", r.status, r.body)
	}
	if doc["issuer"] != cfg.IdPURL() || doc["jwks_uri"] != cfg.IdPURL()+devidp.JWKSPath {
		t.Errorf("discovery = %v, want issuer %s and its JWKS", doc, cfg.IdPURL())
	}
	r = do(t, "GET", fmt.Sprintf("http://127.0.0.1:%d%s", cfg.IdPPort, devidp.JWKSPath), "", nil)
	if r.status != 200 || !strings.Contains(r.body, `"kty":"RSA"`) {
		t.Errorf("JWKS = %d %s", r.status, r.body)
	}

	// An app whose page at http://localhost:3000 calls resolve.
	const origin = "http://localhost:3000"
	r = do(t, "POST", admin+"/admin/service-apps", `{"name":"Docs","service_name":"docs","allowed_origins":["`+origin+`"]}`,
		map[string]string{"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest", "Cookie": cookie})
	if r.status != 201 {
		t.Fatalf("create app = %d %s", r.status, r.body)
	}
	resolve := func(idToken string) response {
		return do(t, "POST", api+"/authz/resolve", `{"provider":"dev","idp_token":"`+idToken+`"}`,
			map[string]string{"Content-Type": "application/json", "Origin": origin})
	}
	// What the dev-idp-token command prints: signed with the key in the
	// state directory, which the running IdP publishes.
	iss, err := devidp.Load(cfg.StateDir, cfg.IdPURL())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := iss.IDToken("ada@example.com", "Ada", devidp.Audience, "", time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if r := resolve(tok); r.status == 400 || r.status == 401 {
		t.Errorf("resolve with a dev IdP token = %d %s: the token was refused", r.status, r.body)
	}
	// A token the dev IdP did not sign: refused by provider dev's keys.
	other := idptest.NewKey(t)
	forgedTok := idptest.Sign(t, jwt.SigningMethodRS256, other.Private, other.ID, jwt.MapClaims{"iss": cfg.IdPURL(), "aud": devidp.Audience, "sub": "x",
		"exp": time.Now().Add(time.Hour).Unix(), "email": "eve@example.com", "email_verified": true})
	if r := resolve(forgedTok); r.status != 400 || !strings.Contains(r.body, "a key the provider does not publish") {
		t.Errorf("resolve with a forged token = %d %s, want 400 unknown key", r.status, r.body)
	}
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("the IdP answered with CORS headers")
	}
}

func TestWithDevIdP(t *testing.T) {
	iss := devidp.New("http://localhost:9005", nil)
	got, err := withDevIdP(`{"corp": {"issuer": "https://id.example.com", "jwks_uri": "https://id.example.com/keys", "audience": "s"}}`, iss)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"corp":{"audience":"s","issuer":"https://id.example.com","jwks_uri":"https://id.example.com/keys"},` +
		`"dev":{"audience":"sentinel-dev","issuer":"http://localhost:9005","jwks_uri":"http://localhost:9005/jwks.json"}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := withDevIdP(`{"dev": {}}`, iss); err == nil || !strings.Contains(err.Error(), "local dev IdP's") {
		t.Errorf("a provider named dev: err = %v", err)
	}
	if _, err := withDevIdP(`[`, iss); err == nil || !strings.Contains(err.Error(), "SENTINEL_OIDC_PROVIDERS must be JSON") {
		t.Errorf("bad JSON: err = %v", err)
	}
}
