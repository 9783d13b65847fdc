package ratelimit_test

import (
	"sync"
	"testing"
	"time"

	"sentinel/internal/apitest"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
	"sentinel/internal/ratelimit"
)

func newLimiter(t *testing.T) (*ratelimit.Limiter, *apitest.Clock, *dynamotest.Env) {
	t.Helper()
	env := dynamotest.New(t)
	// In the future, so DynamoDB Local's wall-clock TTL never removes a counter mid-test.
	c := apitest.NewClock(time.Date(2030, 1, 15, 12, 0, 0, 0, time.UTC))
	return ratelimit.New(env.Client, env.Names.Name(dynamo.Limits), c.Now), c, env
}

func TestAllowFixedWindow(t *testing.T) {
	l, clock, _ := newLimiter(t)
	rule := ratelimit.Rule{Max: 3, Window: time.Minute}
	ctx := t.Context()
	for i := range 3 {
		if wait, err := l.Allow(ctx, "k", rule); err != nil || wait != 0 {
			t.Fatalf("event %d: wait %d, err %v; want allowed", i+1, wait, err)
		}
		clock.Advance(10 * time.Second)
	}
	// The window opened 30 s ago: 30 s remain, rounded up past the end.
	wait, err := l.Allow(ctx, "k", rule)
	if err != nil || wait != 31 {
		t.Fatalf("fourth event: wait %d, err %v; want 31", wait, err)
	}
	// Refused events count too: still refused, the wait shrinking.
	clock.Advance(20 * time.Second)
	if wait, _ := l.Allow(ctx, "k", rule); wait != 11 {
		t.Errorf("fifth event: wait %d, want 11", wait)
	}
	// Another key has its own window.
	if wait, _ := l.Allow(ctx, "other", rule); wait != 0 {
		t.Errorf("another key: wait %d, want 0", wait)
	}
	// The window ends a minute after it opened: a new one starts.
	clock.Advance(10 * time.Second)
	if wait, err := l.Allow(ctx, "k", rule); err != nil || wait != 0 {
		t.Errorf("after the window: wait %d, err %v; want allowed", wait, err)
	}
}

func TestBlockedAddReset(t *testing.T) {
	l, clock, _ := newLimiter(t)
	rule := ratelimit.Rule{Max: 2, Window: 15 * time.Minute}
	ctx := t.Context()
	if wait, err := l.Blocked(ctx, "k", rule); err != nil || wait != 0 {
		t.Fatalf("no counter: wait %d, err %v", wait, err)
	}
	for range 2 {
		if err := l.Add(ctx, "k", rule.Window); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(5 * time.Minute)
	if wait, _ := l.Blocked(ctx, "k", rule); wait != 601 {
		t.Errorf("after 2 of 2: wait %d, want 601", wait)
	}
	if err := l.Reset(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if wait, _ := l.Blocked(ctx, "k", rule); wait != 0 {
		t.Errorf("after reset: wait %d, want 0", wait)
	}
}

// Concurrent events from many instances are all counted: the counter is
// written conditionally, never read and then written.
func TestAllowCountsConcurrentEvents(t *testing.T) {
	l, _, env := newLimiter(t)
	rule := ratelimit.Rule{Max: 10, Window: time.Minute}
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 25 {
		wg.Go(func() {
			wait, err := l.Allow(t.Context(), "k", rule)
			if err != nil {
				t.Error(err)
				return
			}
			if wait == 0 {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != rule.Max {
		t.Errorf("allowed %d of 25 concurrent events, want exactly %d", allowed, rule.Max)
	}
	if calls := env.Counter.Counts()["Scan"]; calls != 0 {
		t.Errorf("%d Scans", calls)
	}
}

// A claim belongs to its first owner until it expires: the owner may claim
// it again, another owner may not, and of many owners claiming at once
// exactly one wins.
func TestClaim(t *testing.T) {
	l, clock, _ := newLimiter(t)
	ctx := t.Context()
	until := clock.Now().Add(time.Hour)
	claim := func(key, owner string) bool {
		t.Helper()
		ok, err := l.Claim(ctx, key, owner, until)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !claim("tok", "a") || !claim("tok", "a") {
		t.Fatal("the first owner cannot claim its key (again)")
	}
	if claim("tok", "b") {
		t.Error("another owner took a held key")
	}
	clock.Advance(time.Hour) // expired, whether or not TTL has removed it yet
	if !claim("tok", "b") {
		t.Error("an expired hold still refuses another owner")
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	var winners []string
	for _, owner := range []string{"p", "q", "r", "s", "t", "u", "v", "w"} {
		wg.Go(func() {
			ok, err := l.Claim(ctx, "race", owner, clock.Now().Add(time.Hour))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				winners = append(winners, owner)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(winners) != 1 {
		t.Errorf("winners of a concurrent claim = %v, want exactly one", winners)
	}
}
