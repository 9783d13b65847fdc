// Package activity is the audit log of admin mutations and key events
// (GET /admin/activity). Entries are written in the same transaction as the
// change they record, so neither exists without the other.
package activity

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/web"
)

// partition holds every entry: admin mutations are rare (a handful a
// minute), far below one partition's write limit, and a single partition
// keeps "newest first" one Query.
const partition = "LOG"

// Entry is one recorded event. Detail must never hold a secret.
type Entry struct {
	ID         string         `json:"id" dynamodbav:"id"`
	At         string         `json:"at" dynamodbav:"at"`
	Actor      string         `json:"actor" dynamodbav:"actor"`
	Action     string         `json:"action" dynamodbav:"action"`
	TargetType string         `json:"target_type" dynamodbav:"target_type"`
	TargetID   string         `json:"target_id" dynamodbav:"target_id"`
	Detail     map[string]any `json:"detail" dynamodbav:"detail"`
}

type item struct {
	PK     string `dynamodbav:"pk"`
	SK     string `dynamodbav:"sk"`
	Target string `dynamodbav:"target"`
	Entry
}

// Log writes and lists entries.
type Log struct {
	repo dynamo.Repo
	now  func() time.Time
}

// New returns a log over the Activity table.
func New(db dynamo.DB, table string, now func() time.Time) *Log {
	return &Log{repo: dynamo.Repo{DB: db, Table: table}, now: now}
}

// Put returns the transaction item that records e (id and time filled in).
func (l *Log) Put(e Entry) ddb.TransactWriteItem {
	e.ID = uuid.NewString()
	e.At = dynamo.FormatTime(l.now())
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	return l.repo.Put(item{PK: partition, SK: e.At + "#" + e.ID, Target: e.TargetType + "#" + e.TargetID, Entry: e}, "", nil)
}

// Record writes an entry on its own (events with no other write, such as
// a failed sign-in).
func (l *Log) Record(ctx context.Context, e Entry) error {
	if err := dynamo.PutItem(ctx, l.repo.DB, l.Put(e)); err != nil {
		return fmt.Errorf("record activity %s: %w", e.Action, err)
	}
	return nil
}

// Filter narrows a listing. From and To bound the time (From inclusive, To
// exclusive; zero: open); they are key conditions, not filters.
type Filter struct {
	Action, TargetType, TargetID, Actor string
	From, To                            time.Time
	Limit                               int
	Cursor                              string
}

// Page is one page of entries, newest first.
type Page = dynamo.Page[Entry]

// List answers one page with one Query: by target through the index when a
// target id is given, else the log partition; the time range is a condition
// on the sort key (at#id) of either; action, target type and actor are
// filters on that Query.
func (l *Log) List(ctx context.Context, f Filter) (Page, error) {
	in := &ddb.QueryInput{ScanIndexForward: aws.Bool(false), Limit: aws.Int32(int32(f.Limit))}
	values := dynamo.Item{}
	scope := dynamo.Scope{Exact: map[string]string{"pk": partition}, Prefix: map[string]string{"sk": ""}}
	var key string
	if f.TargetID != "" {
		if f.TargetType == "" {
			return Page{}, apperr.New(apperr.BadRequest, "target_id needs target_type")
		}
		in.IndexName = aws.String("by-target")
		key = "#target = :t"
		values[":t"] = dynamo.S(f.TargetType + "#" + f.TargetID)
		scope.Exact["target"] = f.TargetType + "#" + f.TargetID
	} else {
		key = "pk = :pk"
		values[":pk"] = dynamo.S(partition)
	}
	// sk is "<at>#<id>": "<to>" sorts before every entry at exactly To, so
	// both bounds below leave To itself out.
	switch {
	case !f.From.IsZero() && !f.To.IsZero():
		if !f.From.Before(f.To) {
			return Page{}, apperr.New(apperr.BadRequest, "from must be before to")
		}
		key += " AND sk BETWEEN :from AND :to"
		values[":from"], values[":to"] = dynamo.S(dynamo.FormatTime(f.From)), dynamo.S(dynamo.FormatTime(f.To))
	case !f.From.IsZero():
		key += " AND sk >= :from"
		values[":from"] = dynamo.S(dynamo.FormatTime(f.From))
	case !f.To.IsZero():
		key += " AND sk < :to"
		values[":to"] = dynamo.S(dynamo.FormatTime(f.To))
	}
	in.KeyConditionExpression = aws.String(key)
	var filters []string
	if f.TargetType != "" && f.TargetID == "" {
		filters = append(filters, "target_type = :tt")
		values[":tt"] = dynamo.S(f.TargetType)
	}
	if f.Action != "" {
		filters = append(filters, "#action = :a")
		values[":a"] = dynamo.S(f.Action)
	}
	if f.Actor != "" {
		filters = append(filters, "#actor = :actor")
		values[":actor"] = dynamo.S(f.Actor)
	}
	if len(filters) > 0 {
		in.FilterExpression = aws.String(strings.Join(filters, " AND "))
	}
	in.ExpressionAttributeValues = values
	page, err := dynamo.QueryPage[Entry](ctx, l.repo, in, f.Cursor, scope)
	if err != nil {
		return Page{}, fmt.Errorf("list activity: %w", err)
	}
	return page, nil
}

// ListHandler serves GET /admin/activity.
func (l *Log) ListHandler(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	limit, err := web.ParseListLimit(r)
	if err != nil {
		return 0, nil, err
	}
	from, err := parseBound("from", q.Get("from"), false)
	if err != nil {
		return 0, nil, err
	}
	to, err := parseBound("to", q.Get("to"), true)
	if err != nil {
		return 0, nil, err
	}
	page, err := l.List(r.Context(), Filter{
		Action: q.Get("action"), TargetType: q.Get("target_type"), TargetID: q.Get("target_id"), Actor: q.Get("actor"),
		From: from, To: to, Limit: limit, Cursor: q.Get("cursor"),
	})
	return 200, page, err
}

// parseBound reads a from/to query value: an RFC 3339 time, or a day
// (YYYY-MM-DD, UTC) — as "to", a day includes itself (the bound is the next
// midnight). Empty: no bound.
func parseBound(name, v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, apperr.New(apperr.BadRequest, "%s must be a date (YYYY-MM-DD) or an RFC 3339 time", name)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}
