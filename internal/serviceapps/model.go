// Package serviceapps manages service apps (api.md section 3): their keys
// (SHA-256 at rest, shown once), allowed origins, rotation with a grace
// period, and the lookups the auth tiers make.
package serviceapps

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sentinel/internal/apperr"
)

// App is a service app as the admin API shows it.
type App struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	ServiceName    string    `json:"service_name"`
	KeyPrefix      string    `json:"key_prefix"`
	AllowedOrigins []string  `json:"allowed_origins"`
	IsActive       bool      `json:"is_active"`
	LastUsedAt     *string   `json:"last_used_at"`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      string    `json:"created_at"`
	UpdatedAt      string    `json:"updated_at"`
	Keys           []KeyInfo `json:"keys"`
}

// KeyInfo describes one of an app's keys (never the key or its hash).
type KeyInfo struct {
	KeyPrefix  string  `json:"key_prefix"`
	CreatedAt  string  `json:"created_at"`
	ExpiresAt  *string `json:"expires_at"`
	LastUsedAt *string `json:"last_used_at"`
}

// Key is what the auth tier learns from a key lookup: enough to decide
// without reading the app record.
type Key struct {
	Hash        string
	AppID       string
	ServiceName string
	Name        string
	Prefix      string
	IsActive    bool
	ExpiresAt   *time.Time
	LastUsedAt  *time.Time
}

// Usable reports whether the key may authenticate at now.
func (k *Key) Usable(now time.Time) bool {
	return k.IsActive && (k.ExpiresAt == nil || now.Before(*k.ExpiresAt))
}

// Limits from api.md.
const (
	MaxOrigins     = 50
	MaxOriginLen   = 300 // scheme, a 253-character host and a port fit
	MaxGracePeriod = 7 * 24 * 60 * 60
	PrefixLen      = 12
)

var (
	serviceNameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)
	keyRE         = regexp.MustCompile(`^sk_(live|test)_[A-Za-z0-9_-]{43}$`)
)

// NewKey makes a key: the stage prefix and 43 base64url characters of 32
// random bytes.
func NewKey(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashKey is the SHA-256 (hex) stored and looked up instead of the key.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// WellFormed reports whether s has the shape of a key, so that garbage is
// refused without touching DynamoDB.
func WellFormed(s string) bool { return keyRE.MatchString(s) }

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
	if len(o) > MaxOriginLen {
		return fmt.Errorf("must be at most %d characters", MaxOriginLen)
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

// ValidateGrace checks grace_period_seconds.
func ValidateGrace(seconds int) error {
	if seconds < 0 || seconds > MaxGracePeriod {
		return apperr.Field("grace_period_seconds", fmt.Sprintf("must be from 0 to %d", MaxGracePeriod))
	}
	return nil
}
