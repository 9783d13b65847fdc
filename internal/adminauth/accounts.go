package adminauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
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
	// SessionVersion is carried by every session token (claim sv): a
	// password reset or a deactivation adds one, ending every session.
	SessionVersion int64  `dynamodbav:"session_version"`
	CreatedAt      string `dynamodbav:"created_at"`
	UpdatedAt      string `dynamodbav:"updated_at"`
}

// accounts stores admin accounts and revoked sessions.
type accounts struct{ repo dynamo.Repo } // the Admins table

func accountKey(email string) dynamo.Item { return dynamo.Key("ADMIN#"+email, "ACCOUNT") }

func revokedKey(tokenID string) dynamo.Item { return dynamo.Key("JTI#"+tokenID, "REVOKED") }

// errInactive is upsert's answer for a deactivated account it may not
// reactivate.
var errInactive = errors.New("admin is deactivated")

// upsert sets email's password hash, activates the account and adds one to
// its session version (ending its sessions), creating it if needed (one
// conditional UpdateItem). A deactivated account is left as it is
// (errInactive) unless reactivate. It answers the account as it was (found
// false when it did not exist).
func (s accounts) upsert(ctx context.Context, email string, hash []byte, now time.Time, reactivate bool) (old account, found bool, err error) {
	at := dynamo.FormatTime(now)
	cond := "attribute_not_exists(pk) OR is_active = :t"
	if reactivate {
		cond = ""
	}
	item, err := dynamo.UpdateItem(ctx, s.repo.DB, s.repo.Update(accountKey(email),
		"SET password_hash = :h, updated_at = :now, is_active = :t, email = :e, id = if_not_exists(id, :id), created_at = if_not_exists(created_at, :now) ADD session_version :one", cond,
		dynamo.Item{":h": dynamo.S(string(hash)), ":now": dynamo.S(at), ":t": dynamo.Bool(true), ":e": dynamo.S(email), ":id": dynamo.S(uuid.NewString()), ":one": dynamo.N(1)}),
		types.ReturnValueAllOld)
	if dynamo.IsConditionFailed(err) {
		return account{}, true, errInactive
	}
	if err != nil {
		return account{}, false, fmt.Errorf("ensure admin: %w", err)
	}
	if len(item) == 0 {
		return account{}, false, nil
	}
	if err := attributevalue.UnmarshalMap(item, &old); err != nil {
		return account{}, true, fmt.Errorf("decode admin: %w", err)
	}
	return old, true, nil
}

// deactivate marks email's account inactive and adds one to its session
// version (one conditional UpdateItem); found is false when there is none.
func (s accounts) deactivate(ctx context.Context, email string, now time.Time) (found bool, err error) {
	_, err = dynamo.UpdateItem(ctx, s.repo.DB, s.repo.Update(accountKey(email),
		"SET is_active = :f, updated_at = :now ADD session_version :one", "attribute_exists(pk)",
		dynamo.Item{":f": dynamo.Bool(false), ":now": dynamo.S(dynamo.FormatTime(now)), ":one": dynamo.N(1)}),
		types.ReturnValueNone)
	if dynamo.IsConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("deactivate admin: %w", err)
	}
	return true, nil
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
