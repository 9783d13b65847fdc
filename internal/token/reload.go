package token

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// How a reloading ring follows the keys it was loaded from: before answering
// with keys older than ReloadAfter it re-reads them (so every answer uses a
// ring at most ReloadAfter old, which the rotation protocol's PublishLead
// counts on), and at once when a token names a kid it does not know — at
// most once per retryAfter, so made-up kids cannot hammer Secrets Manager.
const (
	// ReloadAfter is the oldest a reloading ring's keys get before it re-reads them.
	ReloadAfter = 5 * time.Minute
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
// load (see ReloadAfter). Use it through its methods: its Keys field keeps
// the initial keys.
func Reloading(initial *Ring, load func() (*Ring, error), now time.Time) *Ring {
	rl := &reloader{load: load, loadedAt: now}
	rl.snapshot.Store(initial)
	return &Ring{Keys: initial.Keys, Issuer: initial.Issuer, live: rl}
}

// active returns the keys to use at now, reloading first when they are
// stale or (unknownKid) when a token named a key they lack.
func (r *Ring) active(now time.Time, unknownKid bool) *Ring {
	if r.live == nil {
		return r
	}
	rl := r.live
	rl.mu.Lock()
	due := (unknownKid || now.Sub(rl.loadedAt) >= ReloadAfter) && now.Sub(rl.triedAt) >= retryAfter
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
