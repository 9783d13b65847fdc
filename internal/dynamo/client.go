package dynamo

import (
	"context"
	"sync"

	"sentinel/internal/dynamo/ddb"
)

// DB is the narrow set of DynamoDB operations the repositories use. Scan is
// deliberately absent: no request path may scan a table.
type DB interface {
	GetItem(context.Context, *ddb.GetItemInput) (*ddb.GetItemOutput, error)
	PutItem(context.Context, *ddb.PutItemInput) (*ddb.PutItemOutput, error)
	UpdateItem(context.Context, *ddb.UpdateItemInput) (*ddb.UpdateItemOutput, error)
	DeleteItem(context.Context, *ddb.DeleteItemInput) (*ddb.DeleteItemOutput, error)
	Query(context.Context, *ddb.QueryInput) (*ddb.QueryOutput, error)
	BatchGetItem(context.Context, *ddb.BatchGetItemInput) (*ddb.BatchGetItemOutput, error)
	BatchWriteItem(context.Context, *ddb.BatchWriteItemInput) (*ddb.BatchWriteItemOutput, error)
	TransactWriteItems(context.Context, *ddb.TransactWriteItemsInput) (*ddb.TransactWriteItemsOutput, error)
}

// EndpointEnv, when set, points the client at DynamoDB Local.
const EndpointEnv = "SENTINEL_DYNAMODB_ENDPOINT"

// Counter counts DynamoDB operations by name (WireClient's Observe,
// tableadmin.Count on the SDK's client), so tests can assert how many
// calls a request costs.
type Counter struct {
	mu     sync.Mutex
	counts map[string]int
}

// Observe counts one call of op (WireOptions.Observe).
func (c *Counter) Observe(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[op]++
}

// Reset zeroes the counts.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts = nil
}

// Counts returns a copy of the counts by operation name.
func (c *Counter) Counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// Total returns the number of operations counted.
func (c *Counter) Total() int {
	n := 0
	for _, v := range c.Counts() {
		n += v
	}
	return n
}
