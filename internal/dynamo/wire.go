package dynamo

import (
	"bytes"
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"

	"sentinel/internal/awsjson"
	"sentinel/internal/budget"
)

// WireClient is the functions' DynamoDB client: the operations of DB over
// DynamoDB's JSON protocol (internal/awsjson: SigV4, the budget's
// attempts, retries and 503s), taking and returning the SDK's own input,
// output and error types. Table management, Scan and the rest stay with
// the SDK's client (LocalClient, the operator tools), which no function
// links.
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

// call writes in (an SDK input struct) as op's request and reads the answer into out.
func (c *WireClient) call(ctx context.Context, op string, in, out any) error {
	var body bytes.Buffer
	if err := encodeInput(&body, in); err != nil {
		return err
	}
	return c.c.Call(ctx, op, body.Bytes(), out)
}

func (c *WireClient) GetItem(ctx context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	var out itemOutput
	if err := c.call(ctx, "GetItem", in, &out); err != nil {
		return nil, err
	}
	return &dynamodb.GetItemOutput{Item: out.Item}, nil
}

func (c *WireClient) PutItem(ctx context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	var out itemOutput
	if err := c.call(ctx, "PutItem", in, &out); err != nil {
		return nil, err
	}
	return &dynamodb.PutItemOutput{Attributes: out.Attributes}, nil
}

func (c *WireClient) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	var out itemOutput
	if err := c.call(ctx, "UpdateItem", in, &out); err != nil {
		return nil, err
	}
	return &dynamodb.UpdateItemOutput{Attributes: out.Attributes}, nil
}

func (c *WireClient) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	var out itemOutput
	if err := c.call(ctx, "DeleteItem", in, &out); err != nil {
		return nil, err
	}
	return &dynamodb.DeleteItemOutput{Attributes: out.Attributes}, nil
}

func (c *WireClient) Query(ctx context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	var out queryOutput
	if err := c.call(ctx, "Query", in, &out); err != nil {
		return nil, err
	}
	return &dynamodb.QueryOutput{Items: out.Items, Count: out.Count, ScannedCount: out.ScannedCount,
		LastEvaluatedKey: out.LastEvaluatedKey}, nil
}

func (c *WireClient) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	var out batchGetOutput
	if err := c.call(ctx, "BatchGetItem", in, &out); err != nil {
		return nil, err
	}
	return &dynamodb.BatchGetItemOutput{Responses: out.Responses, UnprocessedKeys: out.UnprocessedKeys}, nil
}

func (c *WireClient) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	var out batchWriteOutput
	if err := c.call(ctx, "BatchWriteItem", in, &out); err != nil {
		return nil, err
	}
	return &dynamodb.BatchWriteItemOutput{UnprocessedItems: out.UnprocessedItems}, nil
}

// TransactWriteItems gives a transaction without a client token one, kept
// across its attempts, as the SDK does: DynamoDB then runs it once however
// many attempts reach it.
func (c *WireClient) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	if in.ClientRequestToken == nil {
		withToken := *in
		withToken.ClientRequestToken = aws.String(uuid.NewString())
		in = &withToken
	}
	if err := c.call(ctx, "TransactWriteItems", in, &struct{}{}); err != nil {
		return nil, err
	}
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

// refusal is the SDK's type of a refusal the callers look for by type
// (nil for the others, which they know by code).
func refusal(r *awsjson.Error) error {
	var e errorOutput
	_ = e.DecodeAnswer(r.Body) // a body that is not DynamoDB's carries nothing more
	msg := aws.String(r.Message)
	switch r.Code {
	case "ConditionalCheckFailedException":
		return &types.ConditionalCheckFailedException{Message: msg, Item: e.Item}
	case "TransactionCanceledException":
		return &types.TransactionCanceledException{Message: msg, CancellationReasons: e.CancellationReasons}
	case "TransactionConflictException":
		return &types.TransactionConflictException{Message: msg}
	}
	return nil
}
