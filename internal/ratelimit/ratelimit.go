// Package ratelimit counts events per key in fixed windows held in the
// Limits table, so a limit holds across every Lambda instance rather than
// per container. Counters expire by TTL once their window has passed.
//
// Counting is a conditional UpdateItem (ADD) while the key's window is open
// and a conditional PutItem that opens a new window otherwise: never
// read-then-write, so concurrent requests never lose a count. Allow counts
// every event and refuses those over the limit; Take counts an event only
// while the window has room, so a limit on attempts holds before they run.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"sentinel/internal/dynamo"
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

// Slot is an event Take counted: the window it was counted in, so Refund
// can give it back while that window lasts.
type Slot struct {
	key    string
	window int64
}

// Take counts one event for key only while its window holds fewer than
// rule.Max: it answers the slot taken, or the seconds to wait (> 0) when
// the window is full, counting nothing then. For limits on attempts that
// must be counted before they are tried (a password check): of any number
// of concurrent callers at most rule.Max take a slot in a window. One
// conditional UpdateItem; when it is refused, a consistent GetItem tells a
// full window from an ended one, and a conditional PutItem opens the next.
func (l *Limiter) Take(ctx context.Context, key string, rule Rule) (Slot, int, error) {
	var slot Slot
	wait := 0
	err := dynamo.Retry(ctx, func(err error) bool { return err == errMoved }, func() error {
		now := l.now()
		open := dynamo.N(now.Add(-rule.Window).Unix())
		attrs, err := dynamo.UpdateItem(ctx, l.repo.DB,
			l.repo.Update(pk(key), "ADD #count :one", "window_start > :open AND #count < :max",
				dynamo.Item{":one": dynamo.N(1), ":open": open, ":max": dynamo.N(rule.Max)}),
			types.ReturnValueAllNew)
		if err == nil {
			var c counter
			if err := attributevalue.UnmarshalMap(attrs, &c); err != nil {
				return fmt.Errorf("decode rate limit %s: %w", key, err)
			}
			slot, wait = Slot{key: key, window: c.Window}, 0
			return nil
		}
		if !dynamo.IsConditionFailed(err) {
			return fmt.Errorf("count rate limit %s: %w", key, err)
		}
		c, found, err := dynamo.Get[counter](ctx, l.repo, pk(key))
		if err != nil {
			return err
		}
		if found && now.Before(time.Unix(c.Window, 0).Add(rule.Window)) {
			if wait = c.retryAfter(rule.Max, rule.Window, now); wait > 0 {
				return nil
			}
			return errMoved // a slot was given back meanwhile: take it
		}
		c = counter{PK: key, Count: 1, Window: now.Unix(), TTL: now.Add(rule.Window).Unix() + 60}
		err = dynamo.PutItem(ctx, l.repo.DB, l.repo.Put(c, "attribute_not_exists(pk) OR window_start <= :open", dynamo.Item{":open": open}))
		if dynamo.IsConditionFailed(err) {
			return errMoved // another event opened the window first: take from it
		}
		if err != nil {
			return fmt.Errorf("open rate limit window %s: %w", key, err)
		}
		slot, wait = Slot{key: key, window: c.Window}, 0
		return nil
	})
	if err == errMoved {
		return Slot{}, 0, fmt.Errorf("count rate limit %s: %w after %d attempts", key, err, dynamo.Attempts)
	}
	return slot, wait, err
}

// Refund gives back a slot Take counted (an attempt that succeeded, or
// that another limit refused), unless its window has ended since. One
// conditional UpdateItem.
func (l *Limiter) Refund(ctx context.Context, s Slot) error {
	_, err := dynamo.UpdateItem(ctx, l.repo.DB,
		l.repo.Update(pk(s.key), "ADD #count :minus", "window_start = :w AND #count > :zero",
			dynamo.Item{":minus": dynamo.N(-1), ":w": dynamo.N(s.window), ":zero": dynamo.N(0)}),
		types.ReturnValueNone)
	if err != nil && !dynamo.IsConditionFailed(err) {
		return fmt.Errorf("refund rate limit %s: %w", s.key, err)
	}
	return nil
}

// Allow counts one event for key and reports the seconds to wait when it
// is over rule.Max in the window (0: allowed). Refused events count too, so
// a client that keeps trying stays limited until the window ends. One
// UpdateItem, plus a PutItem when a new window opens.
func (l *Limiter) Allow(ctx context.Context, key string, rule Rule) (int, error) {
	now := l.now()
	c, err := l.add(ctx, key, rule.Window, now)
	if err != nil {
		return 0, err
	}
	if c.Count <= rule.Max {
		return 0, nil
	}
	return c.retryAfter(rule.Max, rule.Window, now), nil
}

// errMoved is a lost race between adding to a window that just ended and
// opening the next one: another writer moved the window, so another round
// (under the retry policy) almost always settles it.
var errMoved = errors.New("window kept moving")

// add counts one event: ADD to the window while it is open, else put a new
// window holding this event. It returns the counter after the write.
func (l *Limiter) add(ctx context.Context, key string, window time.Duration, now time.Time) (counter, error) {
	open := dynamo.Item{":open": dynamo.N(now.Add(-window).Unix())}
	var c counter
	err := dynamo.Retry(ctx, func(err error) bool { return err == errMoved }, func() error {
		attrs, err := dynamo.UpdateItem(ctx, l.repo.DB,
			l.repo.Update(pk(key), "ADD #count :one", "window_start > :open", dynamo.Item{":one": dynamo.N(1), ":open": open[":open"]}),
			types.ReturnValueAllNew)
		if err == nil {
			c = counter{}
			if err := attributevalue.UnmarshalMap(attrs, &c); err != nil {
				return fmt.Errorf("decode rate limit %s: %w", key, err)
			}
			return nil
		}
		if !dynamo.IsConditionFailed(err) {
			return fmt.Errorf("count rate limit %s: %w", key, err)
		}
		c = counter{PK: key, Count: 1, Window: now.Unix(), TTL: now.Add(window).Unix() + 60}
		err = dynamo.PutItem(ctx, l.repo.DB, l.repo.Put(c, "attribute_not_exists(pk) OR window_start <= :open", open))
		if dynamo.IsConditionFailed(err) {
			return errMoved // another event opened the window first: add to it
		}
		if err != nil {
			return fmt.Errorf("open rate limit window %s: %w", key, err)
		}
		return nil
	})
	if err == errMoved {
		return counter{}, fmt.Errorf("count rate limit %s: %w after %d attempts", key, err, dynamo.Attempts)
	}
	return c, err
}

func pk(key string) dynamo.Item { return dynamo.Item{"pk": dynamo.S(key)} }
