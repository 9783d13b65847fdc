package system

import (
	"net/http"
	"time"

	"sentinel/internal/adminauth"
	"sentinel/internal/authtier"
	"sentinel/internal/token"
)

// Settings is the answer of GET /admin/settings: what the deployment is
// configured with, read-only, no secret.
type Settings struct {
	Stage   string `json:"stage"`
	Version string `json:"version"`
	Issuer  string `json:"issuer"`
	// Token lifetimes, in seconds.
	AuthzTokenSeconds   int64 `json:"authz_token_seconds"`
	MaxTokenSeconds     int64 `json:"max_token_seconds"`
	AdminSessionSeconds int64 `json:"admin_session_seconds"`
	// Rate limits: requests or failures a minute per client IP, failed
	// sign-ins per email per window.
	AuthzResolvePerMinute     int   `json:"authz_resolve_per_minute"`
	AuthFailuresPerMinute     int   `json:"auth_failures_per_minute"`
	AdminLoginFailuresPerIP   int   `json:"admin_login_failures_per_ip_minute"`
	AdminLoginFailuresByEmail int   `json:"admin_login_failures_per_email"`
	AdminLoginEmailWindowSecs int64 `json:"admin_login_email_window_seconds"`
	// KeyCacheSeconds bounds how long a function answers from a cached
	// service key or user status (a revoked key works at most that long).
	KeyCacheSeconds int64 `json:"key_cache_seconds"`
	// JWKSMaxAgeSeconds is how long clients may cache the JWKS.
	JWKSMaxAgeSeconds int64 `json:"jwks_max_age_seconds"`
	AdminRequireTOTP  bool  `json:"admin_require_totp"`
	// AdminOrigins are the origins whose pages may call the admin API: only
	// the admin site's own (it is served with the API behind one origin;
	// the admin API sends no CORS headers), so this is always
	// ["same-origin"].
	AdminOrigins      []string           `json:"admin_origins"`
	IdentityProviders []ProviderSettings `json:"identity_providers"`
}

// ProviderSettings is one identity provider /authz/resolve accepts.
type ProviderSettings struct {
	Name      string   `json:"name"`
	Issuers   []string `json:"issuers"`
	JWKSURI   string   `json:"jwks_uri"`
	Audiences []string `json:"audiences"` // the default audience; apps may list their own client ids
	MaxAge    int64    `json:"max_age_seconds"`
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }

// Settings serves GET /admin/settings.
func (h Handlers) Settings(*http.Request) (int, any, error) {
	c := h.Config
	out := Settings{
		Stage: c.Stage, Version: c.Version, Issuer: c.Issuer,
		AuthzTokenSeconds: seconds(c.AuthzTokenTTL), MaxTokenSeconds: seconds(token.MaxTTL), AdminSessionSeconds: seconds(adminauth.TokenTTL),
		AuthzResolvePerMinute: c.AuthzRateLimit, AuthFailuresPerMinute: c.AuthFailureLimit,
		AdminLoginFailuresPerIP: adminauth.IPFailures, AdminLoginFailuresByEmail: adminauth.EmailFailures, AdminLoginEmailWindowSecs: seconds(adminauth.EmailWindow),
		KeyCacheSeconds: seconds(authtier.CacheTTL), JWKSMaxAgeSeconds: seconds(token.JWKSMaxAge),
		AdminRequireTOTP: c.AdminRequireTOTP, AdminOrigins: []string{"same-origin"},
		IdentityProviders: []ProviderSettings{},
	}
	for _, name := range h.IdPs.Providers() {
		p := c.OIDCProviders[name]
		audiences := []string{}
		if p.Audience != "" {
			audiences = append(audiences, p.Audience)
		}
		out.IdentityProviders = append(out.IdentityProviders, ProviderSettings{
			Name: name, Issuers: append([]string{}, p.Issuers...), JWKSURI: p.JWKSURI, Audiences: audiences, MaxAge: seconds(p.MaxAge),
		})
	}
	return 200, out, nil
}
