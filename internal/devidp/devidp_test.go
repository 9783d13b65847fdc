package devidp_test

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sentinel/internal/config"
	"sentinel/internal/devidp"
	"sentinel/internal/idp"
	"sentinel/internal/idptest"
)

// The dev IdP is an OIDC issuer the real validator accepts: discovery
// document, JWKS, verified email, stable sub per email.
func TestIssuerTokensVerify(t *testing.T) {
	iss := idptest.New(t)
	res := httptest.NewRecorder()
	iss.Handler().ServeHTTP(res, httptest.NewRequest("GET", devidp.DiscoveryPath, nil))
	var doc map[string]any
	if err := json.Unmarshal(res.Body.Bytes(), &doc); err != nil || res.Code != 200 {
		t.Fatalf("discovery = %d %s", res.Code, res.Body)
	}
	if doc["issuer"] != iss.URL() || doc["jwks_uri"] != iss.URL()+devidp.JWKSPath {
		t.Errorf("discovery = %v", doc)
	}

	now := time.Now()
	v := idp.New(map[string]config.OIDCProvider{"dev": iss.Provider(devidp.Audience)}, nil, func() time.Time { return now })
	tok, err := iss.IDToken("Ada@Example.com", "Ada", devidp.Audience, "", now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	id, err := v.Verify(t.Context(), "dev", tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	if id.Email != "Ada@Example.com" || id.Name != "Ada" || id.Subject != devidp.Subject("ada@example.com") || !strings.HasPrefix(id.Subject, "dev-") {
		t.Errorf("identity = %+v", id)
	}
	now = now.Add(time.Hour)
	if _, err := v.Verify(t.Context(), "dev", tok, nil); !errors.Is(err, idp.ErrExpired) {
		t.Errorf("after the ttl: %v, want expired", err)
	}
}

// Load keeps one key in the state directory across starts.
func TestLoadKeepsTheKey(t *testing.T) {
	dir := t.TempDir()
	a, err := devidp.Load(dir, "http://localhost:9005")
	if err != nil {
		t.Fatal(err)
	}
	b, err := devidp.Load(dir, "http://localhost:9005")
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := a.IDToken("x@example.com", "", devidp.Audience, "", time.Now(), time.Hour)
	srv := httptest.NewServer(b.Handler())
	defer srv.Close()
	p := b.Provider(devidp.Audience)
	p.JWKSURI = srv.URL + devidp.JWKSPath
	v := idp.New(map[string]config.OIDCProvider{"dev": p}, nil, time.Now)
	if _, err := v.Verify(t.Context(), "dev", tok, nil); err != nil {
		t.Errorf("a token of the first load against the second's JWKS: %v", err)
	}
	if info, err := os.Stat(filepath.Join(dir, devidp.KeyFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v, want mode 0600", info, err)
	}
}

// No Lambda function links the dev IdP (or the test issuer): it can only
// run in the local stack and tests.
func TestNotInAnyFunction(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "sentinel/functions/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list found only %v", deps)
	}
	for _, d := range deps {
		if d == "sentinel/internal/devidp" || d == "sentinel/internal/idptest" || d == "sentinel/internal/devstack" {
			t.Errorf("a function depends on %s", d)
		}
	}
}
