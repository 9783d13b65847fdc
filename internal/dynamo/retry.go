package dynamo

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/metrics"
)

// The retry policy, one for every call that DynamoDB asks to retry and the
// SDK does not: transactions cancelled by a conflict with another
// transaction or by throttling, single writes that met a transaction in
// progress, keys a BatchGetItem left unprocessed, and read-modify-write
// steps whose reads went stale (ErrChanged). Throttled single calls are the
// client's own retries (internal/awsjson: backoff before we see them).
const Attempts = 6

// backoff is the pause before retry n (1, 2, …): full jitter over an
// exponential ceiling of 25 ms · 2^(n-1), at most 1 s. Tests set it to 0.
var backoff = func(n int) time.Duration {
	ceiling := min(25*time.Millisecond<<(n-1), time.Second)
	return rand.N(ceiling) + time.Millisecond
}

// Retry runs f until it succeeds, fails with an error again does not
// accept, or has run Attempts times; it pauses with jittered backoff
// between runs and stops early when ctx ends. It returns f's last error.
func Retry(ctx context.Context, again func(error) bool, f func() error) error {
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil || !again(err) || attempt == Attempts {
			return err
		}
		metrics.Retry(ctx, "DynamoDB", 1, 0)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff(attempt)):
		}
	}
}

// Reread runs a read-modify-write f again, from its reads, while it fails
// because they went stale (ErrChanged), under the retry policy.
func Reread[T any](ctx context.Context, f func() (T, error)) (T, error) {
	var v T
	err := Retry(ctx, IsChanged, func() error {
		var err error
		v, err = f()
		return err
	})
	return v, err
}

// IsChanged reports a write refused because the data it read has changed
// since (see ErrChanged).
func IsChanged(err error) bool { return errors.Is(err, ErrChanged) }

// Retryable reports an error DynamoDB asks to retry as it is: a transaction
// cancelled only by conflicts with other transactions or by throttling, or
// a single write that met a transaction in progress.
func Retryable(err error) bool {
	var conflict *ddb.TransactionConflictException
	if errors.As(err, &conflict) {
		return true
	}
	var tce *ddb.TransactionCanceledException
	if !errors.As(err, &tce) {
		return false
	}
	retry := false
	for _, r := range tce.CancellationReasons {
		switch aws.ToString(r.Code) {
		case "", reasonNone:
		case reasonConflict, reasonThrottled, reasonThroughput:
			retry = true
		default: // a failed condition or a bad request: the same call fails again
			return false
		}
	}
	return retry
}
