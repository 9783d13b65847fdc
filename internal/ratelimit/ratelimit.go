// Package ratelimit counts events per key in fixed windows held in the
// Limits table, so a limit holds across every Lambda instance rather than
// per container. Counters expire by TTL once their window has passed.
//
// Counting is a conditional UpdateItem (ADD) while the key's window is open
// and a conditional PutItem that opens a new window otherwise: never
// read-then-write, so concurrent requests never lose a count.
package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"sentinel/internal/dynamo"
)

// Rule allows at most Max events per key in a fixed Window.
type Rule struct {
	Max    int
	Window time.Duration
}

// Limiter counts events in the Limits table.
type Limiter struct {
	db    dynamo.DB
	table string
	now   func() time.Time
}

// New returns a limiter over the Limits table.
func New(db dynamo.DB, table string, now func() time.Time) *Limiter {
	return &Limiter{db: db, table: table, now: now}
}

// counter is one key's window in the Limits table.
type counter struct {
	PK     string `dynamodbav:"pk"`
	Count  int    `dynamodbav:"count"`
	Window int64  `dynamodbav:"window_start"`
	TTL    int64  `dynamodbav:"ttl"`
}

// retryAfter is the whole seconds (rounded up, at least 1) until c's window
// ends, or 0 when it holds fewer than max events or has ended.
func (c counter) retryAfter(max int, window time.Duration, now time.Time) int {
	end := time.Unix(c.Window, 0).Add(window)
	if c.Count < max || !now.Before(end) {
		return 0
	}
	return int(end.Sub(now).Seconds()) + 1
}

// Blocked reports the seconds until key's window ends when the window
// already holds rule.Max events (0: not blocked). It counts nothing: for
// limits on failures, checked before an attempt and counted by Add only
// when it fails. One consistent GetItem.
func (l *Limiter) Blocked(ctx context.Context, key string, rule Rule) (int, error) {
	out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(l.table), Key: pk(key), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return 0, fmt.Errorf("read rate limit %s: %w", key, err)
	}
	if out.Item == nil {
		return 0, nil
	}
	var c counter
	if err := attributevalue.UnmarshalMap(out.Item, &c); err != nil {
		return 0, fmt.Errorf("decode rate limit %s: %w", key, err)
	}
	return c.retryAfter(rule.Max, rule.Window, l.now()), nil
}

// Add counts one event for key in its open window, or opens a new one.
func (l *Limiter) Add(ctx context.Context, key string, window time.Duration) error {
	_, err := l.add(ctx, key, window, l.now())
	return err
}

// Allow counts one event for key and reports the seconds to wait when it
// is over rule.Max in the window (0: allowed). Refused events count too, so
// a client that keeps trying stays limited until the window ends. One
// UpdateItem, plus a PutItem when a new window opens.
func (l *Limiter) Allow(ctx context.Context, key string, rule Rule) (int, error) {
	now := l.now()
	c, err := l.add(ctx, key, rule.Window, now)
	if err != nil {
		return 0, err
	}
	if c.Count <= rule.Max {
		return 0, nil
	}
	return c.retryAfter(rule.Max, rule.Window, now), nil
}

// Reset forgets key's window (after a successful sign-in, say).
func (l *Limiter) Reset(ctx context.Context, key string) error {
	if _, err := l.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(l.table), Key: pk(key)}); err != nil {
		return fmt.Errorf("reset rate limit %s: %w", key, err)
	}
	return nil
}

// maxAttempts bounds the race between adding to a window that just ended
// and opening the next one; each lost race means another writer moved the
// window, so a second round almost always settles it.
const maxAttempts = 5

// add counts one event: ADD to the window while it is open, else put a new
// window holding this event. It returns the counter after the write.
func (l *Limiter) add(ctx context.Context, key string, window time.Duration, now time.Time) (counter, error) {
	open := now.Add(-window).Unix()
	for range maxAttempts {
		out, err := l.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:                 aws.String(l.table),
			Key:                       pk(key),
			UpdateExpression:          aws.String("ADD #c :one"),
			ConditionExpression:       aws.String("window_start > :open"),
			ExpressionAttributeNames:  map[string]string{"#c": "count"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1), ":open": num(open)},
			ReturnValues:              types.ReturnValueAllNew,
		})
		if err == nil {
			var c counter
			if err := attributevalue.UnmarshalMap(out.Attributes, &c); err != nil {
				return counter{}, fmt.Errorf("decode rate limit %s: %w", key, err)
			}
			return c, nil
		}
		if !dynamo.IsConditionFailed(err) {
			return counter{}, fmt.Errorf("count rate limit %s: %w", key, err)
		}
		c := counter{PK: key, Count: 1, Window: now.Unix(), TTL: now.Add(window).Unix() + 60}
		item, err := attributevalue.MarshalMap(c)
		if err != nil {
			return counter{}, fmt.Errorf("encode rate limit %s: %w", key, err)
		}
		_, err = l.db.PutItem(ctx, &dynamodb.PutItemInput{
			TableName:                 aws.String(l.table),
			Item:                      item,
			ConditionExpression:       aws.String("attribute_not_exists(pk) OR window_start <= :open"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":open": num(open)},
		})
		if err == nil {
			return c, nil
		}
		if !dynamo.IsConditionFailed(err) {
			return counter{}, fmt.Errorf("open rate limit window %s: %w", key, err)
		}
		// Another event opened the window first: add to it.
	}
	return counter{}, fmt.Errorf("count rate limit %s: window kept moving after %d attempts", key, maxAttempts)
}

func pk(key string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": dynamo.S(key)}
}

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
