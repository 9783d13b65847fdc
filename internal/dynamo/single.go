package dynamo

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Single writes: one item built with Repo.Put, Update or Delete, written on
// its own under the retry policy (a write that meets a transaction in
// progress on its item is retried). A failed condition is reported by
// IsConditionFailed.

// PutItem writes a Put item.
func PutItem(ctx context.Context, db DB, w types.TransactWriteItem) error {
	p := w.Put
	return Retry(ctx, Retryable, func() error {
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: p.TableName, Item: p.Item, ConditionExpression: p.ConditionExpression,
			ExpressionAttributeNames: p.ExpressionAttributeNames, ExpressionAttributeValues: p.ExpressionAttributeValues,
		})
		return err
	})
}

// UpdateItem writes an Update item and answers the attributes ret asks
// for (types.ReturnValueNone: none).
func UpdateItem(ctx context.Context, db DB, w types.TransactWriteItem, ret types.ReturnValue) (Item, error) {
	u := w.Update
	var out *dynamodb.UpdateItemOutput
	err := Retry(ctx, Retryable, func() error {
		var err error
		out, err = db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: u.TableName, Key: u.Key, UpdateExpression: u.UpdateExpression, ConditionExpression: u.ConditionExpression,
			ExpressionAttributeNames: u.ExpressionAttributeNames, ExpressionAttributeValues: u.ExpressionAttributeValues,
			ReturnValues: ret,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out.Attributes, nil
}

// DeleteItem writes a Delete item.
func DeleteItem(ctx context.Context, db DB, w types.TransactWriteItem) error {
	d := w.Delete
	return Retry(ctx, Retryable, func() error {
		_, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
			TableName: d.TableName, Key: d.Key, ConditionExpression: d.ConditionExpression,
			ExpressionAttributeNames: d.ExpressionAttributeNames, ExpressionAttributeValues: d.ExpressionAttributeValues,
		})
		return err
	})
}

// IsConditionFailed reports whether err is a failed condition, of a single
// write or of an item of a cancelled transaction.
func IsConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return true
	}
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if aws.ToString(r.Code) == reasonCondition {
				return true
			}
		}
	}
	return false
}
