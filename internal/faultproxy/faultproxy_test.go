package faultproxy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/apperr"
	"sentinel/internal/awsjson"
	"sentinel/internal/budget"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/dynamotest"
	"sentinel/internal/faultproxy"
)

// slack is what a loaded 2-core machine may add to a deadline before an
// answer is written: an upper bound only, never a speed test.
const slack = 1500 * time.Millisecond

// Each fault reaches the functions' client (dynamo.WireClient) as
// DynamoDB's own would, and the client (as production builds it: the
// budget's attempt timeout, retries and classification) makes of it: a retried success when the
// fault passes, else the 503 it means within the deadline.
func TestClientUnderFaults(t *testing.T) {
	env := dynamotest.New(t)
	proxy := faultproxy.New(t, dynamotest.Endpoint(t))
	// The attempt timeout of AWS, not DynamoDB Local's, so a passing hang
	// is retried within the deadline.
	client := dynamo.LocalWireClient(proxy.URL, awsjson.Options{AttemptTimeout: budget.AttemptTimeout})
	table := env.Names[dynamo.Directory.ID]
	key := dynamo.Item{"pk": &ddb.AttributeValueMemberS{Value: "x"}, "sk": &ddb.AttributeValueMemberS{Value: "y"}}
	get := func(ctx context.Context) error {
		_, err := client.GetItem(ctx, &ddb.GetItemInput{TableName: aws.String(table), Key: key})
		return err
	}
	const deadline = 2 * time.Second
	for _, tc := range []struct {
		rule faultproxy.Rule
		want *apperr.Error // nil: the call succeeds
	}{
		{faultproxy.Rule{Kind: faultproxy.Throughput}, budget.ErrThrottled},
		{faultproxy.Rule{Kind: faultproxy.Throttling}, budget.ErrThrottled},
		{faultproxy.Rule{Kind: faultproxy.ServerError}, budget.ErrUnavailable},
		{faultproxy.Rule{Kind: faultproxy.Reset}, budget.ErrUnavailable},
		{faultproxy.Rule{Kind: faultproxy.Hang}, budget.ErrTimeout},
		// Faults that pass within the SDK's attempts are retried away.
		{faultproxy.Rule{Kind: faultproxy.Throughput, Times: 2}, nil},
		{faultproxy.Rule{Kind: faultproxy.Throttling, Times: 2}, nil},
		{faultproxy.Rule{Kind: faultproxy.ServerError, Times: 2}, nil},
		{faultproxy.Rule{Kind: faultproxy.Reset, Times: 2}, nil},
		{faultproxy.Rule{Kind: faultproxy.Hang, Times: 1}, nil}, // the attempt timeout, then a retry
		{faultproxy.Rule{Kind: faultproxy.Latency, Delay: 100 * time.Millisecond}, nil},
	} {
		name := string(tc.rule.Kind)
		if tc.rule.Times > 0 {
			name += "-passing"
		}
		t.Run(name, func(t *testing.T) {
			proxy.Set(tc.rule)
			defer proxy.Clear()
			ctx, cancel := context.WithTimeout(t.Context(), deadline)
			defer cancel()
			start := time.Now()
			err := get(ctx)
			took := time.Since(start)
			if took > deadline+slack {
				t.Errorf("answered after %v, want within %v + %v", took, deadline, slack)
			}
			if proxy.Injected(tc.rule.Kind) == 0 {
				t.Fatalf("no %s fault injected", tc.rule.Kind)
			}
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("err = %v, want the call retried and done", err)
			case tc.want != nil:
				var e *apperr.Error
				if !errors.As(err, &e) || e != tc.want {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
			}
		})
	}
}

// The batch and transaction faults come back as DynamoDB's answers, which
// the dynamo package's retry policy handles (its own tests, and the route
// tests, hold it to that): unprocessed keys, and a conflict per item.
func TestBatchAndTransactionFaults(t *testing.T) {
	env := dynamotest.New(t)
	proxy := faultproxy.New(t, dynamotest.Endpoint(t))
	client := dynamo.LocalWireClient(proxy.URL, awsjson.Options{})
	table := env.Names[dynamo.Directory.ID]
	key := dynamo.Item{"pk": &ddb.AttributeValueMemberS{Value: "x"}, "sk": &ddb.AttributeValueMemberS{Value: "y"}}

	proxy.Set(faultproxy.Rule{Kind: faultproxy.Unprocessed, Op: "BatchGetItem"})
	out, err := client.BatchGetItem(t.Context(), &ddb.BatchGetItemInput{RequestItems: map[string]ddb.KeysAndAttributes{table: {Keys: []dynamo.Item{key}}}})
	if err != nil || len(out.UnprocessedKeys[table].Keys) != 1 {
		t.Fatalf("BatchGetItem: %v, unprocessed %v; want the one key unprocessed", err, out)
	}

	proxy.Set(faultproxy.Rule{Kind: faultproxy.Unprocessed, Op: "BatchWriteItem"})
	wout, err := client.BatchWriteItem(t.Context(), &ddb.BatchWriteItemInput{RequestItems: map[string][]ddb.WriteRequest{table: {{PutRequest: &ddb.PutRequest{Item: key}}}}})
	if err != nil || len(wout.UnprocessedItems[table]) != 1 {
		t.Fatalf("BatchWriteItem: %v, unprocessed %v; want the one item unprocessed", err, wout)
	}

	proxy.Set(faultproxy.Rule{Kind: faultproxy.Conflict, Op: "TransactWriteItems"})
	put := ddb.TransactWriteItem{Put: &ddb.Put{TableName: aws.String(table), Item: key}}
	_, err = client.TransactWriteItems(t.Context(), &ddb.TransactWriteItemsInput{TransactItems: []ddb.TransactWriteItem{put, {ConditionCheck: &ddb.ConditionCheck{
		TableName: aws.String(table), Key: dynamo.Item{"pk": &ddb.AttributeValueMemberS{Value: "z"}, "sk": &ddb.AttributeValueMemberS{Value: "z"}},
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}}})
	var tce *ddb.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[0].Code) != "TransactionConflict" {
		t.Fatalf("TransactWriteItems: %v, want cancelled with a conflict on the first of 2 items", err)
	}
	if !dynamo.Retryable(err) {
		t.Fatalf("the injected conflict is not one the retry policy retries: %v", err)
	}
	proxy.Clear()
	if _, err := client.GetItem(t.Context(), &ddb.GetItemInput{TableName: aws.String(table), Key: key}); err != nil {
		t.Fatalf("after Clear: %v", err)
	}
}
