package token

import "crypto/sha256"

// Cached reports whether the cache holds raw, for tests.
func (c *VerifiedCache) Cached(raw string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.entries[sha256.Sum256([]byte(raw))]
	return ok
}
