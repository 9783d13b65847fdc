package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"sentinel/internal/pattern"
)

// The variables of authz mode. The CDK stack sets them from its context
// on the functions that read them; `make dev` sets SENTINEL_OIDC_PROVIDERS
// to register its dev IdP.
const (
	// EnvAuthzTokenTTL is the authz token lifetime, a Go duration ("5m").
	EnvAuthzTokenTTL = "SENTINEL_AUTHZ_TOKEN_TTL"
	// EnvAuthzRateLimit is /authz/resolve requests per minute per client IP.
	EnvAuthzRateLimit = "SENTINEL_AUTHZ_RATE_LIMIT"
	// EnvOIDCProviders holds generic providers as JSON:
	// {"<name>": {"issuer": "...", "jwks_uri": "...", "audience": "...", "max_age": 3600}}
	// (max_age optional, seconds).
	EnvOIDCProviders = "SENTINEL_OIDC_PROVIDERS"
	// EnvGoogleClientID enables the preset provider "google": Google's
	// issuer and keys, with this OAuth client id as the audience.
	EnvGoogleClientID = "SENTINEL_OIDC_GOOGLE_CLIENT_ID"
	// EnvEntraTenantID and EnvEntraClientID enable the preset provider
	// "entra_id": the tenant's v2.0 issuer and keys, with the application
	// (client) id as the audience.
	EnvEntraTenantID = "SENTINEL_OIDC_ENTRA_TENANT_ID"
	EnvEntraClientID = "SENTINEL_OIDC_ENTRA_CLIENT_ID"
	// EnvGoogleMaxAge and EnvEntraMaxAge are the presets' max_age: the
	// oldest ID token (by its iat), in seconds, that /authz/resolve takes.
	// Generic providers set "max_age" in their JSON.
	EnvGoogleMaxAge = "SENTINEL_OIDC_GOOGLE_MAX_AGE"
	EnvEntraMaxAge  = "SENTINEL_OIDC_ENTRA_MAX_AGE"
)

// AuthzSettings lists every variable of authz mode.
var AuthzSettings = []string{EnvAuthzTokenTTL, EnvAuthzRateLimit, EnvOIDCProviders, EnvGoogleClientID, EnvGoogleMaxAge, EnvEntraTenantID, EnvEntraClientID, EnvEntraMaxAge}

// Bounds of a provider's max_age.
const (
	DefaultMaxAge = time.Hour
	minMaxAge     = time.Minute
	maxMaxAge     = 24 * time.Hour
)

// Names of the preset providers.
const (
	Google  = "google"
	EntraID = "entra_id"
)

// OIDCProvider is an identity provider whose ID tokens /authz/resolve
// accepts.
type OIDCProvider struct {
	Name string
	// Issuers are the iss values its tokens may carry: one, except for
	// Google, which signs both "https://accounts.google.com" and
	// "accounts.google.com".
	Issuers []string
	// JWKSURI is where its public signing keys are published.
	JWKSURI string
	// Audience is the aud its tokens must carry (the OAuth client id)
	// when the calling app lists no client ids of its own for the provider.
	Audience string
	// MaxAge is the oldest ID token, by its iat, that is accepted: a token
	// replayed long after its user signed in is refused even before exp.
	MaxAge time.Duration
}

// providerJSON is one entry of SENTINEL_OIDC_PROVIDERS.
type providerJSON struct {
	Issuer   string `json:"issuer"`
	JWKSURI  string `json:"jwks_uri"`
	Audience string `json:"audience"`
	MaxAge   *int   `json:"max_age"` // seconds
}

// ProviderName is what an identity provider's name looks like, in the
// settings, in a resolve request and in a service app's idp_client_ids.
var ProviderName = pattern.New(`^[a-z][a-z0-9_-]{0,63}$`, "a-z", "a-z0-9_-", "", 0, 63)

// entraTenantText is what an Entra tenant is, as a regular expression: its
// id (a GUID) or a verified domain. isEntraTenant implements it.
const entraTenantText = `^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)+)$`

var (
	hexDigit    = pattern.New(`^[0-9a-fA-F][0-9a-fA-F]*$`, "0-9a-fA-F", "0-9a-fA-F", "", 0, -1)
	domainLabel = pattern.New(`^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$`, "a-zA-Z0-9", "a-zA-Z0-9-", "a-zA-Z0-9", 0, -1)
	alnum       = pattern.New(`^[a-zA-Z0-9]$`, "a-zA-Z0-9", "", "", 0, 0)
)

func isEntraTenant(t string) bool {
	if parts := strings.Split(t, "-"); len(parts) == 5 {
		guid := true
		for i, n := range []int{8, 4, 4, 4, 12} {
			guid = guid && len(parts[i]) == n && hexDigit.MatchString(parts[i])
		}
		if guid {
			return true
		}
	}
	labels := strings.Split(t, ".")
	for _, l := range labels {
		if !alnum.MatchString(l) && !domainLabel.MatchString(l) {
			return false
		}
	}
	return len(labels) >= 2
}

// readProviders reads the presets and the generic providers and returns
// them by name with what is wrong with them. Plain http URLs are accepted
// on the local stage only (its dev IdP).
func readProviders(getenv func(string) string, local bool) (map[string]OIDCProvider, []string) {
	providers := map[string]OIDCProvider{}
	var problems []string
	if id := strings.TrimSpace(getenv(EnvGoogleClientID)); id != "" {
		providers[Google] = OIDCProvider{
			Name:     Google,
			Issuers:  []string{"https://accounts.google.com", "accounts.google.com"},
			JWKSURI:  "https://www.googleapis.com/oauth2/v3/certs",
			Audience: id,
			MaxAge:   readMaxAge(getenv, EnvGoogleMaxAge, &problems),
		}
	}
	tenant, client := strings.TrimSpace(getenv(EnvEntraTenantID)), strings.TrimSpace(getenv(EnvEntraClientID))
	switch {
	case tenant == "" && client == "":
	case tenant == "" || client == "":
		problems = append(problems, fmt.Sprintf("set both %s and %s for the entra_id provider, or neither", EnvEntraTenantID, EnvEntraClientID))
	case slices.Contains([]string{"common", "organizations", "consumers"}, strings.ToLower(tenant)):
		problems = append(problems, fmt.Sprintf("%s must name one tenant (its id or domain): %q has no single issuer", EnvEntraTenantID, tenant))
	case !isEntraTenant(tenant):
		problems = append(problems, fmt.Sprintf("%s must be a tenant id (GUID) or domain", EnvEntraTenantID))
	default:
		providers[EntraID] = OIDCProvider{
			Name:     EntraID,
			Issuers:  []string{"https://login.microsoftonline.com/" + tenant + "/v2.0"},
			JWKSURI:  "https://login.microsoftonline.com/" + tenant + "/discovery/v2.0/keys",
			Audience: client,
			MaxAge:   readMaxAge(getenv, EnvEntraMaxAge, &problems),
		}
	}
	raw := strings.TrimSpace(getenv(EnvOIDCProviders))
	if raw == "" {
		return providers, problems
	}
	var generic map[string]providerJSON
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&generic); err != nil {
		return providers, append(problems, fmt.Sprintf(`%s must be JSON {"<name>": {"issuer": "...", "jwks_uri": "...", "audience": "...", "max_age": <seconds, optional>}} (%v)`, EnvOIDCProviders, err))
	}
	for _, name := range slices.Sorted(maps.Keys(generic)) {
		p := generic[name]
		where := fmt.Sprintf("%s provider %q", EnvOIDCProviders, name)
		if !ProviderName.MatchString(name) {
			problems = append(problems, where+": name must match "+ProviderName.String())
			continue
		}
		if _, taken := providers[name]; taken {
			problems = append(problems, where+": already configured by its preset variables")
			continue
		}
		var bad []string
		if err := checkURL(p.Issuer, local); err != nil {
			bad = append(bad, "issuer "+err.Error())
		}
		if err := checkURL(p.JWKSURI, local); err != nil {
			bad = append(bad, "jwks_uri "+err.Error())
		}
		if strings.TrimSpace(p.Audience) == "" || len(p.Audience) > 255 {
			bad = append(bad, "audience must be 1 to 255 characters")
		}
		maxAge := DefaultMaxAge
		if p.MaxAge != nil {
			maxAge = time.Duration(*p.MaxAge) * time.Second
			if maxAge < minMaxAge || maxAge > maxMaxAge {
				bad = append(bad, maxAgeRule)
			}
		}
		if len(bad) > 0 {
			problems = append(problems, where+": "+strings.Join(bad, "; "))
			continue
		}
		providers[name] = OIDCProvider{Name: name, Issuers: []string{p.Issuer}, JWKSURI: p.JWKSURI, Audience: p.Audience, MaxAge: maxAge}
	}
	return providers, problems
}

var maxAgeRule = fmt.Sprintf("max_age must be whole seconds from %d to %d", int(minMaxAge.Seconds()), int(maxMaxAge.Seconds()))

// readMaxAge reads a preset's max_age variable (seconds; unset: the
// default), adding what is wrong with it to problems.
func readMaxAge(getenv func(string) string, name string, problems *[]string) time.Duration {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return DefaultMaxAge
	}
	n, err := strconv.Atoi(v)
	d := time.Duration(n) * time.Second
	if err != nil || d < minMaxAge || d > maxMaxAge {
		*problems = append(*problems, name+": "+maxAgeRule)
	}
	return d
}

// checkURL accepts an absolute https URL (http too on the local stage)
// without query or fragment.
func checkURL(raw string, local bool) error {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("must be an absolute URL without query or fragment")
	}
	if u.Scheme != "https" && !(local && u.Scheme == "http") {
		return fmt.Errorf("must be an https URL (http only on the local stage)")
	}
	return nil
}
