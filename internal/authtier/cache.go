package authtier

import (
	"context"
	"sync"
	"time"
)

// CacheTTL bounds how long a function keeps answering from a cached key,
// origin or user-status lookup: a revoked, rotated, deactivated or deleted
// key stops working everywhere within this delay (api.md section 3: at
// most 5 s), and so do a deactivated user's tokens (section 8).
const CacheTTL = 5 * time.Second

// maxEntries bounds the cache; random keys cannot grow it without limit.
const maxEntries = 10000

// cache maps a key hash (or an origin, or a user id) to a lookup result,
// including negative results ("no such key"), for CacheTTL.
type cache[V any] struct {
	mu      sync.Mutex
	entries map[string]cached[V]
}

type cached[V any] struct {
	value   V
	found   bool
	expires time.Time
}

// lookup answers from the cache, or loads and caches the answer (found or
// not: negative answers are cached too, so repeated unknown keys cost one
// lookup per CacheTTL). Errors are not cached.
func (c *cache[V]) lookup(ctx context.Context, k string, now time.Time, load func(context.Context, string) (V, bool, error)) (V, bool, error) {
	if v, found, hit := c.get(k, now); hit {
		return v, found, nil
	}
	v, found, err := load(ctx, k)
	if err != nil {
		return v, false, err
	}
	c.put(k, v, found, now)
	return v, found, nil
}

func (c *cache[V]) get(k string, now time.Time) (V, bool, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || !now.Before(e.expires) {
		var zero V
		return zero, false, false
	}
	return e.value, e.found, true
}

func (c *cache[V]) put(k string, v V, found bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cached[V]{}
	}
	if len(c.entries) >= maxEntries {
		for key, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, key)
			}
		}
		if len(c.entries) >= maxEntries {
			clear(c.entries)
		}
	}
	c.entries[k] = cached[V]{value: v, found: found, expires: now.Add(CacheTTL)}
}
