// Package idempotency carries a create's Idempotency-Key from its request
// to the store that writes it, and keeps the key's record: scoped to its
// caller, with the fingerprint of the request it was first used with,
// written in the create's own transaction (so a create never lands without
// its key) and expiring after TTL.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/identity"
)

// Header is the request header that names a create's key.
const Header = "Idempotency-Key"

// MaxLen is the longest key accepted (Stripe's limit).
const MaxLen = 255

// TTL is how long a key is remembered: within it, the same key from the
// same caller is the same create.
const TTL = 24 * time.Hour

// Key is a create's Idempotency-Key on the request context.
type Key struct {
	// Scope is the caller the key belongs to: "admin:<id>" or "app:<id>".
	Scope string
	Value string
	// Fingerprint is the SHA-256 of the request: method, path, decoded body.
	Fingerprint string
}

type ctxKey struct{}

// From returns the key the request carries, if any.
func From(ctx context.Context) (Key, bool) {
	k, ok := ctx.Value(ctxKey{}).(Key)
	return k, ok
}

// Bind reads r's Idempotency-Key for a create whose decoded body is in,
// and returns the context the create runs with: r's, carrying the key when
// there is one. A malformed key is a 400.
func Bind(r *http.Request, in any) (context.Context, error) {
	ctx := r.Context()
	v := r.Header.Get(Header)
	if v == "" {
		return ctx, nil
	}
	if len(v) > MaxLen || !visible(v) {
		return nil, apperr.New(apperr.BadRequest, "%s must be 1 to %d visible ASCII characters", Header, MaxLen)
	}
	scope := ""
	if a, ok := identity.AdminFrom(ctx); ok {
		scope = "admin:" + a.ID
	} else if s, ok := identity.ServiceFrom(ctx); ok {
		scope = "app:" + s.AppID
	} else {
		return nil, fmt.Errorf("idempotency key without a caller on %s %s", r.Method, r.URL.Path)
	}
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("fingerprint request: %w", err)
	}
	sum := sha256.Sum256([]byte(r.Method + " " + r.URL.Path + "\n" + string(body)))
	return context.WithValue(ctx, ctxKey{}, Key{Scope: scope, Value: v, Fingerprint: hex.EncodeToString(sum[:])}), nil
}

func visible(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// record is a key's item in the table of what it created (pk
// IDEM#<scope>#<key>, sk IDEM): no attribute of any index, so no list
// or index ever meets it.
type record struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Fingerprint string `dynamodbav:"fingerprint"`
	Target      string `dynamodbav:"target"`
	ExpiresAt   int64  `dynamodbav:"expires_at"`
	TTL         int64  `dynamodbav:"ttl"`
}

func (k Key) pk() string { return "IDEM#" + k.Scope + "#" + k.Value }

// ErrUsed is a create whose key's record exists: the create was done
// before, under this key (see Used). Add the record with
// Tx.AddOr(k.Put(...), ErrUsed), first in the transaction, so a replay is
// told from the create's other conflicts.
var ErrUsed = apperr.New(apperr.Conflict, "%s already used", Header)

// Put is the transaction item that records k on repo's table (with pk and
// sk, and TTL on ttl) as the create of target (the created record's id).
// An expired record (TTL deletes late) counts as none.
func (k Key) Put(repo dynamo.Repo, now time.Time, target string) ddb.TransactWriteItem {
	exp := now.Add(TTL).Unix()
	return repo.Put(record{PK: k.pk(), SK: "IDEM", Fingerprint: k.Fingerprint, Target: target, ExpiresAt: exp, TTL: exp},
		"attribute_not_exists(pk) OR expires_at <= :now", dynamo.Item{":now": dynamo.N(now.Unix())})
}

// Used answers a create that met ErrUsed: the target its key created, or
// a 422 when the key was first used with another request.
func (k Key) Used(ctx context.Context, repo dynamo.Repo) (string, error) {
	rec, found, err := dynamo.Get[record](ctx, repo, dynamo.Key(k.pk(), "IDEM"))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", Header, err)
	}
	if !found {
		return "", dynamo.ErrChanged // expired meanwhile: the caller retries
	}
	if rec.Fingerprint != k.Fingerprint {
		return "", apperr.New(apperr.Invalid, "%s %q was used with another request: send a new key for a new request", Header, k.Value)
	}
	return rec.Target, nil
}
