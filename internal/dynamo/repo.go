package dynamo

import (
	"context"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/dynamo/ddb"
)

// Item is one DynamoDB item, key or set of expression values.
type Item = map[string]ddb.AttributeValue

// Repo is one table through one client: what every area's store holds to
// build transaction items (tx.go) and to read (Get, QueryAll, QueryPage,
// BatchGet). Reads of the table are strongly consistent (admin screens read
// right after writing; checks must see a revocation at once) unless the
// Repo comes from Eventually; index reads are eventually consistent, as
// DynamoDB allows nothing else.
type Repo struct {
	DB       DB
	Table    string
	eventual bool
}

// Eventually returns r reading with eventual consistency (half the cost),
// for hot paths that tolerate a moment's staleness.
func (r Repo) Eventually() Repo { r.eventual = true; return r }

// Get reads the item at key as T (T may be Item itself); found is false
// when there is none.
func Get[T any](ctx context.Context, r Repo, key Item) (v T, found bool, err error) {
	out, err := r.DB.GetItem(ctx, &ddb.GetItemInput{TableName: aws.String(r.Table), Key: key, ConsistentRead: aws.Bool(!r.eventual)})
	if err != nil {
		return v, false, fmt.Errorf("get %s: %w", keyText(key), err)
	}
	if out.Item == nil {
		return v, false, nil
	}
	if raw, ok := any(out.Item).(T); ok { // T is Item: the item as it is
		return raw, true, nil
	}
	if err := ddb.UnmarshalMap(out.Item, &v); err != nil {
		return v, false, fmt.Errorf("decode %s: %w", keyText(key), err)
	}
	return v, true, nil
}

// Query runs one Query of r's table (see prepare) and wraps its error.
func Query(ctx context.Context, r Repo, in *ddb.QueryInput) (*ddb.QueryOutput, error) {
	out, err := r.DB.Query(ctx, r.prepare(in))
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", r.Table, err)
	}
	return out, nil
}

// QueryItems reads the items in selects page after page (each up to 1 MB,
// or in.Limit items) until it has max of them (0: all).
func QueryItems(ctx context.Context, r Repo, in *ddb.QueryInput, max int) ([]Item, error) {
	var items []Item
	for {
		out, err := Query(ctx, r, in)
		if err != nil {
			return nil, err
		}
		items = append(items, out.Items...)
		if max > 0 && len(items) >= max {
			return items[:max], nil
		}
		if len(out.LastEvaluatedKey) == 0 {
			return items, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// QueryAll reads every item in selects and decodes them as T.
func QueryAll[T any](ctx context.Context, r Repo, in *ddb.QueryInput) ([]T, error) {
	items, err := QueryItems(ctx, r, in, 0)
	if err != nil {
		return nil, err
	}
	return Decode[T](items)
}

// Prefix selects the items of partition pk whose sort key starts with
// prefix ("" for all of them).
func Prefix(pk, prefix string) *ddb.QueryInput {
	if prefix == "" {
		return &ddb.QueryInput{KeyConditionExpression: aws.String("pk = :pk"), ExpressionAttributeValues: Item{":pk": S(pk)}}
	}
	return &ddb.QueryInput{
		KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: Item{":pk": S(pk), ":prefix": S(prefix)},
	}
}

// prepare points in at r's table, reads consistently unless r is eventual
// or in reads an index (or says otherwise), and maps the #name
// placeholders of its expressions that it does not map itself.
func (r Repo) prepare(in *ddb.QueryInput) *ddb.QueryInput {
	in.TableName = aws.String(r.Table)
	if in.ConsistentRead == nil && in.IndexName == nil {
		in.ConsistentRead = aws.Bool(!r.eventual)
	}
	names := AttrNames(aws.ToString(in.KeyConditionExpression) + " " + aws.ToString(in.FilterExpression) + " " + aws.ToString(in.ProjectionExpression))
	if len(names) > 0 {
		maps.Copy(names, in.ExpressionAttributeNames)
		in.ExpressionAttributeNames = names
	}
	return in
}

// keyText shows a key in errors: its string values.
func keyText(key Item) string {
	s := ""
	for _, a := range []string{"pk", "sk"} {
		if v, ok := key[a].(*ddb.AttributeValueMemberS); ok {
			s += v.Value + " "
		}
	}
	if s == "" {
		return "item"
	}
	return s[:len(s)-1]
}

// Values.

// S is a string attribute value.
func S(v string) ddb.AttributeValue { return &ddb.AttributeValueMemberS{Value: v} }

// N is a number attribute value.
func N[I ~int | ~int64](v I) ddb.AttributeValue {
	return &ddb.AttributeValueMemberN{Value: fmt.Sprint(int64(v))}
}

// SS is a string set attribute value (never empty).
func SS(v ...string) ddb.AttributeValue { return &ddb.AttributeValueMemberSS{Value: v} }

// Bool is a boolean attribute value.
func Bool(b bool) ddb.AttributeValue { return &ddb.AttributeValueMemberBOOL{Value: b} }

// Key is a pk/sk key (its two values one allocation).
func Key(pk, sk string) Item {
	v := &[2]ddb.AttributeValueMemberS{{Value: pk}, {Value: sk}}
	return Item{"pk": &v[0], "sk": &v[1]}
}
