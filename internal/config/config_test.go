package config

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"sentinel/internal/token"
)

func lookup(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func TestAuthzDefaults(t *testing.T) {
	c, err := fromLookup(lookup(map[string]string{"SENTINEL_STAGE": "local"}), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.AuthzTokenTTL != 5*time.Minute || c.AuthzRateLimit != 10 || len(c.OIDCProviders) != 0 || c.AuthFailureLimit != 20 {
		t.Errorf("got ttl %v, limit %d, providers %v, failure limit %d; want 5m, 10, none, 20", c.AuthzTokenTTL, c.AuthzRateLimit, c.OIDCProviders, c.AuthFailureLimit)
	}
}

func TestProviders(t *testing.T) {
	c, err := fromLookup(lookup(map[string]string{
		"SENTINEL_STAGE":  "prod",
		EnvGoogleClientID: "123.apps.googleusercontent.com",
		EnvEntraTenantID:  "0b0c8a1e-5f7e-4c11-9d55-2b4b0e9f7a10",
		EnvEntraClientID:  "e2c1d9a0-0000-4000-8000-000000000001",
		EnvEntraMaxAge:    "600",
		EnvOIDCProviders: `{"corp": {"issuer": "https://id.example.com", "jwks_uri": "https://id.example.com/keys", "audience": "sentinel"},
			"short": {"issuer": "https://short.example.com", "jwks_uri": "https://short.example.com/keys", "audience": "s", "max_age": 120}}`,
		EnvAuthzTokenTTL:            "2m",
		EnvAuthzRateLimit:           "30",
		"SENTINEL_USER_KEYS_SECRET": "arn",
		"SENTINEL_ISSUER":           "https://api.example.com",
	}), token.SignUser)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]OIDCProvider{
		"google": {Name: "google", Issuers: []string{"https://accounts.google.com", "accounts.google.com"},
			JWKSURI: "https://www.googleapis.com/oauth2/v3/certs", Audience: "123.apps.googleusercontent.com", MaxAge: time.Hour},
		"entra_id": {Name: "entra_id", Issuers: []string{"https://login.microsoftonline.com/0b0c8a1e-5f7e-4c11-9d55-2b4b0e9f7a10/v2.0"},
			JWKSURI:  "https://login.microsoftonline.com/0b0c8a1e-5f7e-4c11-9d55-2b4b0e9f7a10/discovery/v2.0/keys",
			Audience: "e2c1d9a0-0000-4000-8000-000000000001", MaxAge: 10 * time.Minute},
		"corp":  {Name: "corp", Issuers: []string{"https://id.example.com"}, JWKSURI: "https://id.example.com/keys", Audience: "sentinel", MaxAge: time.Hour},
		"short": {Name: "short", Issuers: []string{"https://short.example.com"}, JWKSURI: "https://short.example.com/keys", Audience: "s", MaxAge: 2 * time.Minute},
	}
	if !reflect.DeepEqual(c.OIDCProviders, want) {
		t.Errorf("providers\n got %+v\nwant %+v", c.OIDCProviders, want)
	}
	if c.AuthzTokenTTL != 2*time.Minute || c.AuthzRateLimit != 30 {
		t.Errorf("ttl %v limit %d, want 2m 30", c.AuthzTokenTTL, c.AuthzRateLimit)
	}
}

// Every problem is reported at once, each naming its variable.
func TestAuthzProblemsInOneMessage(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		wants []string
	}{
		{"ttl", map[string]string{EnvAuthzTokenTTL: "5"}, []string{"SENTINEL_AUTHZ_TOKEN_TTL must be a duration from 1m0s to 1h0m0s"}},
		{"ttl too long", map[string]string{EnvAuthzTokenTTL: "2h"}, []string{"SENTINEL_AUTHZ_TOKEN_TTL"}},
		{"rate", map[string]string{EnvAuthzRateLimit: "0"}, []string{"SENTINEL_AUTHZ_RATE_LIMIT must be a whole number"}},
		{"rate not a number", map[string]string{EnvAuthzRateLimit: "10/min"}, []string{"SENTINEL_AUTHZ_RATE_LIMIT"}},
		{"failure limit", map[string]string{EnvAuthFailureLimit: "0"}, []string{"SENTINEL_AUTH_FAILURE_LIMIT must be a whole number"}},
		{"entra half", map[string]string{EnvEntraTenantID: "contoso.onmicrosoft.com"}, []string{"set both SENTINEL_OIDC_ENTRA_TENANT_ID and SENTINEL_OIDC_ENTRA_CLIENT_ID"}},
		{"entra multi-tenant", map[string]string{EnvEntraTenantID: "common", EnvEntraClientID: "x"}, []string{`"common" has no single issuer`}},
		{"entra bad tenant", map[string]string{EnvEntraTenantID: "a/b", EnvEntraClientID: "x"}, []string{"tenant id (GUID) or domain"}},
		{"json", map[string]string{EnvOIDCProviders: `{"corp": "https://id.example.com"}`}, []string{"SENTINEL_OIDC_PROVIDERS must be JSON"}},
		{"json typo", map[string]string{EnvOIDCProviders: `{"corp": {"issuer": "https://a", "jwks_url": "https://a/k", "audience": "x"}}`}, []string{`unknown field "jwks_url"`}},
		{"generic fields", map[string]string{EnvOIDCProviders: `{"corp": {"issuer": "http://id.example.com", "jwks_uri": "/keys", "audience": ""}}`},
			[]string{`provider "corp": issuer must be an https URL`, "jwks_uri must be an absolute URL", "audience must be 1 to 255 characters"}},
		{"preset max_age", map[string]string{EnvGoogleClientID: "x", EnvGoogleMaxAge: "1h"}, []string{"SENTINEL_OIDC_GOOGLE_MAX_AGE: max_age must be whole seconds from 60 to 86400"}},
		{"preset max_age too long", map[string]string{EnvGoogleClientID: "x", EnvGoogleMaxAge: "86401"}, []string{"SENTINEL_OIDC_GOOGLE_MAX_AGE"}},
		{"generic max_age", map[string]string{EnvOIDCProviders: `{"corp": {"issuer": "https://a", "jwks_uri": "https://a/k", "audience": "x", "max_age": 30}}`},
			[]string{`provider "corp": max_age must be whole seconds from 60 to 86400`}},
		{"generic name", map[string]string{EnvOIDCProviders: `{"Corp Login": {"issuer": "https://a", "jwks_uri": "https://a/k", "audience": "x"}}`}, []string{`provider "Corp Login": name must match`}},
		{"preset twice", map[string]string{EnvGoogleClientID: "x", EnvOIDCProviders: `{"google": {"issuer": "https://a", "jwks_uri": "https://a/k", "audience": "x"}}`},
			[]string{`provider "google": already configured by its preset variables`}},
		{"several", map[string]string{EnvAuthzTokenTTL: "x", EnvAuthzRateLimit: "x", EnvEntraClientID: "x"},
			[]string{"SENTINEL_AUTHZ_TOKEN_TTL", "SENTINEL_AUTHZ_RATE_LIMIT", "SENTINEL_OIDC_ENTRA_TENANT_ID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["SENTINEL_STAGE"] = "prod"
			_, err := fromLookup(lookup(tt.env), 0)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "configuration: missing or invalid ") {
				t.Errorf("err = %q, want the one configuration message", err)
			}
			for _, want := range tt.wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("err = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

// The local stage accepts http issuers (its dev IdP); deployed stages do not.
func TestHTTPIssuerOnlyLocally(t *testing.T) {
	env := map[string]string{"SENTINEL_STAGE": "local", EnvOIDCProviders: `{"dev": {"issuer": "http://localhost:9005", "jwks_uri": "http://localhost:9005/jwks.json", "audience": "sentinel-dev"}}`}
	if c, err := fromLookup(lookup(env), 0); err != nil || c.OIDCProviders["dev"].Issuers[0] != "http://localhost:9005" {
		t.Errorf("local: %v %v", c.OIDCProviders, err)
	}
	env["SENTINEL_STAGE"] = "prod"
	if _, err := fromLookup(lookup(env), 0); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("prod: err = %v, want https required", err)
	}
}

// Issue 17 item 7: a function never guesses its stage. No stage, a stage
// that is no stage name, or the local stage inside Lambda stop the cold
// start with a message naming SENTINEL_STAGE; only LocalFromEnv (the local
// stack and its commands) takes a missing stage as local.
func TestStageIsNeverGuessed(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // "" when accepted
	}{
		{"missing", map[string]string{}, "SENTINEL_STAGE (local for the local stack"},
		{"missing in Lambda", map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "f"}, "SENTINEL_STAGE (local for the local stack"},
		{"not a stage name", map[string]string{"SENTINEL_STAGE": "Prod!"}, `SENTINEL_STAGE "Prod!": want local or a deployed stage name`},
		{"too long", map[string]string{"SENTINEL_STAGE": "a-very-long-stage-name"}, "want local or a deployed stage name"},
		{"local in Lambda", map[string]string{"SENTINEL_STAGE": "local", "AWS_LAMBDA_FUNCTION_NAME": "f"}, "SENTINEL_STAGE local is the local stack's"},
		{"local, locally", map[string]string{"SENTINEL_STAGE": "local"}, ""},
		{"deployed, in Lambda", map[string]string{"SENTINEL_STAGE": "prod", "AWS_LAMBDA_FUNCTION_NAME": "f"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := fromLookup(lookup(tt.env), 0)
			if tt.want == "" {
				if err != nil || c.Stage != tt.env["SENTINEL_STAGE"] {
					t.Errorf("stage %q, err %v; want accepted", c.Stage, err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), "configuration: missing or invalid ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}

	t.Setenv("SENTINEL_STAGE", "")
	if _, err := FromEnv(0); err == nil {
		t.Error("FromEnv without SENTINEL_STAGE: no error")
	}
	if c, err := LocalFromEnv(0); err != nil || !c.Local() {
		t.Errorf("LocalFromEnv without SENTINEL_STAGE: stage %q, err %v; want local", c.Stage, err)
	}
	t.Setenv("SENTINEL_STAGE", "prod")
	if c, err := LocalFromEnv(0); err != nil || c.Stage != "prod" {
		t.Errorf("LocalFromEnv with SENTINEL_STAGE prod: stage %q, err %v; want prod", c.Stage, err)
	}
}

// A function is told only the secrets of the key sources its use may read,
// and refuses to start without each of them; the key directory is local
// only.
func TestKeySources(t *testing.T) {
	deployed := map[string]string{"SENTINEL_STAGE": "prod", "SENTINEL_ISSUER": "https://api.example.com",
		"SENTINEL_USER_KEYS_SECRET": "arn:user", "SENTINEL_PUBLIC_KEYS_SECRET": "arn:public"}
	for use, want := range map[token.Use]map[token.Source]string{
		token.SignUser:                     {token.UserKeys: "arn:user"},
		token.VerifyUser:                   {token.PublicKeys: "arn:public"},
		token.SignUser | token.VerifyAdmin: {token.UserKeys: "arn:user", token.PublicKeys: "arn:public"},
	} {
		c, err := fromLookup(lookup(deployed), use)
		if err != nil || !reflect.DeepEqual(c.KeySecrets, want) {
			t.Errorf("%v: secrets %v, %v; want %v", use, c.KeySecrets, err, want)
		}
	}
	_, err := fromLookup(lookup(deployed), token.SignAdmin)
	if err == nil || !strings.Contains(err.Error(), "SENTINEL_ADMIN_KEYS_SECRET") {
		t.Errorf("sign-admin without its secret: %v", err)
	}
	local := map[string]string{"SENTINEL_STAGE": "local", "SENTINEL_ISSUER": "http://localhost:9003", EnvSigningKeyDir: "/tmp/keys"}
	if c, err := fromLookup(lookup(local), token.SignAdmin); err != nil || c.SigningKeyDir != "/tmp/keys" {
		t.Errorf("local key directory: %+v, %v", c, err)
	}
	local["SENTINEL_STAGE"] = "prod"
	if _, err := fromLookup(lookup(local), token.SignAdmin); err == nil || !strings.Contains(err.Error(), EnvSigningKeyDir+" is for the local stage only") {
		t.Errorf("key directory deployed: %v", err)
	}
}

// SENTINEL_ADMIN_REQUIRE_TOTP is true or false (default false); anything
// else stops the cold start instead of silently not requiring TOTP.
func TestAdminRequireTOTP(t *testing.T) {
	for v, want := range map[string]bool{"": false, "false": false, "true": true} {
		c, err := fromLookup(lookup(map[string]string{"SENTINEL_STAGE": "local", EnvAdminRequireTOTP: v}), 0)
		if err != nil || c.AdminRequireTOTP != want {
			t.Errorf("%q: %v %v, want %v", v, c.AdminRequireTOTP, err, want)
		}
	}
	for _, v := range []string{"yes", "1", "TRUE"} {
		if _, err := fromLookup(lookup(map[string]string{"SENTINEL_STAGE": "local", EnvAdminRequireTOTP: v}), 0); err == nil || !strings.Contains(err.Error(), EnvAdminRequireTOTP) {
			t.Errorf("%q: %v, want an error naming the setting", v, err)
		}
	}
}

func TestEntraTenantAnswersAsItsRegexp(t *testing.T) {
	re := regexp.MustCompile(entraTenantText)
	guid := "72f988bf-86f1-41af-91ab-2d7cd011db47"
	cases := []string{"", "contoso.com", "contoso", "a.b", "a..b", ".a.b", "a.b.", "-a.b", "a-.b", "a-b.c-d.e",
		"xn--bcher-kva.example", "contoso.onmicrosoft.com", "con_toso.com", "con toso.com", "a.b/c",
		guid, strings.ToUpper(guid), guid[:35], guid + "0", strings.Replace(guid, "-", "", 1),
		strings.Replace(guid, "7", "g", 1), strings.Replace(guid, "-", ".", 4), guid + ".com", "1-2-3-4-5"}
	// Every string of up to 4 characters of the classes' edges too.
	const alphabet = "aZ0f-._"
	var walk func(string)
	walk = func(p string) {
		cases = append(cases, p)
		if len(p) < 4 {
			for i := range len(alphabet) {
				walk(p + alphabet[i:i+1])
			}
		}
	}
	walk("")
	for _, c := range cases {
		if got, want := isEntraTenant(c), re.MatchString(c); got != want {
			t.Errorf("isEntraTenant(%q) = %v, the regexp says %v", c, got, want)
		}
	}
}
