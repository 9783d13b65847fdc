// Package activity is the audit log of admin mutations and key events
// (GET /admin/activity). Entries are written in the same transaction as the
// change they record, so neither exists without the other.
package activity

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/web"
)

// partition holds every entry: admin mutations are rare (a handful a
// minute), far below one partition's write limit, and a single partition
// keeps "newest first" one Query.
const partition = "LOG"

// Entry is one recorded event. Detail must never hold a secret.
type Entry struct {
	ID         string         `json:"id" dynamodbav:"id"`
	At         string         `json:"at" dynamodbav:"at"`
	Actor      string         `json:"actor" dynamodbav:"actor"`
	Action     string         `json:"action" dynamodbav:"action"`
	TargetType string         `json:"target_type" dynamodbav:"target_type"`
	TargetID   string         `json:"target_id" dynamodbav:"target_id"`
	Detail     map[string]any `json:"detail" dynamodbav:"detail"`
}

type item struct {
	PK     string `dynamodbav:"pk"`
	SK     string `dynamodbav:"sk"`
	Target string `dynamodbav:"target"`
	Entry
}

// Log writes and lists entries.
type Log struct {
	db    dynamo.DB
	table string
	now   func() time.Time
}

// New returns a log over the Activity table.
func New(db dynamo.DB, table string, now func() time.Time) *Log {
	return &Log{db: db, table: table, now: now}
}

// Put returns the transaction item that records e (id and time filled in).
func (l *Log) Put(e Entry) types.TransactWriteItem {
	av, err := l.marshal(e)
	if err != nil {
		panic(err) // only plain JSON-like values are recorded
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(l.table), Item: av}}
}

func (l *Log) marshal(e Entry) (map[string]types.AttributeValue, error) {
	e.ID = uuid.NewString()
	e.At = dynamo.FormatTime(l.now())
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	return attributevalue.MarshalMap(item{PK: partition, SK: e.At + "#" + e.ID, Target: e.TargetType + "#" + e.TargetID, Entry: e})
}

// Record writes an entry on its own (events with no other write, such as
// a failed sign-in).
func (l *Log) Record(ctx context.Context, e Entry) error {
	av, err := l.marshal(e)
	if err != nil {
		return err
	}
	_, err = l.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.table), Item: av})
	if err != nil {
		return fmt.Errorf("record activity %s: %w", e.Action, err)
	}
	return nil
}

// Filter narrows a listing.
type Filter struct {
	Action, TargetType, TargetID string
	Limit                        int
	Cursor                       string
}

// Page is one page of entries, newest first.
type Page struct {
	Items      []Entry `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// List answers one page with one Query: by target through the index when a
// target id is given, else the log partition; action and target type are
// filters on that Query.
func (l *Log) List(ctx context.Context, f Filter) (Page, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(l.table), ScanIndexForward: aws.Bool(false), Limit: aws.Int32(int32(f.Limit))}
	values := map[string]types.AttributeValue{}
	names := map[string]string{}
	keyAttrs := []string{"pk", "sk"}
	if f.TargetID != "" {
		if f.TargetType == "" {
			return Page{}, apperr.New(apperr.BadRequest, "target_id needs target_type")
		}
		in.IndexName = aws.String("by-target")
		in.KeyConditionExpression = aws.String("#t = :t")
		names["#t"] = "target"
		values[":t"] = dynamo.S(f.TargetType + "#" + f.TargetID)
		keyAttrs = append(keyAttrs, "target")
	} else {
		in.KeyConditionExpression = aws.String("pk = :pk")
		values[":pk"] = dynamo.S(partition)
		if f.TargetType != "" {
			in.FilterExpression = aws.String("target_type = :tt")
			values[":tt"] = dynamo.S(f.TargetType)
		}
	}
	if f.Action != "" {
		expr := "#a = :a"
		if in.FilterExpression != nil {
			expr = *in.FilterExpression + " AND " + expr
		}
		in.FilterExpression = aws.String(expr)
		names["#a"] = "action"
		values[":a"] = dynamo.S(f.Action)
	}
	if len(names) > 0 {
		in.ExpressionAttributeNames = names
	}
	in.ExpressionAttributeValues = values
	items, next, err := dynamo.QueryPage(ctx, l.db, in, f.Cursor, keyAttrs...)
	if err != nil {
		return Page{}, fmt.Errorf("list activity: %w", err)
	}
	page := Page{Items: []Entry{}, NextCursor: next}
	if err := attributevalue.UnmarshalListOfMaps(items, &page.Items); err != nil {
		return Page{}, fmt.Errorf("decode activity: %w", err)
	}
	return page, nil
}

// ListHandler serves GET /admin/activity.
func (l *Log) ListHandler(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	limit, err := web.ParseLimit(r, 50, 200)
	if err != nil {
		return 0, nil, err
	}
	page, err := l.List(r.Context(), Filter{Action: q.Get("action"), TargetType: q.Get("target_type"), TargetID: q.Get("target_id"), Limit: limit, Cursor: q.Get("cursor")})
	return 200, page, err
}
