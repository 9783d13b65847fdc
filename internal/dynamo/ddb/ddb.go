// Package ddb holds the DynamoDB data types the functions use: attribute
// values, the inputs and outputs of the operations dynamo.DB offers (only
// the fields the project uses), the refusals callers look for by type, and
// a marshaller for the record structs (MarshalMap, UnmarshalMap). Names and
// fields mirror the AWS SDK's (service/dynamodb, its types package and
// feature/dynamodb/attributevalue), whose packages cost each function
// about 0.9 MB of binary: their schemas are built at start, so the linker
// keeps them whole. The field names are the protocol's member names:
// dynamo.WireClient writes the inputs by them.
package ddb

import "fmt"

// AttributeValue is one DynamoDB value: one of the AttributeValueMember
// types.
type AttributeValue interface{ isAttributeValue() }

type (
	// AttributeValueMemberS is a string.
	AttributeValueMemberS struct{ Value string }
	// AttributeValueMemberN is a number, in its decimal text.
	AttributeValueMemberN struct{ Value string }
	// AttributeValueMemberB is binary.
	AttributeValueMemberB struct{ Value []byte }
	// AttributeValueMemberBOOL is a boolean.
	AttributeValueMemberBOOL struct{ Value bool }
	// AttributeValueMemberNULL is null (Value is true).
	AttributeValueMemberNULL struct{ Value bool }
	// AttributeValueMemberSS is a string set.
	AttributeValueMemberSS struct{ Value []string }
	// AttributeValueMemberNS is a number set.
	AttributeValueMemberNS struct{ Value []string }
	// AttributeValueMemberBS is a binary set.
	AttributeValueMemberBS struct{ Value [][]byte }
	// AttributeValueMemberL is a list.
	AttributeValueMemberL struct{ Value []AttributeValue }
	// AttributeValueMemberM is a map.
	AttributeValueMemberM struct{ Value map[string]AttributeValue }
)

func (*AttributeValueMemberS) isAttributeValue()    {}
func (*AttributeValueMemberN) isAttributeValue()    {}
func (*AttributeValueMemberB) isAttributeValue()    {}
func (*AttributeValueMemberBOOL) isAttributeValue() {}
func (*AttributeValueMemberNULL) isAttributeValue() {}
func (*AttributeValueMemberSS) isAttributeValue()   {}
func (*AttributeValueMemberNS) isAttributeValue()   {}
func (*AttributeValueMemberBS) isAttributeValue()   {}
func (*AttributeValueMemberL) isAttributeValue()    {}
func (*AttributeValueMemberM) isAttributeValue()    {}

// ReturnValue names what a write returns of the item.
type ReturnValue string

const (
	ReturnValueNone       ReturnValue = "NONE"
	ReturnValueAllOld     ReturnValue = "ALL_OLD"
	ReturnValueUpdatedOld ReturnValue = "UPDATED_OLD"
	ReturnValueAllNew     ReturnValue = "ALL_NEW"
	ReturnValueUpdatedNew ReturnValue = "UPDATED_NEW"
)

// ReturnValuesOnConditionCheckFailure names what a refused write returns
// of the item.
type ReturnValuesOnConditionCheckFailure string

const (
	ReturnValuesOnConditionCheckFailureAllOld ReturnValuesOnConditionCheckFailure = "ALL_OLD"
	ReturnValuesOnConditionCheckFailureNone   ReturnValuesOnConditionCheckFailure = "NONE"
)

// Select names what a Query returns.
type Select string

const (
	SelectAllAttributes Select = "ALL_ATTRIBUTES"
	SelectCount         Select = "COUNT"
)

// KeysAndAttributes is one table's part of a BatchGetItem.
type KeysAndAttributes struct {
	Keys                     []map[string]AttributeValue
	ConsistentRead           *bool
	ProjectionExpression     *string
	ExpressionAttributeNames map[string]string
}

// WriteRequest is one item of a BatchWriteItem: a put or a delete.
type WriteRequest struct {
	PutRequest    *PutRequest
	DeleteRequest *DeleteRequest
}

type (
	PutRequest    struct{ Item map[string]AttributeValue }
	DeleteRequest struct{ Key map[string]AttributeValue }
)

// TransactWriteItem is one item of a transaction: exactly one member set.
type TransactWriteItem struct {
	ConditionCheck *ConditionCheck
	Delete         *Delete
	Put            *Put
	Update         *Update
}

type (
	ConditionCheck struct {
		TableName                           *string
		Key                                 map[string]AttributeValue
		ConditionExpression                 *string
		ExpressionAttributeNames            map[string]string
		ExpressionAttributeValues           map[string]AttributeValue
		ReturnValuesOnConditionCheckFailure ReturnValuesOnConditionCheckFailure
	}
	Delete struct {
		TableName                           *string
		Key                                 map[string]AttributeValue
		ConditionExpression                 *string
		ExpressionAttributeNames            map[string]string
		ExpressionAttributeValues           map[string]AttributeValue
		ReturnValuesOnConditionCheckFailure ReturnValuesOnConditionCheckFailure
	}
	Put struct {
		TableName                           *string
		Item                                map[string]AttributeValue
		ConditionExpression                 *string
		ExpressionAttributeNames            map[string]string
		ExpressionAttributeValues           map[string]AttributeValue
		ReturnValuesOnConditionCheckFailure ReturnValuesOnConditionCheckFailure
	}
	Update struct {
		TableName                           *string
		Key                                 map[string]AttributeValue
		UpdateExpression                    *string
		ConditionExpression                 *string
		ExpressionAttributeNames            map[string]string
		ExpressionAttributeValues           map[string]AttributeValue
		ReturnValuesOnConditionCheckFailure ReturnValuesOnConditionCheckFailure
	}
)

// The operations' inputs and outputs.
type (
	GetItemInput struct {
		TableName                *string
		Key                      map[string]AttributeValue
		ConsistentRead           *bool
		ProjectionExpression     *string
		ExpressionAttributeNames map[string]string
	}
	GetItemOutput struct{ Item map[string]AttributeValue }

	PutItemInput struct {
		TableName                           *string
		Item                                map[string]AttributeValue
		ConditionExpression                 *string
		ExpressionAttributeNames            map[string]string
		ExpressionAttributeValues           map[string]AttributeValue
		ReturnValues                        ReturnValue
		ReturnValuesOnConditionCheckFailure ReturnValuesOnConditionCheckFailure
	}
	PutItemOutput struct{ Attributes map[string]AttributeValue }

	UpdateItemInput struct {
		TableName                           *string
		Key                                 map[string]AttributeValue
		UpdateExpression                    *string
		ConditionExpression                 *string
		ExpressionAttributeNames            map[string]string
		ExpressionAttributeValues           map[string]AttributeValue
		ReturnValues                        ReturnValue
		ReturnValuesOnConditionCheckFailure ReturnValuesOnConditionCheckFailure
	}
	UpdateItemOutput struct{ Attributes map[string]AttributeValue }

	DeleteItemInput struct {
		TableName                           *string
		Key                                 map[string]AttributeValue
		ConditionExpression                 *string
		ExpressionAttributeNames            map[string]string
		ExpressionAttributeValues           map[string]AttributeValue
		ReturnValues                        ReturnValue
		ReturnValuesOnConditionCheckFailure ReturnValuesOnConditionCheckFailure
	}
	DeleteItemOutput struct{ Attributes map[string]AttributeValue }

	QueryInput struct {
		TableName                 *string
		IndexName                 *string
		KeyConditionExpression    *string
		FilterExpression          *string
		ProjectionExpression      *string
		ExpressionAttributeNames  map[string]string
		ExpressionAttributeValues map[string]AttributeValue
		ExclusiveStartKey         map[string]AttributeValue
		Limit                     *int32
		ScanIndexForward          *bool
		ConsistentRead            *bool
		Select                    Select
	}
	QueryOutput struct {
		Items            []map[string]AttributeValue
		Count            int32
		ScannedCount     int32
		LastEvaluatedKey map[string]AttributeValue
	}

	BatchGetItemInput  struct{ RequestItems map[string]KeysAndAttributes }
	BatchGetItemOutput struct {
		Responses       map[string][]map[string]AttributeValue
		UnprocessedKeys map[string]KeysAndAttributes
	}

	BatchWriteItemInput  struct{ RequestItems map[string][]WriteRequest }
	BatchWriteItemOutput struct{ UnprocessedItems map[string][]WriteRequest }

	TransactWriteItemsInput struct {
		TransactItems      []TransactWriteItem
		ClientRequestToken *string
	}
	TransactWriteItemsOutput struct{}
)

// CancellationReason is why a transaction's item was cancelled (Code
// "None" for the items that were not the cause).
type CancellationReason struct {
	Code    *string
	Message *string
	Item    map[string]AttributeValue
}

// ConditionalCheckFailedException: a single write's condition failed; Item
// is the item as it was when the write asked for it.
type ConditionalCheckFailedException struct {
	Message *string
	Item    map[string]AttributeValue
}

// TransactionCanceledException: a transaction was cancelled, with a reason
// per item.
type TransactionCanceledException struct {
	Message             *string
	CancellationReasons []CancellationReason
}

// TransactionConflictException: a single write met a transaction in
// progress on its item.
type TransactionConflictException struct{ Message *string }

func (e *ConditionalCheckFailedException) Error() string {
	return refusalText("ConditionalCheckFailedException", e.Message)
}
func (e *TransactionCanceledException) Error() string {
	return refusalText("TransactionCanceledException", e.Message)
}
func (e *TransactionConflictException) Error() string {
	return refusalText("TransactionConflictException", e.Message)
}

func (e *ConditionalCheckFailedException) ErrorCode() string {
	return "ConditionalCheckFailedException"
}
func (e *TransactionCanceledException) ErrorCode() string { return "TransactionCanceledException" }
func (e *TransactionConflictException) ErrorCode() string { return "TransactionConflictException" }

func refusalText(code string, msg *string) string {
	if msg == nil {
		return code
	}
	return fmt.Sprintf("%s: %s", code, *msg)
}
