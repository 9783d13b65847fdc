package token

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// How a reloading ring follows the keys it was loaded from: it re-reads
// them when they are older than reloadAfter (so a rotation reaches warm
// function instances, which then sign with the new key and publish it), and
// at once when a token names a kid it does not know (a token signed by an
// instance that already has the new key) — at most once per retryAfter, so
// made-up kids cannot hammer Secrets Manager.
const (
	reloadAfter = 5 * time.Minute
	retryAfter  = 30 * time.Second
)

type reloader struct {
	load     func() (*Ring, error)
	snapshot atomic.Pointer[Ring]

	mu       sync.Mutex
	loadedAt time.Time
	triedAt  time.Time
}

// Reloading returns a ring that starts as initial and re-reads itself with
// load (see reloadAfter). Use it through its methods: its Current and
// Previous fields keep the initial keys.
func Reloading(initial *Ring, load func() (*Ring, error), now time.Time) *Ring {
	rl := &reloader{load: load, loadedAt: now}
	rl.snapshot.Store(initial)
	return &Ring{Current: initial.Current, Previous: initial.Previous, Issuer: initial.Issuer, live: rl}
}

// active returns the keys to use at now, reloading first when they are
// stale or (unknownKid) when a token named a key they lack.
func (r *Ring) active(now time.Time, unknownKid bool) *Ring {
	if r.live == nil {
		return r
	}
	rl := r.live
	rl.mu.Lock()
	due := (unknownKid || now.Sub(rl.loadedAt) >= reloadAfter) && now.Sub(rl.triedAt) >= retryAfter
	if due {
		rl.triedAt = now
	}
	rl.mu.Unlock()
	if due {
		if next, err := rl.load(); err != nil {
			// Keep serving with the keys we have; the next attempt is retryAfter away.
			slog.Warn("reload signing keys", "err", err)
		} else {
			rl.snapshot.Store(next)
			rl.mu.Lock()
			rl.loadedAt = now
			rl.mu.Unlock()
		}
	}
	return rl.snapshot.Load()
}
