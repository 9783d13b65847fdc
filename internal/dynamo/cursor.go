package dynamo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo/ddb"
)

// TimeFormat is how timestamps are stored: RFC 3339 in UTC with a fixed
// width, so that stored strings sort and compare as times do.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// FormatTime renders t for storage and responses.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// Page is one page of a list: api.md's {items, next_cursor} (null on the
// last page).
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// MapPage turns a page of stored items into a page of views.
func MapPage[I, T any](p Page[I], view func(I) T) Page[T] {
	out := Page[T]{Items: make([]T, 0, len(p.Items)), NextCursor: p.NextCursor}
	for _, it := range p.Items {
		out.Items = append(out.Items, view(it))
	}
	return out
}

// Scope is what a cursor of one listing may hold: exactly the key
// attributes of the table (and index) it pages, those the Query fixes with
// their value (Exact: the partition key), the others starting with a
// prefix (Prefix, "" for any). A cursor from another listing, or forged,
// is then a 400 and never a DynamoDB error.
type Scope struct {
	Exact  map[string]string
	Prefix map[string]string
}

func (s Scope) attrs() []string {
	var out []string
	for a := range s.Exact {
		out = append(out, a)
	}
	for a := range s.Prefix {
		out = append(out, a)
	}
	return out
}

// Start decodes a cursor of the listing into the key to start from (nil
// for "" : the first page).
func (s Scope) Start(cursor string) (Item, error) {
	start, err := DecodeCursor(cursor, s.attrs()...)
	if err != nil || start == nil {
		return nil, err
	}
	for a, v := range start {
		got := v.(*ddb.AttributeValueMemberS).Value
		if want, ok := s.Exact[a]; ok && got != want || !strings.HasPrefix(got, s.Prefix[a]) {
			return nil, errBadCursor
		}
	}
	return start, nil
}

var errBadCursor = apperr.New(apperr.BadRequest, "Invalid cursor")

// QueryPage reads one page of a listing: one Query of in (see Query) from
// where cursor points, validated against scope, decoded as T.
func QueryPage[T any](ctx context.Context, r Repo, in *ddb.QueryInput, cursor string, scope Scope) (Page[T], error) {
	start, err := scope.Start(cursor)
	if err != nil {
		return Page[T]{}, err
	}
	in.ExclusiveStartKey = start
	out, err := Query(ctx, r, in)
	if err != nil {
		return Page[T]{}, err
	}
	items, err := Decode[T](out.Items)
	if err != nil {
		return Page[T]{}, err
	}
	return Page[T]{Items: items, NextCursor: NextCursor(out.LastEvaluatedKey)}, nil
}

// NextCursor wraps a LastEvaluatedKey (string attributes only) as an
// opaque cursor; nil when there is no next page.
func NextCursor(lek Item) *string {
	if c := EncodeCursor(lek); c != "" {
		return &c
	}
	return nil
}

// EncodeCursor wraps a LastEvaluatedKey (string attributes only) as an
// opaque cursor; "" when there is no next page.
func EncodeCursor(lek Item) string {
	if len(lek) == 0 {
		return ""
	}
	m := map[string]string{}
	for k, v := range lek {
		if s, ok := v.(*ddb.AttributeValueMemberS); ok {
			m[k] = s.Value
		}
	}
	b, _ := json.Marshal(m)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor validates a cursor: it must decode to exactly keyAttrs, all
// non-empty strings. Anything else is a 400.
func DecodeCursor(cursor string, keyAttrs ...string) (Item, error) {
	if cursor == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) > 2048 {
		return nil, errBadCursor
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil || len(m) != len(keyAttrs) {
		return nil, errBadCursor
	}
	out := Item{}
	for _, k := range keyAttrs {
		v, ok := m[k]
		if !ok || v == "" {
			return nil, errBadCursor
		}
		out[k] = S(v)
	}
	return out, nil
}
