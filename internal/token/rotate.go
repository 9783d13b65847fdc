package token

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// The rotation protocol. Backends verify Sentinel's tokens themselves from
// the JWKS, which they may cache for JWKSMaxAge, and each function re-reads
// its ring at least every ReloadAfter (reload.go). So a rotation goes in
// stages, each a property of the stored ring and the clock, not of any
// running process:
//
//  1. next: the new key is stored with SignsFrom = now + PublishLead. It is
//     published (in the JWKS, and accepted by every verifier) but signs
//     nothing. Within ReloadAfter every function holds it, and within
//     ReloadAfter + JWKSMaxAge every JWKS a backend caches includes it.
//  2. current: from SignsFrom on, every function signs with it, all at the
//     same moment by the clock. The key it replaced becomes previous.
//  3. previous, then retired: the old key stays published until its last
//     token has expired (Retention after its successor began signing), and
//     then leaves the JWKS and is refused.
//
// A rotation is refused while a next key is still waiting, so a ring holds
// at most one next key.
const (
	// JWKSMaxAge is how long a client may cache the JWKS (its Cache-Control).
	JWKSMaxAge = 5 * time.Minute
	// PublishLead is how long a new key is published before it signs:
	// longer than JWKSMaxAge + ReloadAfter, with a margin.
	PublishLead = 15 * time.Minute
	// Retention is how long a key stays published after it stopped
	// signing: MaxTTL, and a margin for clock skew.
	Retention = MaxTTL + 5*time.Minute
)

// Stage is where a key is in the rotation protocol at a moment.
type Stage string

// The stages.
const (
	StageNext     Stage = "next"     // published, not signing yet
	StageCurrent  Stage = "current"  // signing
	StagePrevious Stage = "previous" // published until its tokens have expired
	StageRetired  Stage = "retired"  // no longer published or accepted
)

// stage is the stage of r.Keys[i] at now.
func (r *Ring) stage(i int, now time.Time) Stage {
	k := r.Keys[i]
	if k.SignsFrom.After(now) {
		return StageNext
	}
	if i == len(r.Keys)-1 || r.Keys[i+1].SignsFrom.After(now) {
		return StageCurrent
	}
	// Its successor's start is unknown in a bundle from before the
	// protocol: it stays until the next rotation drops it.
	if succ := r.Keys[i+1].SignsFrom; !succ.IsZero() && !now.Before(succ.Add(Retention)) {
		return StageRetired
	}
	return StagePrevious
}

// current is the signing key at now.
func (r *Ring) current(now time.Time) (Key, bool) {
	for i := range slices.Backward(r.Keys) {
		if r.stage(i, now) == StageCurrent {
			return r.Keys[i], true
		}
	}
	return Key{}, false
}

// Current returns the key that signs at now.
func (r *Ring) Current(now time.Time) (Key, bool) { return r.active(now, false).current(now) }

// published lists the keys published at now: current, next, then previous
// (newest first).
func (r *Ring) published(now time.Time) []Key {
	var cur, next, prev []Key
	for i, k := range r.Keys {
		switch r.stage(i, now) {
		case StageCurrent:
			cur = append(cur, k)
		case StageNext:
			next = append(next, k)
		case StagePrevious:
			prev = append(prev, k)
		}
	}
	slices.Reverse(prev)
	return slices.Concat(cur, next, prev)
}

// Published returns the keys published (and accepted) at now: current,
// next, then previous.
func (r *Ring) Published(now time.Time) []Key { return r.active(now, false).published(now) }

// KeyStatus is one key's place in the protocol, for operators.
type KeyStatus struct {
	ID    string
	Stage Stage
	// SignsFrom is when it signs (zero: from before the protocol).
	SignsFrom time.Time
	// Until is when its stage ends: a next key's SignsFrom, a previous
	// key's retirement; zero when no end is set yet.
	Until time.Time
}

// Status lists every key's stage at now, newest first (a reloading ring's
// keys as of now: see ReloadAfter).
func (r *Ring) Status(now time.Time) []KeyStatus {
	r = r.active(now, false)
	var out []KeyStatus
	for i := range slices.Backward(r.Keys) {
		k := r.Keys[i]
		st := KeyStatus{ID: k.ID, Stage: r.stage(i, now), SignsFrom: k.SignsFrom}
		switch {
		case st.Stage == StageNext:
			st.Until = k.SignsFrom
		case i+1 < len(r.Keys) && !r.Keys[i+1].SignsFrom.IsZero():
			st.Until = r.Keys[i+1].SignsFrom.Add(Retention)
		}
		out = append(out, st)
	}
	return out
}

// ErrPending refuses a rotation while the previous one's next key has not
// begun signing.
var ErrPending = errors.New("a rotation is in progress")

// WithNext returns the ring after stage 1 of a rotation at now: k added as
// the next key (signing from now + PublishLead; at once when the ring is
// empty, as nothing can hold a token or a JWKS of it yet), retired keys
// dropped, and so are previous keys from before the protocol.
func (r *Ring) WithNext(k Key, now time.Time) (*Ring, error) {
	var kept []Key
	for i, old := range r.Keys {
		switch r.stage(i, now) {
		case StageNext:
			return nil, fmt.Errorf("%w: key %s signs from %s; rotate again after that", ErrPending, old.ID, old.SignsFrom.UTC().Format(time.RFC3339))
		case StageRetired:
			continue
		case StagePrevious:
			if r.Keys[i+1].SignsFrom.IsZero() {
				continue
			}
		}
		kept = append(kept, old)
	}
	k.SignsFrom = now.Add(PublishLead)
	if len(kept) == 0 {
		k.SignsFrom = now
	}
	return NewRing(r.Issuer, append(kept, k)...), nil
}
