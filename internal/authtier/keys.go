package authtier

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"sentinel/internal/pattern"
)

// What the tiers look up in the service apps (internal/serviceapps
// implements Apps over its table): keys by hash, apps by allowed origin.

// MaxOriginLen is the longest Origin looked up (and allowed on an app):
// a scheme, a 253-character host and a port fit.
const MaxOriginLen = 300

// keyText is a service key's shape as a regular expression; WellFormed
// implements it.
const keyText = `^sk_(live|test)_[A-Za-z0-9_-]{43}$`

var keySecret = pattern.New(`^[A-Za-z0-9_-]{43}$`, "A-Za-z0-9_-", "A-Za-z0-9_-", "", 42, 42)

// WellFormed reports whether s has the shape of a service key, so that
// garbage is refused without touching DynamoDB.
func WellFormed(s string) bool {
	rest, ok := strings.CutPrefix(s, "sk_live_")
	if !ok {
		rest, ok = strings.CutPrefix(s, "sk_test_")
	}
	return ok && keySecret.MatchString(rest)
}

// HashKey is the SHA-256 (hex) stored and looked up instead of the key.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Key is what the tier learns from a key lookup: enough to decide without
// reading the app record.
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

// OriginApp is the app an allowed origin belongs to.
type OriginApp struct {
	AppID, ServiceName, Name string
	IsActive                 bool
}
