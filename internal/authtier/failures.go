package authtier

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"sentinel/internal/apperr"
	"sentinel/internal/metrics"
	"sentinel/internal/ratelimit"
	"sentinel/internal/web"
)

// The per-IP limit on authentication failures of the service routes (the
// key and dual tiers): FailureLimit failures a FailureWindow per client IP
// unless SetFailureLimit says otherwise, counted in the Limits table so
// every function instance shares the count. Successful calls are never
// counted.
const (
	FailureLimit  = 20
	FailureWindow = time.Minute
)

// SetFailureLimit sets how many failures a FailureWindow one IP may make.
func (a *Authenticator) SetFailureLimit(n int) {
	a.failureRule = ratelimit.Rule{Max: n, Window: FailureWindow}
}

func failureKey(ip string) string { return "SVCAUTH#IP#" + ip }

func tooManyFailures(ctx context.Context, wait int) error {
	metrics.Limited(ctx, "auth_failures")
	return &apperr.Error{Code: apperr.RateLimited, Message: "Too many failed authentication attempts; try again later", RetryAfter: wait}
}

// limited runs authenticate under the failure limit. An IP this instance
// has seen go over the limit is refused before its credentials are looked
// at, until its window ends (no DynamoDB call); a 401 is counted, and the
// failure that goes over the limit, and every one after it in the window,
// is answered 429 with Retry-After instead. A success costs nothing extra.
func (a *Authenticator) limited(next http.Handler, authenticate func(*http.Request) (context.Context, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := web.ClientIP(r)
		if wait := a.blocked.wait(ip, a.now()); wait > 0 {
			web.Error(w, r, tooManyFailures(r.Context(), wait))
			return
		}
		ctx, err := authenticate(r)
		if err == nil {
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		if e, ok := apperr.As(err); ok && e.Code == apperr.Unauthorized && a.limits != nil {
			wait, lerr := a.limits.Allow(r.Context(), failureKey(ip), a.failureRule)
			switch {
			case lerr != nil:
				// The request is refused either way; the limit is a second line.
				slog.Error("count authentication failure", "request_id", web.RequestID(r.Context()), "err", lerr)
			case wait > 0:
				a.blocked.set(ip, a.now().Add(time.Duration(wait)*time.Second))
				err = tooManyFailures(r.Context(), wait)
			}
		}
		web.Error(w, r, err)
	})
}

// blockList remembers, per instance, the IPs over the failure limit and
// until when; bounded like the caches.
type blockList struct {
	mu    sync.Mutex
	until map[string]time.Time
}

// wait is the whole seconds (rounded up) until ip's block ends, 0 if none.
func (b *blockList) wait(ip string, now time.Time) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	end, ok := b.until[ip]
	if !ok {
		return 0
	}
	if !now.Before(end) {
		delete(b.until, ip)
		return 0
	}
	return int((end.Sub(now) + time.Second - 1) / time.Second)
}

func (b *blockList) set(ip string, end time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.until == nil {
		b.until = map[string]time.Time{}
	}
	if len(b.until) >= maxEntries {
		clear(b.until)
	}
	b.until[ip] = end
}
