package dynamo

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"sentinel/internal/dynamo/ddb"
)

// flakyDB answers BatchGetItem from a map, leaving the last key of the
// first `unprocessed` calls unprocessed.
type flakyDB struct {
	DB
	mu          sync.Mutex
	items       map[string]Item
	unprocessed int
	calls       int
	maxKeys     int
}

func (f *flakyDB) BatchGetItem(_ context.Context, in *ddb.BatchGetItemInput) (*ddb.BatchGetItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	out := &ddb.BatchGetItemOutput{Responses: map[string][]Item{}, UnprocessedKeys: map[string]ddb.KeysAndAttributes{}}
	for table, ka := range in.RequestItems {
		f.maxKeys = max(f.maxKeys, len(ka.Keys))
		keys := ka.Keys
		if f.unprocessed > 0 {
			f.unprocessed--
			out.UnprocessedKeys[table] = ddb.KeysAndAttributes{Keys: keys[len(keys)-1:]}
			keys = keys[:len(keys)-1]
		}
		for _, k := range keys {
			if it, ok := f.items[k["pk"].(*ddb.AttributeValueMemberS).Value]; ok {
				out.Responses[table] = append(out.Responses[table], it)
			}
		}
	}
	return out, nil
}

func TestBatchGetChunksAndRetriesUnprocessedKeys(t *testing.T) {
	defer func(b func(int) time.Duration) { backoff = b }(backoff)
	backoff = func(int) time.Duration { return 0 }
	db := &flakyDB{items: map[string]Item{}, unprocessed: 4}
	var keys []Item
	for i := range 250 {
		pk := fmt.Sprintf("K%03d", i)
		keys = append(keys, Key(pk, "x"))
		if i%2 == 0 {
			db.items[pk] = Key(pk, "x")
		}
	}
	got, err := BatchGetItems(t.Context(), Repo{DB: db, Table: "T"}, keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 125 {
		t.Errorf("got %d items, want 125 (the existing half)", len(got))
	}
	// 3 chunks (100, 100, 50) and one more call for each of the 4 answers
	// that left a key over.
	if db.calls != 7 || db.maxKeys != MaxBatchGet {
		t.Errorf("calls = %d, largest call = %d keys; want 7 and %d", db.calls, db.maxKeys, MaxBatchGet)
	}
}

func TestBatchGetGivesUp(t *testing.T) {
	defer func(b func(int) time.Duration) { backoff = b }(backoff)
	backoff = func(int) time.Duration { return 0 }
	db := &flakyDB{items: map[string]Item{}, unprocessed: 1000}
	_, err := BatchGetItems(t.Context(), Repo{DB: db, Table: "T"}.Eventually(), []Item{Key("a", "x"), Key("b", "x")})
	if err == nil || db.calls != Attempts {
		t.Errorf("err = %v after %d calls, want an error after %d", err, db.calls, Attempts)
	}
}
