package adminauth

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"

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
type accounts struct{ repo dynamo.Repo } // the Admins table

func accountKey(email string) dynamo.Item { return dynamo.Key("ADMIN#"+email, "ACCOUNT") }

func revokedKey(tokenID string) dynamo.Item { return dynamo.Key("JTI#"+tokenID, "REVOKED") }

// upsert sets email's password hash and activates the account, creating it
// if needed (one UpdateItem); created reports whether it did not exist.
func (s accounts) upsert(ctx context.Context, email string, hash []byte, now time.Time) (created bool, err error) {
	at := dynamo.FormatTime(now)
	old, err := dynamo.UpdateItem(ctx, s.repo.DB, s.repo.Update(accountKey(email),
		"SET password_hash = :h, updated_at = :now, is_active = :t, email = :e, id = if_not_exists(id, :id), created_at = if_not_exists(created_at, :now)", "",
		dynamo.Item{":h": dynamo.S(string(hash)), ":now": dynamo.S(at), ":t": dynamo.Bool(true), ":e": dynamo.S(email), ":id": dynamo.S(uuid.NewString())}),
		types.ReturnValueUpdatedOld)
	if err != nil {
		return false, fmt.Errorf("ensure admin: %w", err)
	}
	return len(old) == 0, nil
}

// get reads email's account (consistently).
func (s accounts) get(ctx context.Context, email string) (account, bool, error) {
	return dynamo.Get[account](ctx, s.repo, accountKey(email))
}

// session reads, in one consistent BatchGetItem, whether tokenID was revoked
// and email's account (found false when there is none).
func (s accounts) session(ctx context.Context, tokenID, email string) (a account, found, revoked bool, err error) {
	items, err := dynamo.BatchGet[account](ctx, s.repo, []dynamo.Item{revokedKey(tokenID), accountKey(email)})
	if err != nil {
		return account{}, false, false, fmt.Errorf("check admin session: %w", err)
	}
	for _, got := range items {
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
	revoked := struct {
		PK  string `dynamodbav:"pk"`
		SK  string `dynamodbav:"sk"`
		TTL int64  `dynamodbav:"ttl"`
	}{"JTI#" + tokenID, "REVOKED", expires.Unix() + 60}
	if err := dynamo.NewTx(s.repo.Put(revoked, "", nil)).Add(also...).Write(ctx, s.repo.DB); err != nil {
		return fmt.Errorf("revoke admin session: %w", err)
	}
	return nil
}
