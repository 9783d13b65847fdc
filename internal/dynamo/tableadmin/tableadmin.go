// Package tableadmin manages the tables with the AWS SDK's DynamoDB
// client: creating them from dynamo's definitions (the local stack, the
// tests), adding the indexes an older table lacks, and the SDK client on
// DynamoDB Local. Only table management, the operator commands and the
// tests use it; no function links it (nor the SDK's DynamoDB packages:
// TestFunctionsLinkNoSDKDynamoDB).
package tableadmin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"sentinel/internal/budget"
	"sentinel/internal/dynamo"
)

// LocalClient is the SDK's client on DynamoDB Local at endpoint, with the
// same retries and error classification as in AWS (budget.Configure) and
// DynamoDB Local's longer attempt timeout (budget.WithAttemptTimeout
// changes it).
func LocalClient(endpoint string, opts ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		Retryer:      budget.Retryer(),
		APIOptions:   []func(*middleware.Stack) error{budget.Middleware(budget.LocalAttemptTimeout)},
	}, opts...)
}

// Count installs c on an SDK client: it counts the client's operations by
// name, as dynamo.WireClient's Observe does.
func Count(c *dynamo.Counter) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Initialize.Add(middleware.InitializeMiddlewareFunc("sentinel-counter",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					c.Observe(middleware.GetOperationName(ctx))
					return next.HandleInitialize(ctx, in)
				}), middleware.After)
		})
	}
}

// CreateInput is the CreateTable request for the table t under a physical name
// (pay per request, as in the stack).
func CreateInput(t dynamo.Table, name string) *dynamodb.CreateTableInput {
	attrs := map[string]bool{}
	var defs []types.AttributeDefinition
	def := func(a string) {
		if a != "" && !attrs[a] {
			attrs[a] = true
			defs = append(defs, types.AttributeDefinition{AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS})
		}
	}
	schema := func(pk, sk string) []types.KeySchemaElement {
		def(pk)
		ks := []types.KeySchemaElement{{AttributeName: aws.String(pk), KeyType: types.KeyTypeHash}}
		if sk != "" {
			def(sk)
			ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(sk), KeyType: types.KeyTypeRange})
		}
		return ks
	}
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema:   schema(t.PartitionKey, t.SortKey),
	}
	for _, g := range t.GSIs {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:  aws.String(g.Name),
			KeySchema:  schema(g.PartitionKey, g.SortKey),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	in.AttributeDefinitions = defs
	return in
}

// CreateTables creates every table that does not exist yet, adds the
// indexes an existing table lacks, and waits until all are active. Used by
// the local stack and the tests; in AWS the CDK stack creates them from the
// same definitions.
func CreateTables(ctx context.Context, c *dynamodb.Client, names dynamo.Names) error {
	for _, t := range dynamo.All {
		name := names.Name(t)
		_, err := c.CreateTable(ctx, CreateInput(t, name))
		var inUse *types.ResourceInUseException
		if err != nil && !errors.As(err, &inUse) {
			return fmt.Errorf("create table %s: %w", name, err)
		}
		if err := dynamodb.NewTableExistsWaiter(c).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*time.Minute); err != nil {
			return fmt.Errorf("wait for table %s: %w", name, err)
		}
		if err != nil { // the table existed: it may predate an index
			if err := addMissingIndexes(ctx, c, t, name); err != nil {
				return err
			}
		}
		if t.TTLAttribute == "" {
			continue
		}
		ttl, err := c.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
		if err != nil {
			return fmt.Errorf("describe ttl of %s: %w", name, err)
		}
		if d := ttl.TimeToLiveDescription; d != nil && d.TimeToLiveStatus == types.TimeToLiveStatusEnabled {
			continue
		}
		_, err = c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName:               aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(t.TTLAttribute), Enabled: aws.Bool(true)},
		})
		if err != nil {
			return fmt.Errorf("enable ttl on %s: %w", name, err)
		}
	}
	return nil
}

// addMissingIndexes adds to an existing table the indexes of t it lacks
// (a table created before the index was defined), one at a time as
// DynamoDB requires; DynamoDB fills each from the items already stored.
func addMissingIndexes(ctx context.Context, c *dynamodb.Client, t dynamo.Table, name string) error {
	for {
		index, err := AddMissingIndex(ctx, c, t, name)
		if err != nil || index == "" {
			return err
		}
		if err := waitIndexActive(ctx, c, name, index); err != nil {
			return err
		}
	}
}

// AddMissingIndex starts creating the first index of t that the table
// called name lacks and returns its name ("" when none is missing).
func AddMissingIndex(ctx context.Context, c *dynamodb.Client, t dynamo.Table, name string) (string, error) {
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("describe table %s: %w", name, err)
	}
	full := CreateInput(t, name)
	for _, g := range full.GlobalSecondaryIndexes {
		if slices.ContainsFunc(d.Table.GlobalSecondaryIndexes, func(have types.GlobalSecondaryIndexDescription) bool {
			return aws.ToString(have.IndexName) == aws.ToString(g.IndexName)
		}) {
			continue
		}
		_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
			TableName:                   aws.String(name),
			AttributeDefinitions:        full.AttributeDefinitions,
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection}}},
		})
		if err != nil {
			return "", fmt.Errorf("add index %s to %s: %w", aws.ToString(g.IndexName), name, err)
		}
		return aws.ToString(g.IndexName), nil
	}
	return "", nil
}

// waitIndexActive polls until an index being created is active (filling
// it takes DynamoDB Local moments when idle, minutes under heavy load), for
// at most 10 minutes or until ctx ends.
func waitIndexActive(ctx context.Context, c *dynamodb.Client, table, index string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	for {
		d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err != nil {
			return fmt.Errorf("describe table %s: %w", table, err)
		}
		for _, g := range d.Table.GlobalSecondaryIndexes {
			if aws.ToString(g.IndexName) == index && g.IndexStatus == types.IndexStatusActive {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("index %s of %s is not active yet: %w", index, table, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}
