package authtier

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"sentinel/internal/apperr"
	"sentinel/internal/web"
)

// CacheTTL bounds how long a function keeps answering from a cached key,
// origin or user-status lookup: a revoked, rotated, deactivated or deleted
// key stops working everywhere within this delay (api.md section 3: at
// most 5 s), and so do a deactivated user's tokens (section 8).
const CacheTTL = 5 * time.Second

// OutageTTL bounds how long a cached lookup keeps answering while
// DynamoDB cannot be reached (it times out, fails or throttles after
// retries): during such an outage only, the revocation delay widens from
// CacheTTL to at most OutageTTL. Lookups never cached fail with a 503.
const OutageTTL = 5 * time.Minute

// staleLoadTimeout bounds a reload when a stale answer could stand in for
// it, so that a hung DynamoDB costs a request this, not its whole budget.
const staleLoadTimeout = time.Second

// maxEntries bounds the cache; random keys cannot grow it without limit.
const maxEntries = 10000

// cache maps a key hash (or an origin, or a user id) to a lookup result,
// including negative results ("no such key"), for CacheTTL (OutageTTL
// while the lookup fails).
type cache[V any] struct {
	mu      sync.Mutex
	entries map[string]cached[V]
}

type cached[V any] struct {
	value  V
	found  bool
	loaded time.Time
}

// lookup answers from the cache, or loads and caches the answer (found or
// not: negative answers are cached too, so repeated unknown keys cost one
// lookup per CacheTTL). Errors are not cached; a load that fails because
// DynamoDB is unavailable is answered from an entry up to OutageTTL old.
func (c *cache[V]) lookup(ctx context.Context, k string, now time.Time, load func(context.Context, string) (V, bool, error)) (V, bool, error) {
	e, ok := c.get(k)
	if ok && now.Before(e.loaded.Add(CacheTTL)) {
		return e.value, e.found, nil
	}
	stale := ok && now.Before(e.loaded.Add(OutageTTL))
	lctx := ctx
	if stale {
		var cancel context.CancelFunc
		lctx, cancel = context.WithTimeout(ctx, staleLoadTimeout)
		defer cancel()
	}
	v, found, err := load(lctx, k)
	if err != nil {
		if stale && unavailable(err) {
			slog.Warn("lookup failed; answering from the cache", "request_id", web.RequestID(ctx), "age", now.Sub(e.loaded).String(), "err", err)
			return e.value, e.found, nil
		}
		return v, false, err
	}
	c.put(k, v, found, now)
	return v, found, nil
}

// unavailable reports a dependency's failure (see package budget), as
// opposed to an answer.
func unavailable(err error) bool {
	return apperr.Is(err, apperr.Unavailable) || errors.Is(err, context.DeadlineExceeded)
}

func (c *cache[V]) get(k string) (cached[V], bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	return e, ok
}

func (c *cache[V]) put(k string, v V, found bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cached[V]{}
	}
	if len(c.entries) >= maxEntries {
		for key, e := range c.entries {
			if !now.Before(e.loaded.Add(OutageTTL)) {
				delete(c.entries, key)
			}
		}
		if len(c.entries) >= maxEntries {
			clear(c.entries)
		}
	}
	c.entries[k] = cached[V]{value: v, found: found, loaded: now}
}
