package dynamo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"sentinel/internal/apperr"
)

// TimeFormat is how timestamps are stored: RFC 3339 in UTC with a fixed
// width, so that stored strings sort and compare as times do.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// FormatTime renders t for storage and responses.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// EncodeCursor wraps a LastEvaluatedKey (string attributes only) as an
// opaque cursor; "" when there is no next page.
func EncodeCursor(lek map[string]types.AttributeValue) string {
	if len(lek) == 0 {
		return ""
	}
	m := map[string]string{}
	for k, v := range lek {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			m[k] = s.Value
		}
	}
	b, _ := json.Marshal(m)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor validates a cursor: it must decode to exactly the key
// attributes of the index being paged, all strings. Anything else is a 400.
func DecodeCursor(cursor string, keyAttrs ...string) (map[string]types.AttributeValue, error) {
	if cursor == "" {
		return nil, nil
	}
	bad := apperr.New(apperr.BadRequest, "Invalid cursor")
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) > 2048 {
		return nil, bad
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil || len(m) != len(keyAttrs) {
		return nil, bad
	}
	out := map[string]types.AttributeValue{}
	for _, k := range keyAttrs {
		v, ok := m[k]
		if !ok || v == "" {
			return nil, bad
		}
		out[k] = &types.AttributeValueMemberS{Value: v}
	}
	return out, nil
}

// QueryPage runs one Query of a paged listing: from where cursor points
// (validated against keyAttrs, the key attributes of the table or index
// queried) it answers the items and the cursor of the next page (nil on
// the last).
func QueryPage(ctx context.Context, db DB, in *dynamodb.QueryInput, cursor string, keyAttrs ...string) ([]Item, *string, error) {
	start, err := DecodeCursor(cursor, keyAttrs...)
	if err != nil {
		return nil, nil, err
	}
	in.ExclusiveStartKey = start
	out, err := db.Query(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	var next *string
	if c := EncodeCursor(out.LastEvaluatedKey); c != "" {
		next = &c
	}
	return out.Items, next, nil
}

// S is a string attribute value.
func S(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// Key is a pk/sk key.
func Key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": S(pk), "sk": S(sk)}
}

// Put is the transaction item that writes item (a struct with dynamodbav
// tags) to table, only if cond holds when cond is not "".
func Put(table string, item any, cond string) types.TransactWriteItem {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		panic(err) // item types are plain structs of strings and numbers
	}
	p := &types.Put{TableName: aws.String(table), Item: av}
	if cond != "" {
		p.ConditionExpression = aws.String(cond)
	}
	return types.TransactWriteItem{Put: p}
}

// Delete is the transaction item that deletes pk/sk from table.
func Delete(table, pk, sk string) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(table), Key: Key(pk, sk)}}
}
