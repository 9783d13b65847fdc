// Package budget holds how long a request may take and how the AWS SDK
// clients (DynamoDB, Secrets Manager) spend that time: a deadline per
// request below the function timeout, a timeout per attempt, a few
// jittered retries within what is left, and the 503 a dependency's failure
// becomes. A hung or failing dependency thus never holds a caller past its
// budget, and never turns into a 500 or API Gateway's own error.
package budget

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"

	"sentinel/internal/apperr"
	"sentinel/internal/metrics"
)

// The budgets of a request, from its arrival at the function to its
// answer: well below the functions' 10 s timeout (infra/stack.go), so a
// caller always gets this service's JSON answer, never API Gateway's.
const (
	// Service is the budget of the backends' routes (key, dual and origin
	// tiers) and the public ones: checks are a few DynamoDB reads.
	Service = 3 * time.Second
	// Admin is the budget of the admin routes, some of which purge what a
	// deleted app, workspace or member held in several transactions
	// (each leaves valid data; a purge cut short is finished by doing it
	// again).
	Admin = 8 * time.Second
)

// The SDK clients' policy within a budget.
const (
	// AttemptTimeout bounds one call to DynamoDB or Secrets Manager
	// (typically milliseconds): a hung connection is abandoned and the call
	// retried while the budget lasts.
	AttemptTimeout = time.Second
	// LocalAttemptTimeout is DynamoDB Local's (the local stack, the tests):
	// on a loaded machine it takes seconds where DynamoDB takes
	// milliseconds. The request's deadline bounds it all the same.
	LocalAttemptTimeout = 5 * time.Second
	// MaxAttempts is how many times the SDK tries a call that failed in a
	// way worth retrying (throttling, 5xx, a reset or timed-out connection).
	MaxAttempts = 3
	// MaxBackoff caps the jittered exponential pause between attempts.
	MaxBackoff = 250 * time.Millisecond
)

// Retry-After, in seconds, of the 503s a dependency's failure becomes.
// Throttling that outlasts the retries is a 503 too, not a 429: it is this
// service's capacity that is short, not the caller that sent too much, and
// DynamoDB's on-demand tables adapt within seconds.
const (
	RetryAfter          = 1
	ThrottledRetryAfter = 2
)

// The public answers of a dependency's failure.
var (
	// ErrTimeout is a request whose budget ran out waiting for a dependency.
	ErrTimeout = &apperr.Error{Code: apperr.Unavailable, Message: "A dependency did not answer in time; retry", RetryAfter: RetryAfter}
	// ErrUnavailable is a dependency failing or unreachable after retries.
	ErrUnavailable = &apperr.Error{Code: apperr.Unavailable, Message: "A dependency is unavailable; retry", RetryAfter: RetryAfter}
	// ErrThrottled is a dependency still throttling after retries.
	ErrThrottled = &apperr.Error{Code: apperr.Unavailable, Message: "The service is busy; retry", RetryAfter: ThrottledRetryAfter}
)

// Within runs a request under a deadline d from now.
func Within(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Configure gives an AWS SDK configuration the policy: every client made
// from it (DynamoDB, Secrets Manager) times out its attempts, retries
// within the budget and reports failures as 503s.
func Configure(cfg *aws.Config) {
	cfg.Retryer = Retryer
	cfg.APIOptions = append(cfg.APIOptions, Middleware(AttemptTimeout))
}

// Retryer is the SDK's standard retryer, bounded: MaxAttempts attempts,
// full-jitter backoff up to MaxBackoff, and no client-side retry quota (an
// exhausted quota would hide the dependency's own error).
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = MaxAttempts
		o.MaxBackoff = MaxBackoff
		o.RateLimiter = ratelimit.None
	})
}

// Middleware installs the timeout of each attempt (inside the SDK's retry
// loop) and the classification of the final error (outside it).
func Middleware(attempt time.Duration) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		err := st.Finalize.Insert(attemptTimeout(attempt), (&retry.Attempt{}).ID(), middleware.After)
		if err != nil {
			return err
		}
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("sentinel-dependency-errors", classifyErrors), middleware.Before)
	}
}

// WithAttemptTimeout changes the attempt timeout Middleware installed.
func WithAttemptTimeout(attempt time.Duration) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		_, err := st.Finalize.Swap(attemptTimeoutID, attemptTimeout(attempt))
		return err
	}
}

const attemptTimeoutID = "sentinel-attempt-timeout"

// timed are the operations whose attempts the attempt timeout bounds: those
// a request makes, all safe to run again after an attempt abandoned
// mid-way (which may have landed) — reads; transactions (the SDK's
// retries carry the same client token, so DynamoDB runs one transaction
// once); and single writes, each written to leave the same data when
// repeated (internal/dynamo, single.go: absolute values, or a write token
// its condition refuses twice). Table management and the operator's
// secret writes are left to their caller's deadline.
var timed = map[string]bool{
	"GetItem": true, "Query": true, "BatchGetItem": true, "TransactGetItems": true,
	"TransactWriteItems": true, "PutItem": true, "UpdateItem": true, "DeleteItem": true,
	"GetSecretValue": true,
}

// Timed reports whether the attempts of operation op are timed.
func Timed(op string) bool { return timed[op] }

func attemptTimeout(attempt time.Duration) middleware.FinalizeMiddleware {
	return middleware.FinalizeMiddlewareFunc(attemptTimeoutID, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		if !Timed(middleware.GetOperationName(ctx)) {
			return next.HandleFinalize(ctx, in)
		}
		actx, cancel := context.WithTimeout(ctx, attempt)
		defer cancel()
		out, md, err := next.HandleFinalize(actx, in)
		if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
			// The attempt's own deadline, not the request's: retryable
			// (the SDK never retries a cancelled context).
			err = AttemptTimedOut(attempt)
		}
		return out, md, err
	})
}

// AttemptTimedOut is the error of one attempt that outlived its timeout
// attempt: retryable, and a timeout.
func AttemptTimedOut(attempt time.Duration) error { return attemptTimedOut(attempt) }

type attemptTimedOut time.Duration

func (a attemptTimedOut) Error() string {
	return "attempt timed out after " + time.Duration(a).String()
}
func (attemptTimedOut) RetryableError() bool { return true }
func (attemptTimedOut) Timeout() bool        { return true }
func (attemptTimedOut) Unwrap() error        { return context.DeadlineExceeded }

func classifyErrors(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleInitialize(ctx, in)
	countRetries(ctx, md)
	return out, md, Wrap(err)
}

// Wrap returns err, made also its public 503 when Classify gives one.
func Wrap(err error) error {
	if e := Classify(err); e != nil {
		return &dependencyError{public: e, err: err}
	}
	return err
}

// countRetries records the SDK's retries of a call and its throttled
// attempts (EMF, by service: "DynamoDB", "SecretsManager").
func countRetries(ctx context.Context, md middleware.Metadata) {
	results, ok := retry.GetAttemptResults(md)
	if !ok || len(results.Results) == 0 {
		return
	}
	throttled := 0
	for _, r := range results.Results {
		if r.Err != nil && throttles.IsErrorThrottle(r.Err) == aws.TrueTernary {
			throttled++
		}
	}
	metrics.Retry(ctx, middleware.GetServiceID(ctx), len(results.Results)-1, throttled)
}

var (
	throttles  = retry.IsErrorThrottles(retry.DefaultThrottles)
	retryables = retry.IsErrorRetryables(retry.DefaultRetryables)
)

// Classify returns the 503 an SDK call's error means when it is the
// dependency's failure rather than an answer (a failed condition, a
// validation error): a deadline, throttling, a 5xx, a broken connection.
// It returns nil for other errors.
func Classify(err error) *apperr.Error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return ErrTimeout
	case throttles.IsErrorThrottle(err) == aws.TrueTernary:
		return ErrThrottled
	case retryables.IsErrorRetryable(err) == aws.TrueTernary:
		return ErrUnavailable
	}
	return nil
}

// dependencyError is an SDK error that is also its public 503: errors.As
// finds both (the SDK's types stay detectable).
type dependencyError struct {
	public *apperr.Error
	err    error
}

func (e *dependencyError) Error() string   { return e.err.Error() }
func (e *dependencyError) Unwrap() []error { return []error{e.public, e.err} }
