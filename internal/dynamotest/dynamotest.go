// Package dynamotest gives integration tests a real DynamoDB Local: the one
// `make test` started (SENTINEL_DYNAMODB_ENDPOINT), or else one this test
// binary starts itself. Each call creates a fresh set of tables under a
// unique prefix, so tests and packages never share state.
package dynamotest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"sentinel/internal/awsjson"
	"sentinel/internal/ddblocal"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/dynamo/tableadmin"
)

var (
	once     sync.Once
	endpoint string
	startErr error
	seq      atomic.Int64
)

// Endpoint returns the DynamoDB Local endpoint, starting one if needed.
func Endpoint(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		if ep := os.Getenv(dynamo.EndpointEnv); ep != "" {
			endpoint = ep
			return
		}
		dir, err := ddblocal.FindDir()
		if err != nil {
			startErr = err
			return
		}
		port, err := ddblocal.FreePort()
		if err != nil {
			startErr = err
			return
		}
		// The process lives as long as the test binary (Pdeathsig ends it).
		p, err := ddblocal.Start(context.Background(), dir, port, "")
		if err != nil {
			startErr = err
			return
		}
		endpoint = p.Endpoint
	})
	if startErr != nil {
		t.Fatalf("DynamoDB Local: %v", startErr)
	}
	return endpoint
}

// Env is a fresh set of tables on DynamoDB Local.
type Env struct {
	// Client is the functions' client (dynamo.WireClient), its calls counted.
	Client *dynamo.WireClient
	// SDK is the SDK's client on the same tables, uncounted: for what the
	// functions never do (Scan to inspect a table, table management).
	SDK     *dynamodb.Client
	Names   dynamo.Names
	Counter *dynamo.Counter
}

// New creates every table under a unique prefix and returns a client whose
// calls are counted.
func New(t testing.TB) *Env {
	t.Helper()
	ep := Endpoint(t)
	counter := &dynamo.Counter{}
	sdk := tableadmin.LocalClient(ep)
	prefix := fmt.Sprintf("t%d-%d-%d-", os.Getpid(), time.Now().UnixNano()%1e6, seq.Add(1))
	names := dynamo.LocalNames(prefix)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := tableadmin.CreateTables(ctx, sdk, names); err != nil {
		t.Fatalf("create tables: %v", err)
	}
	client := dynamo.LocalWireClient(ep, awsjson.Options{Observe: counter.Observe})
	return &Env{Client: client, SDK: sdk, Names: names, Counter: counter}
}

// ScanItems reads every item of a table (its physical name) with the
// SDK's client, for tests' assertions: tests may Scan, request paths may
// not.
func (e *Env) ScanItems(t testing.TB, table string) []dynamo.Item {
	t.Helper()
	p := dynamodb.NewScanPaginator(e.SDK, &dynamodb.ScanInput{TableName: aws.String(table)})
	var items []dynamo.Item
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			items = append(items, FromSDK(it))
		}
	}
	return items
}

// Scan is ScanItems read as Go values (ddb.UnmarshalListOfMaps).
func (e *Env) Scan(t testing.TB, table string) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := ddb.UnmarshalListOfMaps(e.ScanItems(t, table), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// FromSDK converts an item of the SDK's client to the functions' types.
func FromSDK(item map[string]types.AttributeValue) dynamo.Item {
	out := make(dynamo.Item, len(item))
	for k, v := range item {
		out[k] = fromSDK(v)
	}
	return out
}

func fromSDK(v types.AttributeValue) ddb.AttributeValue {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return &ddb.AttributeValueMemberS{Value: v.Value}
	case *types.AttributeValueMemberN:
		return &ddb.AttributeValueMemberN{Value: v.Value}
	case *types.AttributeValueMemberB:
		return &ddb.AttributeValueMemberB{Value: v.Value}
	case *types.AttributeValueMemberBOOL:
		return &ddb.AttributeValueMemberBOOL{Value: v.Value}
	case *types.AttributeValueMemberNULL:
		return &ddb.AttributeValueMemberNULL{Value: v.Value}
	case *types.AttributeValueMemberSS:
		return &ddb.AttributeValueMemberSS{Value: v.Value}
	case *types.AttributeValueMemberNS:
		return &ddb.AttributeValueMemberNS{Value: v.Value}
	case *types.AttributeValueMemberBS:
		return &ddb.AttributeValueMemberBS{Value: v.Value}
	case *types.AttributeValueMemberL:
		l := make([]ddb.AttributeValue, len(v.Value))
		for i, e := range v.Value {
			l[i] = fromSDK(e)
		}
		return &ddb.AttributeValueMemberL{Value: l}
	case *types.AttributeValueMemberM:
		return &ddb.AttributeValueMemberM{Value: FromSDK(v.Value)}
	}
	panic(fmt.Sprintf("dynamotest: unknown attribute value %T", v))
}

// Conflicts wraps a real client and cancels the next transactions it is
// armed for before they reach DynamoDB, as DynamoDB does when another
// transaction holds one of their items: a TransactionCanceledException
// whose first item's reason is TransactionConflict. Other calls, and
// transactions once the armed ones are spent, go through unchanged. Tests
// use it to prove a write is retried rather than answered 409.
type Conflicts struct {
	dynamo.DB
	mu       sync.Mutex
	armed    int
	injected int
}

// NewConflicts wraps db, unarmed.
func NewConflicts(db dynamo.DB) *Conflicts { return &Conflicts{DB: db} }

// Arm makes the next n transactions fail with a conflict.
func (c *Conflicts) Arm(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed = n
}

// Injected is how many conflicts were injected so far.
func (c *Conflicts) Injected() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.injected
}

// TransactWriteItems cancels the call while armed, else passes it on.
func (c *Conflicts) TransactWriteItems(ctx context.Context, in *ddb.TransactWriteItemsInput) (*ddb.TransactWriteItemsOutput, error) {
	c.mu.Lock()
	inject := c.armed > 0
	if inject {
		c.armed--
		c.injected++
	}
	c.mu.Unlock()
	if !inject {
		return c.DB.TransactWriteItems(ctx, in)
	}
	reasons := make([]ddb.CancellationReason, len(in.TransactItems))
	for i := range reasons {
		reasons[i] = ddb.CancellationReason{Code: aws.String("None")}
	}
	if len(reasons) > 0 {
		reasons[0] = ddb.CancellationReason{Code: aws.String("TransactionConflict"), Message: aws.String("Transaction is ongoing for the item")}
	}
	return nil, &ddb.TransactionCanceledException{
		Message:             aws.String("Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]"),
		CancellationReasons: reasons,
	}
}

// Step is one call a conflict test makes.
type Step struct {
	Name string
	Run  func() error
}

// RetriesEach arms one conflict before each step and fails the test unless
// the step succeeds anyway and the conflict was injected: the transaction
// met a conflict and was retried rather than answered 409. Steps run in
// order, so later ones may use what earlier ones created.
func (c *Conflicts) RetriesEach(t testing.TB, steps ...Step) {
	t.Helper()
	for _, s := range steps {
		before := c.Injected()
		c.Arm(1)
		err := s.Run()
		c.Arm(0)
		if err != nil {
			t.Fatalf("%s after a transaction conflict: %v (want it retried and done)", s.Name, err)
		}
		if c.Injected() != before+1 {
			t.Fatalf("%s: no transaction met the injected conflict", s.Name)
		}
	}
}
