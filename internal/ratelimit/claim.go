package ratelimit

import (
	"context"
	"fmt"
	"time"

	"sentinel/internal/dynamo"
)

// hold is one claimed key in the Limits table.
type hold struct {
	PK      string `dynamodbav:"pk"`
	Owner   string `dynamodbav:"owner"`
	Expires int64  `dynamodbav:"expires_at"`
	TTL     int64  `dynamodbav:"ttl"`
}

// Claim makes owner the holder of key until expires, unless another owner
// holds it (a hold past its expiry counts as none: TTL removes items late).
// It reports whether owner holds key after the call: true when key was
// free or already owner's. One conditional PutItem, so of two owners
// claiming at once exactly one wins.
func (l *Limiter) Claim(ctx context.Context, key, owner string, expires time.Time) (bool, error) {
	put := l.repo.Put(hold{PK: key, Owner: owner, Expires: expires.Unix(), TTL: expires.Unix() + 60},
		"attribute_not_exists(pk) OR #owner = :owner OR expires_at <= :now",
		dynamo.Item{":owner": dynamo.S(owner), ":now": dynamo.N(l.now().Unix())})
	err := dynamo.PutItem(ctx, l.repo.DB, put)
	if dynamo.IsConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", key, err)
	}
	return true, nil
}
