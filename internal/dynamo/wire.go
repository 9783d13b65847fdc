package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/uuid"

	"sentinel/internal/awsjson"
	"sentinel/internal/budget"
	"sentinel/internal/dynamo/ddb"
)

// WireClient is the functions' DynamoDB client: the operations of DB over
// DynamoDB's JSON protocol (internal/awsjson: SigV4, the budget's
// attempts, retries and 503s), taking and returning internal/dynamo/ddb's
// inputs, outputs and refusals, which mirror the SDK's. Table management,
// Scan and the rest stay with the SDK's client (tableadmin, the tests),
// which no function links (TestFunctionsLinkNoSDKDynamoDB).
type WireClient struct{ c *awsjson.Client }

var _ DB = (*WireClient)(nil)

var dynamoDB = awsjson.Service{ID: "DynamoDB", SigningName: "dynamodb", Target: "DynamoDB_20120810.", Version: "1.0", Refusal: refusal}

// NewWireClient returns a client with the options o.
func NewWireClient(o awsjson.Options) *WireClient {
	return &WireClient{awsjson.New(dynamoDB, o)}
}

// LocalWireClient is a WireClient on DynamoDB Local at endpoint, with its
// longer attempt timeout (budget.LocalAttemptTimeout).
func LocalWireClient(endpoint string, o awsjson.Options) *WireClient {
	o.Endpoint, o.Region = endpoint, "us-east-1"
	o.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
	if o.AttemptTimeout == 0 {
		o.AttemptTimeout = budget.LocalAttemptTimeout
	}
	return NewWireClient(o)
}

// call writes in (a ddb input struct) as op's request and reads the answer into out.
func (c *WireClient) call(ctx context.Context, op string, in, out any) error {
	body, err := appendInput(make([]byte, 0, 512), in)
	if err != nil {
		return err
	}
	return c.c.Call(ctx, op, body, out)
}

func (c *WireClient) GetItem(ctx context.Context, in *ddb.GetItemInput) (*ddb.GetItemOutput, error) {
	var out itemOutput
	if err := c.call(ctx, "GetItem", in, &out); err != nil {
		return nil, err
	}
	return &ddb.GetItemOutput{Item: out.Item}, nil
}

func (c *WireClient) PutItem(ctx context.Context, in *ddb.PutItemInput) (*ddb.PutItemOutput, error) {
	var out itemOutput
	if err := c.call(ctx, "PutItem", in, &out); err != nil {
		return nil, err
	}
	return &ddb.PutItemOutput{Attributes: out.Attributes}, nil
}

func (c *WireClient) UpdateItem(ctx context.Context, in *ddb.UpdateItemInput) (*ddb.UpdateItemOutput, error) {
	var out itemOutput
	if err := c.call(ctx, "UpdateItem", in, &out); err != nil {
		return nil, err
	}
	return &ddb.UpdateItemOutput{Attributes: out.Attributes}, nil
}

func (c *WireClient) DeleteItem(ctx context.Context, in *ddb.DeleteItemInput) (*ddb.DeleteItemOutput, error) {
	var out itemOutput
	if err := c.call(ctx, "DeleteItem", in, &out); err != nil {
		return nil, err
	}
	return &ddb.DeleteItemOutput{Attributes: out.Attributes}, nil
}

func (c *WireClient) Query(ctx context.Context, in *ddb.QueryInput) (*ddb.QueryOutput, error) {
	var out queryOutput
	if err := c.call(ctx, "Query", in, &out); err != nil {
		return nil, err
	}
	return &ddb.QueryOutput{Items: out.Items, Count: out.Count, ScannedCount: out.ScannedCount,
		LastEvaluatedKey: out.LastEvaluatedKey}, nil
}

func (c *WireClient) BatchGetItem(ctx context.Context, in *ddb.BatchGetItemInput) (*ddb.BatchGetItemOutput, error) {
	var out batchGetOutput
	if err := c.call(ctx, "BatchGetItem", in, &out); err != nil {
		return nil, err
	}
	return &ddb.BatchGetItemOutput{Responses: out.Responses, UnprocessedKeys: out.UnprocessedKeys}, nil
}

func (c *WireClient) BatchWriteItem(ctx context.Context, in *ddb.BatchWriteItemInput) (*ddb.BatchWriteItemOutput, error) {
	var out batchWriteOutput
	if err := c.call(ctx, "BatchWriteItem", in, &out); err != nil {
		return nil, err
	}
	return &ddb.BatchWriteItemOutput{UnprocessedItems: out.UnprocessedItems}, nil
}

// TransactWriteItems gives a transaction without a client token one, kept
// across its attempts, as the SDK does: DynamoDB then runs it once however
// many attempts reach it.
func (c *WireClient) TransactWriteItems(ctx context.Context, in *ddb.TransactWriteItemsInput) (*ddb.TransactWriteItemsOutput, error) {
	if in.ClientRequestToken == nil {
		withToken := *in
		withToken.ClientRequestToken = aws.String(uuid.NewString())
		in = &withToken
	}
	if err := c.call(ctx, "TransactWriteItems", in, &struct{}{}); err != nil {
		return nil, err
	}
	return &ddb.TransactWriteItemsOutput{}, nil
}

// refusal is ddb's type of a refusal the callers look for by type
// (nil for the others, which they know by code).
func refusal(r *awsjson.Error) error {
	var e errorOutput
	_ = e.DecodeAnswer(r.Body) // a body that is not DynamoDB's carries nothing more
	msg := aws.String(r.Message)
	switch r.Code {
	case "ConditionalCheckFailedException":
		return &ddb.ConditionalCheckFailedException{Message: msg, Item: e.Item}
	case "TransactionCanceledException":
		return &ddb.TransactionCanceledException{Message: msg, CancellationReasons: e.CancellationReasons}
	case "TransactionConflictException":
		return &ddb.TransactionConflictException{Message: msg}
	}
	return nil
}
