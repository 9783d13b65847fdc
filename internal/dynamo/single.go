package dynamo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/dynamo/ddb"
)

// Single writes: one item built with Repo.Put, Update or Delete, written on
// its own under the retry policy (a write that meets a transaction in
// progress on its item is retried). A failed condition is reported by
// IsConditionFailed, with the item it saw (FailedItem).
//
// Every single write must be safe to repeat: the client times out its
// attempts and retries them (budget.AttemptTimeout), and an attempt
// abandoned, or whose answer was lost, may have landed. So each is
// written to leave the same item when run twice — absolute values (SET,
// if_not_exists) under a condition its own write does not break — or, for
// what cannot be (a count), with a write token (Token) stored in the item
// and refused by the condition: the repeat then fails its condition, and
// FailedItem shows the token of the attempt that landed.

// PutItem writes a Put item.
func PutItem(ctx context.Context, db DB, w ddb.TransactWriteItem) error {
	p := w.Put
	return Retry(ctx, Retryable, func() error {
		_, err := db.PutItem(ctx, &ddb.PutItemInput{
			TableName: p.TableName, Item: p.Item, ConditionExpression: p.ConditionExpression,
			ExpressionAttributeNames: p.ExpressionAttributeNames, ExpressionAttributeValues: p.ExpressionAttributeValues,
			ReturnValuesOnConditionCheckFailure: failedItem(p.ConditionExpression),
		})
		return err
	})
}

// UpdateItem writes an Update item and answers the attributes ret asks
// for (ddb.ReturnValueNone: none).
func UpdateItem(ctx context.Context, db DB, w ddb.TransactWriteItem, ret ddb.ReturnValue) (Item, error) {
	u := w.Update
	var out *ddb.UpdateItemOutput
	err := Retry(ctx, Retryable, func() error {
		var err error
		out, err = db.UpdateItem(ctx, &ddb.UpdateItemInput{
			TableName: u.TableName, Key: u.Key, UpdateExpression: u.UpdateExpression, ConditionExpression: u.ConditionExpression,
			ExpressionAttributeNames: u.ExpressionAttributeNames, ExpressionAttributeValues: u.ExpressionAttributeValues,
			ReturnValues: ret, ReturnValuesOnConditionCheckFailure: failedItem(u.ConditionExpression),
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out.Attributes, nil
}

// DeleteItem writes a Delete item.
func DeleteItem(ctx context.Context, db DB, w ddb.TransactWriteItem) error {
	d := w.Delete
	return Retry(ctx, Retryable, func() error {
		_, err := db.DeleteItem(ctx, &ddb.DeleteItemInput{
			TableName: d.TableName, Key: d.Key, ConditionExpression: d.ConditionExpression,
			ExpressionAttributeNames: d.ExpressionAttributeNames, ExpressionAttributeValues: d.ExpressionAttributeValues,
			ReturnValuesOnConditionCheckFailure: failedItem(d.ConditionExpression),
		})
		return err
	})
}

// failedItem asks a conditional write to answer, when its condition fails,
// the item the condition saw (no extra read, no extra cost).
func failedItem(cond *string) ddb.ReturnValuesOnConditionCheckFailure {
	if cond == nil {
		return ""
	}
	return ddb.ReturnValuesOnConditionCheckFailureAllOld
}

// FailedItem is the item a single write's failed condition saw: found is
// false when err is no failed condition or there was no item.
func FailedItem(err error) (item Item, found bool) {
	var ccf *ddb.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || len(ccf.Item) == 0 {
		return nil, false
	}
	return ccf.Item, true
}

// Token returns a fresh write token: 96 random bits, 16 characters.
func Token() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// IsConditionFailed reports whether err is a failed condition, of a single
// write or of an item of a cancelled transaction.
func IsConditionFailed(err error) bool {
	var ccf *ddb.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return true
	}
	var tce *ddb.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if aws.ToString(r.Code) == reasonCondition {
				return true
			}
		}
	}
	return false
}
