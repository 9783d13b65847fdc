package adminauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// The account store: admin accounts (pk ADMIN#email, sk ACCOUNT, listed by
// email through the accounts index, whose partition key is sk), their
// recovery codes (pk ADMIN#email, sk RECOVERY#sha256, no email attribute so
// not in the index) and revoked sessions (pk JTI#id, sk REVOKED, expiring
// by TTL) in the Admins table. It knows items and keys, nothing of
// passwords, lockouts or cookies.

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
	Name           string `dynamodbav:"name,omitempty"`
	CreatedBy      string `dynamodbav:"created_by,omitempty"`
	LastSignInAt   string `dynamodbav:"last_sign_in_at,omitempty"`
	// MustChangePassword is set on an account created with a temporary
	// password: its sign-in leads to the password change first.
	MustChangePassword bool `dynamodbav:"must_change_password,omitempty"`
	// TOTPSecret is the confirmed RFC 6238 secret (base32), TOTPPending
	// one being enrolled; neither ever leaves the server. TOTPLastStep is
	// the time step of the last code accepted (a code is used once).
	TOTPSecret   string `dynamodbav:"totp_secret,omitempty"`
	TOTPPending  string `dynamodbav:"totp_pending,omitempty"`
	TOTPLastStep int64  `dynamodbav:"totp_last_step,omitempty"`
	TOTPSince    string `dynamodbav:"totp_since,omitempty"`
}

// accountsIndex lists the accounts by email: its partition key is the sort
// key (every account's is ACCOUNT), its sort key the email, which only
// account items carry.
const accountsIndex = "accounts"

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
//
// A write token makes it safe to repeat (an attempt abandoned after it
// landed): the condition refuses the token already stored, and the item
// keeps what the account was before the write that stored it
// (prior_active: NULL when there was none, else is_active), so the repeat
// answers as the first attempt would have.
func (s accounts) upsert(ctx context.Context, email string, hash []byte, now time.Time, reactivate bool) (old account, found bool, err error) {
	at := dynamo.FormatTime(now)
	tok := dynamo.Token()
	cond := "(attribute_not_exists(upsert_req) OR upsert_req <> :req)"
	if !reactivate {
		cond = "(attribute_not_exists(pk) OR is_active = :t) AND " + cond
	}
	item, err := dynamo.UpdateItem(ctx, s.repo.DB, s.repo.Update(accountKey(email),
		"SET password_hash = :h, updated_at = :now, is_active = :t, email = :e, id = if_not_exists(id, :id), created_at = if_not_exists(created_at, :now), "+
			"upsert_req = :req, prior_active = if_not_exists(is_active, :none) ADD session_version :one", cond,
		dynamo.Item{":h": dynamo.S(string(hash)), ":now": dynamo.S(at), ":t": dynamo.Bool(true), ":e": dynamo.S(email), ":id": dynamo.S(uuid.NewString()), ":one": dynamo.N(1),
			":req": dynamo.S(tok), ":none": &ddb.AttributeValueMemberNULL{Value: true}}),
		ddb.ReturnValueAllOld)
	if dynamo.IsConditionFailed(err) {
		var seen struct {
			Req   string `dynamodbav:"upsert_req"`
			Prior *bool  `dynamodbav:"prior_active"`
		}
		item, _ := dynamo.FailedItem(err)
		if err := ddb.UnmarshalMap(item, &seen); err != nil {
			return account{}, true, fmt.Errorf("decode admin: %w", err)
		}
		if seen.Req != tok {
			return account{}, true, errInactive
		}
		if seen.Prior == nil { // this write created it
			return account{}, false, nil
		}
		return account{IsActive: *seen.Prior}, true, nil
	}
	if err != nil {
		return account{}, false, fmt.Errorf("ensure admin: %w", err)
	}
	if len(item) == 0 {
		return account{}, false, nil
	}
	if err := ddb.UnmarshalMap(item, &old); err != nil {
		return account{}, true, fmt.Errorf("decode admin: %w", err)
	}
	return old, true, nil
}

// deactivate marks email's account inactive and adds one to its session
// version (one conditional UpdateItem); found is false when there is none.
// Repeated (an attempt that landed, retried), it adds one more: the
// version only has to change for the sessions to end.
func (s accounts) deactivate(ctx context.Context, email string, now time.Time) (found bool, err error) {
	_, err = dynamo.UpdateItem(ctx, s.repo.DB, s.repo.Update(accountKey(email),
		"SET is_active = :f, updated_at = :now ADD session_version :one", "attribute_exists(pk)",
		dynamo.Item{":f": dynamo.Bool(false), ":now": dynamo.S(dynamo.FormatTime(now)), ":one": dynamo.N(1)}),
		ddb.ReturnValueNone)
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
func (s accounts) revoke(ctx context.Context, tokenID string, expires time.Time, also ...ddb.TransactWriteItem) error {
	if err := dynamo.NewTx(s.revokedItem(tokenID, expires)).Add(also...).Write(ctx, s.repo.DB); err != nil {
		return fmt.Errorf("revoke admin session: %w", err)
	}
	return nil
}

// Conditions of the account writes that mean something to the caller.
var (
	errExists   = apperr.New(apperr.Conflict, "An admin with this email exists")
	errNoAdmin  = apperr.New(apperr.NotFound, "Admin not found")
	errKeepGone = errors.New("the admin kept active is not active any more")
)

// accountsQuery selects every account through the accounts index.
func accountsQuery() *ddb.QueryInput {
	return &ddb.QueryInput{
		IndexName:                 aws.String(accountsIndex),
		KeyConditionExpression:    aws.String("sk = :sk"),
		ExpressionAttributeValues: dynamo.Item{":sk": dynamo.S("ACCOUNT")},
	}
}

// list answers one page of accounts in email order (one Query of the
// accounts index).
func (s accounts) list(ctx context.Context, limit int, cursor string) (dynamo.Page[account], error) {
	in := accountsQuery()
	in.Limit = aws.Int32(int32(limit))
	page, err := dynamo.QueryPage[account](ctx, s.repo, in, cursor, dynamo.Scope{
		Exact: map[string]string{"sk": "ACCOUNT"}, Prefix: map[string]string{"email": "", "pk": "ADMIN#"},
	})
	if err != nil {
		return page, fmt.Errorf("list admins: %w", err)
	}
	return page, nil
}

// activeOthers lists the active accounts other than email, as the index
// last saw them (a transaction checks the one it relies on).
func (s accounts) activeOthers(ctx context.Context, email string) ([]string, error) {
	all, err := dynamo.QueryAll[account](ctx, s.repo, accountsQuery())
	if err != nil {
		return nil, fmt.Errorf("list admins: %w", err)
	}
	var out []string
	for _, a := range all {
		if a.IsActive && a.Email != email {
			out = append(out, a.Email)
		}
	}
	return out, nil
}

// create puts a new account (errExists when the email has one), in one
// transaction with also.
func (s accounts) create(ctx context.Context, a account, also ...ddb.TransactWriteItem) error {
	return dynamo.NewTx().AddOr(s.repo.Put(a, "attribute_not_exists(pk)", nil), errExists).Add(also...).Write(ctx, s.repo.DB)
}

// setActive activates or deactivates email's account and adds one to its
// session version (errNoAdmin when there is none), in one transaction with
// also; with keep, the transaction also requires keep's account to be
// active (errKeepGone), so that of admins deactivating one another at once
// at least one stays active (transactions are serializable: the last of
// them finds the admin it keeps inactive).
func (s accounts) setActive(ctx context.Context, email string, active bool, keep string, now time.Time, also ...ddb.TransactWriteItem) error {
	tx := dynamo.NewTx().AddOr(s.repo.Update(accountKey(email),
		"SET is_active = :a, updated_at = :now ADD session_version :one", "attribute_exists(pk)",
		dynamo.Item{":a": dynamo.Bool(active), ":now": dynamo.S(dynamo.FormatTime(now)), ":one": dynamo.N(1)}), errNoAdmin)
	if keep != "" {
		tx.AddOr(s.repo.Check(accountKey(keep), "is_active = :t", dynamo.Item{":t": dynamo.Bool(true)}), errKeepGone)
	}
	return tx.Add(also...).Write(ctx, s.repo.DB)
}

// changePassword sets the password hash of email's account, clears its
// must-change flag and adds one to its session version, if the account is
// active and still at session version sv (the session asking), in one
// transaction with also.
func (s accounts) changePassword(ctx context.Context, email string, hash []byte, sv int64, now time.Time, also ...ddb.TransactWriteItem) error {
	return dynamo.NewTx().AddOr(s.repo.Update(accountKey(email),
		"SET password_hash = :h, updated_at = :now REMOVE must_change_password ADD session_version :one", "is_active = :t AND session_version = :sv",
		dynamo.Item{":h": dynamo.S(string(hash)), ":now": dynamo.S(dynamo.FormatTime(now)), ":one": dynamo.N(1), ":t": dynamo.Bool(true), ":sv": dynamo.N(sv)}), errNoSession).
		Add(also...).Write(ctx, s.repo.DB)
}

// signedIn records a sign-in's time on the account, in one transaction
// with also (its activity entry).
func (s accounts) signedIn(ctx context.Context, email string, now time.Time, also ...ddb.TransactWriteItem) error {
	return dynamo.NewTx(s.repo.Update(accountKey(email), "SET last_sign_in_at = :now", "attribute_exists(pk)",
		dynamo.Item{":now": dynamo.S(dynamo.FormatTime(now))})).Add(also...).Write(ctx, s.repo.DB)
}
