package dynamo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/budget"
	"sentinel/internal/dynamo/ddb"
)

// MaxBatchGet is DynamoDB's limit of keys in one BatchGetItem call.
const MaxBatchGet = 100

// errUnprocessed asks the retry policy for another BatchGetItem call.
var errUnprocessed = errors.New("keys left unprocessed")

// BatchGetItems reads items of r's table by key: duplicate keys once, at
// most MaxBatchGet keys per BatchGetItem call, the calls in parallel (one
// round trip however many keys), keys DynamoDB leaves unprocessed retried
// under the retry policy. Missing items are simply absent from the answer,
// which is in no particular order.
func BatchGetItems(ctx context.Context, r Repo, keys []Item) ([]Item, error) {
	keys = distinct(keys)
	if len(keys) == 0 {
		return nil, nil
	}
	if len(keys) <= MaxBatchGet {
		// One call: in this goroutine, whose stack has already grown to
		// the client's depth (a new one would grow it again on every call).
		return r.batchGetChunk(ctx, keys)
	}
	var (
		mu    sync.Mutex
		items []Item
		errs  []error
		wg    sync.WaitGroup
	)
	for chunk := range slices.Chunk(keys, MaxBatchGet) {
		wg.Go(func() {
			got, err := r.batchGetChunk(ctx, chunk)
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

// BatchGet reads items by key like BatchGetItems and decodes them as T.
func BatchGet[T any](ctx context.Context, r Repo, keys []Item) ([]T, error) {
	items, err := BatchGetItems(ctx, r, keys)
	if err != nil {
		return nil, err
	}
	return Decode[T](items)
}

func (r Repo) batchGetChunk(ctx context.Context, keys []Item) ([]Item, error) {
	var items []Item
	err := Retry(ctx, func(err error) bool { return err == errUnprocessed }, func() error {
		out, err := r.DB.BatchGetItem(ctx, &ddb.BatchGetItemInput{RequestItems: map[string]ddb.KeysAndAttributes{
			r.Table: {Keys: keys, ConsistentRead: aws.Bool(!r.eventual)},
		}})
		if err != nil {
			return err
		}
		items = append(items, out.Responses[r.Table]...)
		if keys = out.UnprocessedKeys[r.Table].Keys; len(keys) > 0 {
			return errUnprocessed
		}
		return nil
	})
	if err == errUnprocessed {
		// DynamoDB leaves keys unprocessed when it is short of capacity.
		return nil, fmt.Errorf("batch get from %s: %d keys still unprocessed after %d calls: %w", r.Table, len(keys), Attempts, budget.ErrThrottled)
	}
	if err != nil {
		return nil, fmt.Errorf("batch get from %s: %w", r.Table, err)
	}
	return items, nil
}

// distinct drops repeated keys (BatchGetItem refuses them), keeping order.
func distinct(keys []Item) []Item {
	if len(keys) < 2 {
		return keys
	}
	seen := make(map[string]bool, len(keys))
	out := make([]Item, 0, len(keys))
	for _, k := range keys {
		id := keyString(k)
		if !seen[id] {
			seen[id] = true
			out = append(out, k)
		}
	}
	return out
}

// keyString identifies a key of string attributes: one allocation for a
// key of up to 4 attributes.
func keyString(k Item) string {
	var names [4]string
	sorted, size := names[:0], 0
	for name, v := range k {
		sorted = append(sorted, name)
		size += len(name) + 2
		if s, ok := v.(*ddb.AttributeValueMemberS); ok {
			size += len(s.Value)
		}
	}
	slices.Sort(sorted)
	var b strings.Builder
	b.Grow(size)
	for _, name := range sorted {
		b.WriteString(name)
		b.WriteByte(0)
		if s, ok := k[name].(*ddb.AttributeValueMemberS); ok {
			b.WriteString(s.Value)
		}
		b.WriteByte(0)
	}
	return b.String()
}

// Decode unmarshals items as T's (T may be Item itself).
func Decode[T any](items []Item) ([]T, error) {
	if raw, ok := any(items).([]T); ok { // T is Item: the items as they are
		return raw, nil
	}
	out := make([]T, 0, len(items))
	if err := ddb.UnmarshalListOfMaps(items, &out); err != nil {
		return nil, fmt.Errorf("decode items: %w", err)
	}
	return out, nil
}
