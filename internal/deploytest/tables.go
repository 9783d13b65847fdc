package deploytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// tableProps are the AWS::DynamoDB::Table properties the harness creates
// tables from; their names are the DynamoDB API's, as in CloudFormation.
type tableProps struct {
	TableName              string
	AttributeDefinitions   []types.AttributeDefinition
	KeySchema              []types.KeySchemaElement
	GlobalSecondaryIndexes []struct {
		IndexName  string
		KeySchema  []types.KeySchemaElement
		Projection types.Projection
	}
	LocalSecondaryIndexes []struct {
		IndexName  string
		KeySchema  []types.KeySchemaElement
		Projection types.Projection
	}
	BillingMode             string
	TimeToLiveSpecification *struct {
		AttributeName string
		Enabled       bool
	}
}

// tableIgnored are table properties with no effect on what a function
// can do with the table, so DynamoDB Local has no use for them.
var tableIgnored = []string{"PointInTimeRecoverySpecification", "DeletionProtectionEnabled", "Tags", "SSESpecification", "TableClass", "ContributorInsightsSpecification"}

// tableKnown are the properties tableProps reads.
var tableKnown = []string{"TableName", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "BillingMode", "TimeToLiveSpecification"}

// createTableInputs turns each AWS::DynamoDB::Table of the template into
// the CreateTable (and UpdateTimeToLive) calls CloudFormation would make,
// named by locals. A property the harness does not know fails: it might
// change what the functions can do.
func createTableInputs(t *Template, l *Locals) (map[string]*dynamodb.CreateTableInput, map[string]*dynamodb.UpdateTimeToLiveInput, error) {
	creates := map[string]*dynamodb.CreateTableInput{}
	ttls := map[string]*dynamodb.UpdateTimeToLiveInput{}
	for _, id := range t.OfType("AWS::DynamoDB::Table") {
		r := t.Resources[id]
		for k := range r.Properties {
			if !slices.Contains(tableKnown, k) && !slices.Contains(tableIgnored, k) {
				return nil, nil, fmt.Errorf("table %s: property %s is not modelled by the harness", id, k)
			}
		}
		resolved, err := l.Resolve(r.Properties)
		if err != nil {
			return nil, nil, fmt.Errorf("table %s: %w", id, err)
		}
		raw, _ := json.Marshal(resolved)
		var p tableProps
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, nil, fmt.Errorf("table %s: %w", id, err)
		}
		in := &dynamodb.CreateTableInput{
			TableName:            aws.String(l.Refs[id]),
			AttributeDefinitions: p.AttributeDefinitions,
			KeySchema:            p.KeySchema,
		}
		switch p.BillingMode {
		case "PAY_PER_REQUEST":
			in.BillingMode = types.BillingModePayPerRequest
		default:
			return nil, nil, fmt.Errorf("table %s: billing mode %q: the harness models PAY_PER_REQUEST only", id, p.BillingMode)
		}
		for _, g := range p.GlobalSecondaryIndexes {
			in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
				IndexName: aws.String(g.IndexName), KeySchema: g.KeySchema, Projection: &g.Projection,
			})
		}
		for _, g := range p.LocalSecondaryIndexes {
			in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
				IndexName: aws.String(g.IndexName), KeySchema: g.KeySchema, Projection: &g.Projection,
			})
		}
		creates[id] = in
		if s := p.TimeToLiveSpecification; s != nil && s.Enabled {
			ttls[id] = &dynamodb.UpdateTimeToLiveInput{
				TableName:               in.TableName,
				TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(s.AttributeName), Enabled: aws.Bool(true)},
			}
		}
	}
	return creates, ttls, nil
}

// TableAPI is the part of DynamoDB the harness creates tables with.
type TableAPI interface {
	CreateTable(context.Context, *dynamodb.CreateTableInput, ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	DeleteTable(context.Context, *dynamodb.DeleteTableInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error)
	UpdateTimeToLive(context.Context, *dynamodb.UpdateTimeToLiveInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
}

// CreateTables creates the template's tables on DynamoDB Local, in
// parallel, as CloudFormation would.
func CreateTables(ctx context.Context, db TableAPI, t *Template, l *Locals) error {
	creates, ttls, err := createTableInputs(t, l)
	if err != nil {
		return err
	}
	return parallel(slices.Sorted(maps.Keys(creates)), 0, func(id string) error {
		in := creates[id]
		if _, err := db.CreateTable(ctx, in); err != nil {
			return fmt.Errorf("create table %s (%s): %w", id, *in.TableName, err)
		}
		if ttl := ttls[id]; ttl != nil {
			if _, err := db.UpdateTimeToLive(ctx, ttl); err != nil {
				return fmt.Errorf("table %s: time to live: %w", id, err)
			}
		}
		return nil
	})
}

// DeleteTables removes the template's tables again.
func DeleteTables(ctx context.Context, db TableAPI, t *Template, l *Locals) error {
	return parallel(t.OfType("AWS::DynamoDB::Table"), 0, func(id string) error {
		_, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(l.Refs[id])})
		return err
	})
}

// parallel runs f for each item, at most limit at once (0: all at once),
// and joins the errors.
func parallel(items []string, limit int, f func(string) error) error {
	if limit <= 0 {
		limit = len(items)
	}
	sem := make(chan struct{}, max(limit, 1))
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = f(it)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
