// Package serviceapps manages service apps (api.md section 3): their keys
// (SHA-256 at rest, shown once), allowed origins, rotation with a grace
// period, and the lookups the auth tiers make.
package serviceapps

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"sentinel/internal/apperr"
	"sentinel/internal/authtier"
	"sentinel/internal/config"
	"sentinel/internal/pattern"
)

// App is a service app as the admin API shows it.
type App struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	ServiceName    string   `json:"service_name"`
	KeyPrefix      string   `json:"key_prefix"`
	AllowedOrigins []string `json:"allowed_origins"`
	// IdPClientIDs are, per identity provider, the OIDC client ids of the
	// app's frontends: an ID token resolves for the app only if it was
	// issued to one of them ({} when none are listed: the deployment's
	// audience applies).
	IdPClientIDs ClientIDs `json:"idp_client_ids"`
	IsActive     bool      `json:"is_active"`
	LastUsedAt   *string   `json:"last_used_at"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    string    `json:"created_at"`
	UpdatedAt    string    `json:"updated_at"`
	Keys         []KeyInfo `json:"keys"`
}

// KeyInfo describes one of an app's keys (never the key or its hash).
type KeyInfo struct {
	KeyPrefix  string  `json:"key_prefix"`
	CreatedAt  string  `json:"created_at"`
	ExpiresAt  *string `json:"expires_at"`
	LastUsedAt *string `json:"last_used_at"`
}

// Key and OriginApp are what the auth tiers learn from the store's
// lookups (LookupKey, LookupOrigin): the tiers' own types.
type (
	Key       = authtier.Key
	OriginApp = authtier.OriginApp
)

// Limits from api.md.
const (
	MaxOrigins     = 50
	MaxGracePeriod = 7 * 24 * 60 * 60
	PrefixLen      = 12
	// MaxClientIDs bounds an app's client ids over all providers (each is
	// claimed in the app's write transaction).
	MaxClientIDs = 20
	// MaxClientIDLen fits every provider's client ids (Google's are ~75
	// characters, Entra's 36).
	MaxClientIDLen = 255
)

var serviceNameRE = pattern.New(`^[a-z][a-z0-9-]*[a-z0-9]$`, "a-z", "a-z0-9-", "a-z0-9", 0, -1)

// NewKey makes a key: the stage prefix and 43 base64url characters of 32
// random bytes.
func NewKey(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// ValidateName checks a display name.
func ValidateName(name string) error {
	if strings.TrimSpace(name) == "" {
		return apperr.Field("name", "must not be empty")
	}
	if len(name) > 255 {
		return apperr.Field("name", "must be at most 255 characters")
	}
	return nil
}

// ValidateServiceName checks a service name.
func ValidateServiceName(s string) error {
	if len(s) < 2 || len(s) > 255 {
		return apperr.Field("service_name", "must be 2 to 255 characters")
	}
	if !serviceNameRE.MatchString(s) {
		return apperr.Field("service_name", "must match "+serviceNameRE.String())
	}
	return nil
}

// ValidateOrigins checks allowed_origins: at most 50 distinct exact origins.
func ValidateOrigins(origins []string) error {
	if len(origins) > MaxOrigins {
		return apperr.Field("allowed_origins", fmt.Sprintf("must have at most %d entries", MaxOrigins))
	}
	seen := map[string]bool{}
	for i, o := range origins {
		if err := validateOrigin(o); err != nil {
			return apperr.Field(fmt.Sprintf("allowed_origins[%d]", i), err.Error())
		}
		if seen[o] {
			return apperr.Field(fmt.Sprintf("allowed_origins[%d]", i), "is listed twice")
		}
		seen[o] = true
	}
	return nil
}

// validateOrigin accepts exactly what a browser sends in Origin:
// scheme://host[:port], lower case, nothing after the authority.
func validateOrigin(o string) error {
	const rule = "must be an exact origin like https://app.example.com or http://localhost:3000"
	if len(o) > authtier.MaxOriginLen {
		return fmt.Errorf("must be at most %d characters", authtier.MaxOriginLen)
	}
	if strings.Contains(o, "*") {
		return fmt.Errorf("must not contain a wildcard")
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || strings.HasSuffix(o, "?") || strings.HasSuffix(o, "#") {
		return fmt.Errorf("%s", rule)
	}
	if o != strings.ToLower(o) {
		return fmt.Errorf("must be lower case")
	}
	host, port := u.Hostname(), u.Port()
	if host == "" || (net.ParseIP(host) == nil && strings.ContainsAny(host, "[]")) {
		return fmt.Errorf("%s", rule)
	}
	if strings.HasSuffix(u.Host, ":") {
		return fmt.Errorf("%s", rule)
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("has an invalid port")
		}
		if (u.Scheme == "http" && n == 80) || (u.Scheme == "https" && n == 443) {
			return fmt.Errorf("must omit the default port (browsers do)")
		}
	}
	return nil
}

// ClientIDs are OIDC client ids by identity provider name.
type ClientIDs map[string][]string

// Normalize drops providers without client ids and returns c (never nil).
func (c ClientIDs) Normalize() ClientIDs {
	out := ClientIDs{}
	for p, ids := range c {
		if len(ids) > 0 {
			out[p] = ids
		}
	}
	return out
}

// pairs lists c as "<provider>#<client id>", sorted: the claim keys.
func (c ClientIDs) pairs() []string {
	var out []string
	for p, ids := range c {
		for _, id := range ids {
			out = append(out, p+"#"+id)
		}
	}
	slices.Sort(out)
	return out
}

// ValidateClientIDs checks idp_client_ids: provider names as the
// deployment's settings name them, and at most MaxClientIDs distinct
// client ids of 1 to MaxClientIDLen printable characters without spaces.
// Which providers the deployment configures is not checked here (only the
// authz function knows): ids of an unconfigured provider bind nothing.
func ValidateClientIDs(c ClientIDs) error {
	n := 0
	for _, p := range slices.Sorted(maps.Keys(c)) {
		field := "idp_client_ids." + p
		if !config.ProviderName.MatchString(p) {
			return apperr.Field("idp_client_ids", "provider names must match "+config.ProviderName.String())
		}
		for i, id := range c[p] {
			at := fmt.Sprintf("%s[%d]", field, i)
			if id == "" || len(id) > MaxClientIDLen || strings.IndexFunc(id, func(r rune) bool { return r <= ' ' || r == 0x7f || !unicode.IsPrint(r) }) >= 0 {
				return apperr.Field(at, fmt.Sprintf("must be 1 to %d printable characters without spaces", MaxClientIDLen))
			}
			if slices.Contains(c[p][:i], id) {
				return apperr.Field(at, "is listed twice")
			}
		}
		n += len(c[p])
	}
	if n > MaxClientIDs {
		return apperr.Field("idp_client_ids", fmt.Sprintf("must list at most %d client ids in all", MaxClientIDs))
	}
	return nil
}

// ValidateGrace checks grace_period_seconds.
func ValidateGrace(seconds int) error {
	if seconds < 0 || seconds > MaxGracePeriod {
		return apperr.Field("grace_period_seconds", fmt.Sprintf("must be from 0 to %d", MaxGracePeriod))
	}
	return nil
}
