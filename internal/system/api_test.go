package system_test

import (
	"strings"
	"testing"

	"sentinel/internal/apitest"
	"sentinel/internal/devidp"
	"sentinel/internal/dynamo"
	"sentinel/internal/idptest"
	"sentinel/internal/system"
)

func TestHealthReportsEveryComponentAndNoSecret(t *testing.T) {
	api, _ := apitest.NewWithIdP(t)
	admin := api.SignIn()
	res := admin.Do("GET", "/admin/health", nil)
	if res.Status != 200 {
		t.Fatalf("health: %d %s", res.Status, res.Body)
	}
	var h system.Health
	res.JSON(t, &h)
	if h.Status != system.OK || h.Stage != api.Config.Stage || h.Version == "" {
		t.Errorf("health: status %q stage %q version %q", h.Status, h.Stage, h.Version)
	}
	if len(h.Tables) != len(dynamo.All) {
		t.Errorf("%d tables checked, want %d", len(h.Tables), len(dynamo.All))
	}
	for i, tb := range h.Tables {
		if tb.Name != dynamo.All[i].ID || tb.Status != system.OK || tb.Reason != "" {
			t.Errorf("table %d: %+v, want %s ok", i, tb, dynamo.All[i].ID)
		}
	}
	if len(h.SigningKeys) != 2 || h.SigningKeys[0].Ring != "user" || h.SigningKeys[1].Ring != "admin" {
		t.Fatalf("signing keys: %+v, want the user and admin rings", h.SigningKeys)
	}
	for _, r := range h.SigningKeys {
		current := 0
		for _, k := range r.Keys {
			if k.Current {
				current++
			}
			if k.Kid == "" {
				t.Errorf("ring %s: a key without kid", r.Ring)
			}
		}
		if r.Status != system.OK || current != 1 {
			t.Errorf("ring %s: %s, %d current keys, want ok and one", r.Ring, r.Status, current)
		}
	}
	if len(h.IdentityProviders) != 1 {
		t.Fatalf("identity providers: %+v", h.IdentityProviders)
	}
	if p := h.IdentityProviders[0]; p.Name != devidp.ProviderName || p.Status != system.OK || p.KeysCached < 1 || len(p.Issuers) != 1 {
		t.Errorf("provider: %+v, want %s ok with its keys cached", p, devidp.ProviderName)
	}
	for _, secret := range []string{"PRIVATE", "-----BEGIN", `"d":`, `"n":`} {
		if strings.Contains(string(res.Body), secret) {
			t.Errorf("health answer holds %q: %s", secret, res.Body)
		}
	}
	for _, path := range []string{"/admin/health", "/admin/settings"} {
		if res := api.Do(apitest.Request{Method: "GET", Path: path}); res.Status != 401 {
			t.Errorf("%s without a session: %d", path, res.Status)
		}
	}
}

func TestSettingsAreTheDeploymentsConfiguration(t *testing.T) {
	api, _ := apitest.NewWithIdP(t)
	admin := api.SignIn()
	res := admin.Do("GET", "/admin/settings", nil)
	if res.Status != 200 {
		t.Fatalf("settings: %d %s", res.Status, res.Body)
	}
	var s system.Settings
	res.JSON(t, &s)
	c := api.Config
	if s.Stage != c.Stage || s.Issuer != c.Issuer || s.AuthzTokenSeconds != int64(c.AuthzTokenTTL.Seconds()) ||
		s.AuthzResolvePerMinute != c.AuthzRateLimit || s.AuthFailuresPerMinute != c.AuthFailureLimit || s.AdminRequireTOTP != c.AdminRequireTOTP {
		t.Errorf("settings %+v do not match the configuration %+v", s, c)
	}
	if s.KeyCacheSeconds != 5 || s.AdminSessionSeconds != 3600 || s.MaxTokenSeconds != 3600 {
		t.Errorf("bounds: key cache %d s, admin session %d s, max token %d s", s.KeyCacheSeconds, s.AdminSessionSeconds, s.MaxTokenSeconds)
	}
	if len(s.IdentityProviders) != 1 || s.IdentityProviders[0].Name != devidp.ProviderName ||
		len(s.IdentityProviders[0].Audiences) != 1 || s.IdentityProviders[0].Audiences[0] != idptest.Audience {
		t.Errorf("identity providers: %+v", s.IdentityProviders)
	}
}
