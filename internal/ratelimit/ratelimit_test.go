package ratelimit_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sentinel/internal/apitest"
	"sentinel/internal/awsjson"
	"sentinel/internal/budget"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
	"sentinel/internal/faultproxy"
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

// Take counts an event only while the window has room; a refused event
// counts nothing and says how long to wait; a refund frees a slot of its
// own window only.
func TestTakeRefund(t *testing.T) {
	l, clock, _ := newLimiter(t)
	rule := ratelimit.Rule{Max: 2, Window: 15 * time.Minute}
	ctx := t.Context()
	take := func(what string) (ratelimit.Slot, int) {
		t.Helper()
		slot, wait, err := l.Take(ctx, "k", rule)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return slot, wait
	}
	first, wait := take("first")
	if wait != 0 {
		t.Fatalf("first: wait %d, want a slot", wait)
	}
	if _, wait := take("second"); wait != 0 {
		t.Fatalf("second: wait %d, want a slot", wait)
	}
	clock.Advance(5 * time.Minute)
	for i := range 3 {
		if _, wait := take("over the limit"); wait != 601 {
			t.Fatalf("refused take %d: wait %d, want 601 (10 minutes of the window left)", i+1, wait)
		}
	}
	// Refused takes counted nothing: one refund makes exactly one slot.
	if err := l.Refund(ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, wait := take("after a refund"); wait != 0 {
		t.Errorf("after a refund: wait %d, want a slot", wait)
	}
	if _, wait := take("again"); wait == 0 {
		t.Error("a refund made more than one slot")
	}
	// The window ends 15 minutes after it opened: the next one is empty,
	// and a slot of the old window refunds nothing in it.
	clock.Advance(10 * time.Minute)
	if _, wait := take("next window"); wait != 0 {
		t.Fatalf("next window: wait %d", wait)
	}
	if err := l.Refund(ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, wait := take("second of the next window"); wait != 0 {
		t.Fatalf("second of the next window: wait %d", wait)
	}
	if _, wait := take("third of the next window"); wait == 0 {
		t.Error("an old window's slot was refunded into the next one")
	}
}

// Of many concurrent takes exactly Max get a slot, whether the window is
// new (every caller races to open it) or already open.
func TestTakeConcurrent(t *testing.T) {
	l, clock, env := newLimiter(t)
	rule := ratelimit.Rule{Max: 5, Window: time.Minute}
	for _, round := range []string{"new window", "next window"} {
		var wg sync.WaitGroup
		var taken, refused atomic.Int64
		for range 40 {
			wg.Go(func() {
				_, wait, err := l.Take(t.Context(), "k", rule)
				switch {
				case err != nil:
					t.Error(err)
				case wait == 0:
					taken.Add(1)
				default:
					refused.Add(1)
				}
			})
		}
		wg.Wait()
		if taken.Load() != int64(rule.Max) || refused.Load() != 40-int64(rule.Max) {
			t.Errorf("%s: %d taken, %d refused of 40 concurrent takes; want %d taken", round, taken.Load(), refused.Load(), rule.Max)
		}
		clock.Advance(time.Minute)
	}
	if calls := env.Counter.Counts()["Scan"]; calls != 0 {
		t.Errorf("%d Scans", calls)
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

// A write that lands but whose answer is lost (the connection reset: the
// client retries it) or late (its attempt times out: retried too) counts its
// event once — opening a window (PutItem) or adding to one (UpdateItem),
// by Allow or Take — and a refund repeated so gives back one slot.
func TestRepeatedWritesCountOnce(t *testing.T) {
	env := dynamotest.New(t)
	proxy := faultproxy.New(t, dynamotest.Endpoint(t))
	client := dynamo.LocalWireClient(proxy.URL, awsjson.Options{AttemptTimeout: budget.AttemptTimeout})
	clock := apitest.NewClock(time.Date(2030, 1, 15, 12, 0, 0, 0, time.UTC))
	l := ratelimit.New(client, env.Names.Name(dynamo.Limits), clock.Now)
	ctx := t.Context()
	rule := ratelimit.Rule{Max: 3, Window: time.Minute}
	stored := func(t *testing.T, key string) int {
		t.Helper()
		c, found, err := dynamo.Get[struct {
			Count int `dynamodbav:"count"`
		}](ctx, dynamo.Repo{DB: env.Client, Table: env.Names.Name(dynamo.Limits)}, dynamo.Item{"pk": dynamo.S(key)})
		if err != nil || !found {
			t.Fatalf("counter %s: found %v, %v", key, found, err)
		}
		return c.Count
	}
	// faulty runs f with the first call of op landing without its answer.
	faulty := func(t *testing.T, kind faultproxy.Kind, op string, f func() error) {
		t.Helper()
		proxy.Set(faultproxy.Rule{Kind: kind, Op: op, Times: 1})
		defer proxy.Clear()
		if err := f(); err != nil {
			t.Fatal(err)
		}
		if proxy.Injected(kind) != 1 || proxy.Calls(op) < 2 {
			t.Fatalf("%d faults injected, %d calls of %s: want 1 and the call repeated", proxy.Injected(kind), proxy.Calls(op), op)
		}
	}
	for _, kind := range []faultproxy.Kind{faultproxy.LostAnswer, faultproxy.LateAnswer} {
		for _, op := range []string{"PutItem", "UpdateItem"} {
			t.Run(string(kind)+"/"+op, func(t *testing.T) {
				allowKey, takeKey := "allow-"+string(kind)+op, "take-"+string(kind)+op
				before := 0
				if op == "UpdateItem" { // the window is open: the event adds to it
					if _, err := l.Allow(ctx, allowKey, rule); err != nil {
						t.Fatal(err)
					}
					if _, _, err := l.Take(ctx, takeKey, rule); err != nil {
						t.Fatal(err)
					}
					before = 1
				}
				faulty(t, kind, op, func() error {
					wait, err := l.Allow(ctx, allowKey, rule)
					if err == nil && wait != 0 {
						t.Errorf("Allow: wait %d, want allowed", wait)
					}
					return err
				})
				if got := stored(t, allowKey); got != before+1 {
					t.Errorf("Allow: count %d, want %d", got, before+1)
				}
				var slot ratelimit.Slot
				faulty(t, kind, op, func() error {
					s, wait, err := l.Take(ctx, takeKey, rule)
					if err == nil && wait != 0 {
						t.Errorf("Take: wait %d, want a slot", wait)
					}
					slot = s
					return err
				})
				if got := stored(t, takeKey); got != before+1 {
					t.Errorf("Take: count %d, want %d", got, before+1)
				}
				faulty(t, kind, "UpdateItem", func() error { return l.Refund(ctx, slot) })
				if got := stored(t, takeKey); got != before {
					t.Errorf("Refund: count %d, want %d", got, before)
				}
			})
		}
	}
}
