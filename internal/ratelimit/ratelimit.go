// Package ratelimit counts events per key in fixed windows held in the
// Limits table, so a limit holds across every Lambda instance rather than
// per container. Counters expire by TTL once their window has passed.
//
// Counting is a conditional UpdateItem (ADD) while the key's window is open
// and a conditional PutItem that opens a new window otherwise: never
// read-then-write, so concurrent requests never lose a count. Each event
// carries a write token that its condition refuses to count twice, so an
// attempt repeated after its answer was lost counts once. Allow counts
// every event and refuses those over the limit; Take counts an event only
// while the window has room, so a limit on attempts holds before they run.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// Rule allows at most Max events per key in a fixed Window.
type Rule struct {
	Max    int
	Window time.Duration
}

// Limiter counts events in the Limits table.
type Limiter struct {
	repo dynamo.Repo
	now  func() time.Time
}

// New returns a limiter over the Limits table.
func New(db dynamo.DB, table string, now func() time.Time) *Limiter {
	return &Limiter{repo: dynamo.Repo{DB: db, Table: table}, now: now}
}

// counter is one key's window in the Limits table.
type counter struct {
	PK     string `dynamodbav:"pk"`
	Count  int    `dynamodbav:"count"`
	Window int64  `dynamodbav:"window_start"`
	TTL    int64  `dynamodbav:"ttl"`
	// Reqs are the write tokens of the events counted below the limit.
	Reqs []string `dynamodbav:"reqs,stringset,omitempty"`
}

// retryAfter is the whole seconds (rounded up, at least 1) until c's window
// ends, or 0 when it holds fewer than max events or has ended.
func (c counter) retryAfter(max int, window time.Duration, now time.Time) int {
	end := time.Unix(c.Window, 0).Add(window)
	if c.Count < max || !now.Before(end) {
		return 0
	}
	return int(end.Sub(now).Seconds()) + 1
}

// Slot is an event Take counted: the window it was counted in and its
// write token, so Refund can give it back while that window lasts.
type Slot struct {
	key    string
	window int64
	token  string
}

// Take counts one event for key only while its window holds fewer than
// rule.Max: it answers the slot taken, or the seconds to wait (> 0) when
// the window is full, counting nothing then. For limits on attempts that
// must be counted before they are tried (a password check): of any number
// of concurrent callers at most rule.Max take a slot in a window. One
// conditional UpdateItem, plus a conditional PutItem when a window opens.
func (l *Limiter) Take(ctx context.Context, key string, rule Rule) (Slot, int, error) {
	tok := dynamo.Token()
	var slot Slot
	wait := 0
	err := dynamo.Retry(ctx, func(err error) bool { return err == errMoved }, func() error {
		now := l.now()
		c, counted, err := l.count(ctx, key, tok, rule, now)
		if err != nil {
			return err
		}
		if counted {
			slot, wait = Slot{key: key, window: c.Window, token: tok}, 0
			return nil
		}
		if wait = c.retryAfter(rule.Max, rule.Window, now); wait > 0 {
			return nil
		}
		return errMoved // a slot was given back meanwhile: take it
	})
	if err == errMoved {
		return Slot{}, 0, fmt.Errorf("count rate limit %s: %w after %d attempts", key, err, dynamo.Attempts)
	}
	return slot, wait, err
}

// Refund gives back a slot Take counted (an attempt that succeeded, or
// that another limit refused), unless its window has ended since. One
// conditional UpdateItem, which its slot's token makes count once.
func (l *Limiter) Refund(ctx context.Context, s Slot) error {
	_, err := dynamo.UpdateItem(ctx, l.repo.DB,
		l.repo.Update(pk(s.key), "ADD #count :minus DELETE reqs :tok", "window_start = :w AND contains(reqs, :t)",
			dynamo.Item{":minus": dynamo.N(-1), ":tok": tokens(s.token), ":t": dynamo.S(s.token), ":w": dynamo.N(s.window)}),
		ddb.ReturnValueNone)
	if err != nil && !dynamo.IsConditionFailed(err) {
		return fmt.Errorf("refund rate limit %s: %w", s.key, err)
	}
	return nil
}

// Allow counts one event for key and reports the seconds to wait when it
// is over rule.Max in the window (0: allowed). Refused events count too, so
// a client that keeps trying stays limited until the window ends. One
// UpdateItem while the window has room (plus a PutItem when a new window
// opens); an event over the limit takes two.
func (l *Limiter) Allow(ctx context.Context, key string, rule Rule) (int, error) {
	tok := dynamo.Token()
	now := l.now()
	wait := 0
	err := dynamo.Retry(ctx, func(err error) bool { return err == errMoved }, func() error {
		c, counted, err := l.count(ctx, key, tok, rule, now)
		if err != nil || counted {
			wait = 0
			return err
		}
		// Over the limit: counted without a token, as a refused event's
		// count decides nothing more (a repeat only adds to it) and a
		// token per refused event would grow the item with a flood.
		attrs, err := dynamo.UpdateItem(ctx, l.repo.DB,
			l.repo.Update(pk(key), "ADD #count :one", "window_start = :w", dynamo.Item{":one": dynamo.N(1), ":w": dynamo.N(c.Window)}),
			ddb.ReturnValueAllNew)
		if dynamo.IsConditionFailed(err) {
			return errMoved // the window ended meanwhile: count in the next
		}
		if err != nil {
			return fmt.Errorf("count rate limit %s: %w", key, err)
		}
		if c, err = decode(key, attrs); err != nil {
			return err
		}
		wait = c.retryAfter(rule.Max, rule.Window, now)
		return nil
	})
	if err == errMoved {
		return 0, fmt.Errorf("count rate limit %s: %w after %d attempts", key, err, dynamo.Attempts)
	}
	return wait, err
}

// errMoved is a lost race between adding to a window that just ended and
// opening the next one: another writer moved the window, so another round
// (under the retry policy) almost always settles it.
var errMoved = errors.New("window kept moving")

// count adds the event tok names to key's window while it is open and
// holds fewer than rule.Max events, else opens a new window holding it
// when the last one has ended (or there is none). It answers the counter
// after the event (counted), or the full window as it is (not counted).
//
// The event's token goes into the window's reqs set with it, and the
// condition refuses a token already there: an attempt that landed but
// whose answer was lost, repeated by the SDK, fails its condition instead
// of counting twice, and the item that condition saw (dynamo.FailedItem)
// holds the token: counted. The set holds at most rule.Max tokens a window
// (Refund takes its slot's out).
func (l *Limiter) count(ctx context.Context, key, tok string, rule Rule, now time.Time) (counter, bool, error) {
	open := dynamo.N(now.Add(-rule.Window).Unix())
	attrs, err := dynamo.UpdateItem(ctx, l.repo.DB,
		l.repo.Update(pk(key), "ADD #count :one, reqs :tok", "window_start > :open AND #count < :max AND NOT contains(reqs, :t)",
			dynamo.Item{":one": dynamo.N(1), ":tok": tokens(tok), ":t": dynamo.S(tok), ":open": open, ":max": dynamo.N(rule.Max)}),
		ddb.ReturnValueAllNew)
	if err == nil {
		c, err := decode(key, attrs)
		return c, err == nil, err
	}
	if !dynamo.IsConditionFailed(err) {
		return counter{}, false, fmt.Errorf("count rate limit %s: %w", key, err)
	}
	old, seen, err := l.seen(key, tok, err)
	if err != nil || seen {
		return old, seen, err
	}
	if old.PK != "" && now.Before(time.Unix(old.Window, 0).Add(rule.Window)) {
		return old, false, nil // full
	}
	c := counter{PK: key, Count: 1, Window: now.Unix(), TTL: now.Add(rule.Window).Unix() + 60, Reqs: []string{tok}}
	err = dynamo.PutItem(ctx, l.repo.DB, l.repo.Put(c, "attribute_not_exists(pk) OR window_start <= :open", dynamo.Item{":open": open}))
	if !dynamo.IsConditionFailed(err) {
		if err != nil {
			return counter{}, false, fmt.Errorf("open rate limit window %s: %w", key, err)
		}
		return c, true, nil
	}
	if c, seen, err := l.seen(key, tok, err); err != nil || seen {
		return c, seen, err
	}
	return counter{}, false, errMoved // another event opened the window first: count in it
}

// seen decodes the counter a failed condition saw (PK "" when none) and
// reports whether it holds tok: the event was counted by an earlier
// attempt of the same write.
func (l *Limiter) seen(key, tok string, failed error) (counter, bool, error) {
	item, found := dynamo.FailedItem(failed)
	if !found {
		return counter{}, false, nil
	}
	c, err := decode(key, item)
	if err != nil {
		return counter{}, false, err
	}
	return c, slices.Contains(c.Reqs, tok), nil
}

func decode(key string, item dynamo.Item) (counter, error) {
	var c counter
	if err := ddb.UnmarshalMap(item, &c); err != nil {
		return counter{}, fmt.Errorf("decode rate limit %s: %w", key, err)
	}
	return c, nil
}

func tokens(tok string) ddb.AttributeValue {
	return &ddb.AttributeValueMemberSS{Value: []string{tok}}
}

func pk(key string) dynamo.Item { return dynamo.Item{"pk": dynamo.S(key)} }
