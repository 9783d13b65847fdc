package adminauth

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
)

// The account store: admin accounts (pk ADMIN#email, sk ACCOUNT) and revoked
// sessions (pk JTI#id, sk REVOKED, expiring by TTL) in the Admins table. It
// knows items and keys, nothing of passwords, lockouts or cookies.

type account struct {
	PK           string `dynamodbav:"pk"`
	SK           string `dynamodbav:"sk"`
	ID           string `dynamodbav:"id"`
	Email        string `dynamodbav:"email"`
	PasswordHash string `dynamodbav:"password_hash"`
	IsActive     bool   `dynamodbav:"is_active"`
	CreatedAt    string `dynamodbav:"created_at"`
	UpdatedAt    string `dynamodbav:"updated_at"`
}

// accounts stores admin accounts and revoked sessions.
type accounts struct {
	db    dynamo.DB
	table string // Admins table
}

func accountKey(email string) dynamo.Item { return dynamo.Key("ADMIN#"+email, "ACCOUNT") }

func revokedKey(tokenID string) dynamo.Item { return dynamo.Key("JTI#"+tokenID, "REVOKED") }

// upsert sets email's password hash and activates the account, creating it
// if needed (one UpdateItem); created reports whether it did not exist.
func (s accounts) upsert(ctx context.Context, email string, hash []byte, now time.Time) (created bool, err error) {
	at := dynamo.FormatTime(now)
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        aws.String(s.table),
		Key:              accountKey(email),
		UpdateExpression: aws.String("SET password_hash = :h, updated_at = :now, is_active = :t, email = :e, id = if_not_exists(id, :id), created_at = if_not_exists(created_at, :now)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":h": dynamo.S(string(hash)), ":now": dynamo.S(at), ":t": &types.AttributeValueMemberBOOL{Value: true},
			":e": dynamo.S(email), ":id": dynamo.S(uuid.NewString()),
		},
		ReturnValues: types.ReturnValueUpdatedOld,
	})
	if err != nil {
		return false, fmt.Errorf("ensure admin: %w", err)
	}
	return len(out.Attributes) == 0, nil
}

// get reads email's account (consistently).
func (s accounts) get(ctx context.Context, email string) (account, bool, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: accountKey(email), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return account{}, false, fmt.Errorf("get admin: %w", err)
	}
	if out.Item == nil {
		return account{}, false, nil
	}
	var a account
	if err := attributevalue.UnmarshalMap(out.Item, &a); err != nil {
		return account{}, false, fmt.Errorf("decode admin: %w", err)
	}
	return a, true, nil
}

// session reads, in one consistent BatchGetItem, whether tokenID was revoked
// and email's account (found false when there is none).
func (s accounts) session(ctx context.Context, tokenID, email string) (a account, found, revoked bool, err error) {
	out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		s.table: {Keys: []dynamo.Item{revokedKey(tokenID), accountKey(email)}, ConsistentRead: aws.Bool(true)},
	}})
	if err != nil {
		return account{}, false, false, fmt.Errorf("check admin session: %w", err)
	}
	if len(out.UnprocessedKeys) > 0 {
		return account{}, false, false, apperr.New(apperr.Unavailable, "session check throttled")
	}
	for _, it := range out.Responses[s.table] {
		var got account
		if err := attributevalue.UnmarshalMap(it, &got); err != nil {
			return account{}, false, false, fmt.Errorf("decode admin session: %w", err)
		}
		if got.SK == "REVOKED" {
			revoked = true
			continue
		}
		a, found = got, true
	}
	return a, found, revoked, nil
}

// revoke marks tokenID revoked until a minute after expires, in one
// transaction with also (the audit entry of the logout).
func (s accounts) revoke(ctx context.Context, tokenID string, expires time.Time, also ...types.TransactWriteItem) error {
	item := revokedKey(tokenID)
	item["ttl"] = &types.AttributeValueMemberN{Value: strconv.FormatInt(expires.Unix()+60, 10)}
	items := append([]types.TransactWriteItem{{Put: &types.Put{TableName: aws.String(s.table), Item: item}}}, also...)
	if err := dynamo.TransactWrite(ctx, s.db, items); err != nil {
		return fmt.Errorf("revoke admin session: %w", err)
	}
	return nil
}
