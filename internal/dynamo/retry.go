package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Item is one DynamoDB item.
type Item = map[string]types.AttributeValue

// MaxBatchGet is DynamoDB's limit of keys in one BatchGetItem call.
const MaxBatchGet = 100

// batchAttempts bounds the calls made for one chunk while DynamoDB leaves
// keys unprocessed (throttling or the 16 MB answer limit).
const batchAttempts = 8

// backoff is the pause before retry n (1, 2, …) of unprocessed keys: full
// jitter over an exponential ceiling of 25 ms · 2^(n-1), at most 1 s.
var backoff = func(n int) time.Duration {
	ceiling := min(25*time.Millisecond<<(n-1), time.Second)
	return rand.N(ceiling) + time.Millisecond
}

// BatchGet reads items of one table by key: at most MaxBatchGet keys per
// BatchGetItem call, the calls in parallel (one round trip however many
// keys), keys DynamoDB leaves unprocessed retried with backoff. Keys must
// be distinct. Missing items are simply absent from the answer, which is in
// no particular order.
func BatchGet(ctx context.Context, db DB, table string, keys []Item, consistent bool) ([]Item, error) {
	var (
		mu    sync.Mutex
		items []Item
		errs  []error
		wg    sync.WaitGroup
	)
	for chunk := range slices.Chunk(keys, MaxBatchGet) {
		wg.Go(func() {
			got, err := batchGetChunk(ctx, db, table, chunk, consistent)
			mu.Lock()
			defer mu.Unlock()
			items = append(items, got...)
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return items, nil
}

func batchGetChunk(ctx context.Context, db DB, table string, keys []Item, consistent bool) ([]Item, error) {
	var items []Item
	for attempt := 1; ; attempt++ {
		out, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
			table: {Keys: keys, ConsistentRead: aws.Bool(consistent)},
		}})
		if err != nil {
			return nil, fmt.Errorf("batch get from %s: %w", table, err)
		}
		items = append(items, out.Responses[table]...)
		keys = out.UnprocessedKeys[table].Keys
		if len(keys) == 0 {
			return items, nil
		}
		if attempt == batchAttempts {
			return nil, fmt.Errorf("batch get from %s: %d keys still unprocessed after %d calls", table, len(keys), attempt)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("batch get from %s: %w", table, ctx.Err())
		case <-time.After(backoff(attempt)):
		}
	}
}

// transactAttempts bounds the tries of a transaction that keeps meeting
// another transaction on the same items.
const transactAttempts = 6

// TransactWrite runs one transaction. DynamoDB cancels a transaction that
// meets another one in progress on the same item (TransactionConflict) and
// the SDK does not retry that; TransactWrite does, with backoff. A failed
// condition is returned at once (see CancelledAt and IsConditionFailed).
func TransactWrite(ctx context.Context, db DB, items []types.TransactWriteItem) error {
	for attempt := 1; ; attempt++ {
		_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil || !isConflict(err) || attempt == transactAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff(attempt)):
		}
	}
}

// isConflict reports a transaction cancelled only because another
// transaction held one of its items.
func isConflict(err error) bool {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || IsConditionFailed(err) {
		return false
	}
	for _, r := range tce.CancellationReasons {
		if aws.ToString(r.Code) == "TransactionConflict" {
			return true
		}
	}
	return false
}
