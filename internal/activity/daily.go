package activity

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// Entries per day (GET /admin/stats/activity), without Scan and without a
// cost that grows with the log: a day's count is counted once, when the
// day can no longer change, and kept in the Limits table (pk
// "activity-day#YYYY-MM-DD", expiring by TTL after KeepDays) — not in the
// Activity table, so that no function that reads the log may write it; the
// days not settled yet (today, and yesterday during the first Settle of
// today) are counted live with a Query of the log partition from their
// first midnight. So a request reads the kept days with one BatchGetItem
// and at most two days of entries, and the first request of a day counts
// the day that just settled (and any kept day missing, e.g. on the first
// request ever) once.
const (
	dayKeyPrefix = "activity-day#"
	// Settle is how long after its last midnight a day may still get
	// entries: an entry's time is taken when its write is built, and the
	// write commits within the request that built it, which no Lambda
	// function outlives (15 minutes is Lambda's maximum timeout).
	Settle = 15 * time.Minute
	// MaxDays is the longest window GET /admin/stats/activity answers.
	MaxDays = 90
	// DefaultDays is its window without ?days.
	DefaultDays = 30
	// KeepDays is how long a kept count lives: longer than any window.
	KeepDays = MaxDays + 10
)

// DayCount is the number of entries recorded on one UTC day.
type DayCount struct {
	Day   string `json:"day"` // YYYY-MM-DD, UTC
	Count int    `json:"count"`
}

// Daily is the answer of GET /admin/stats/activity.
type Daily struct {
	TimeZone string     `json:"time_zone"` // always "UTC"
	Days     []DayCount `json:"days"`      // oldest first, one per day, today last
}

type dayItem struct {
	PK    string `dynamodbav:"pk"`
	Count int    `dynamodbav:"count"`
	TTL   int64  `dynamodbav:"ttl"`
}

// Days counts the log's entries per day, keeping settled days' counts in
// the Limits table.
type Days struct {
	log  *Log
	kept dynamo.Repo
}

// NewDays returns the daily counts of log, kept in the Limits table
// (limitsTable, on the log's client).
func NewDays(log *Log, limitsTable string) *Days {
	return &Days{log: log, kept: dynamo.Repo{DB: log.repo.DB, Table: limitsTable}}
}

func midnight(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Count counts the entries of each of the days days ending today (UTC),
// oldest first, with a zero for a day without entries.
func (d *Days) Count(ctx context.Context, days int) (Daily, error) {
	now := d.log.now().UTC()
	today := midnight(now)
	first := today.AddDate(0, 0, 1-days)
	// Days before settled can no longer change.
	settled := midnight(now.Add(-Settle))
	kept := map[string]int{}
	var keys []dynamo.Item
	for day := first; day.Before(settled); day = day.AddDate(0, 0, 1) {
		keys = append(keys, dynamo.Item{"pk": dynamo.S(dayKeyPrefix + day.Format(time.DateOnly))})
	}
	items, err := dynamo.BatchGet[dayItem](ctx, d.kept, keys)
	if err != nil {
		return Daily{}, fmt.Errorf("read day counts: %w", err)
	}
	for _, it := range items {
		kept[strings.TrimPrefix(it.PK, dayKeyPrefix)] = it.Count
	}
	// Count live from the first day neither kept nor settled.
	from := settled
	for day := first; day.Before(settled); day = day.AddDate(0, 0, 1) {
		if _, ok := kept[day.Format(time.DateOnly)]; !ok {
			from = day
			break
		}
	}
	live, err := d.log.countFrom(ctx, from)
	if err != nil {
		return Daily{}, err
	}
	out := Daily{TimeZone: "UTC", Days: make([]DayCount, 0, days)}
	for day := first; !day.After(today); day = day.AddDate(0, 0, 1) {
		name := day.Format(time.DateOnly)
		n, ok := kept[name]
		if !ok {
			n = live[name]
			if day.Before(settled) {
				// Settled: keep it, so that no later request counts it again.
				it := dayItem{PK: dayKeyPrefix + name, Count: n, TTL: day.AddDate(0, 0, KeepDays).Unix()}
				if err := dynamo.PutItem(ctx, d.kept.DB, d.kept.Put(it, "", nil)); err != nil {
					return Daily{}, fmt.Errorf("keep the count of %s: %w", name, err)
				}
			}
		}
		out.Days = append(out.Days, DayCount{Day: name, Count: n})
	}
	return out, nil
}

// countFrom counts the log's entries per day from midnight from on: a
// Query of the log partition reading only the sort keys (<at>#<id>).
func (l *Log) countFrom(ctx context.Context, from time.Time) (map[string]int, error) {
	items, err := dynamo.QueryItems(ctx, l.repo, &ddb.QueryInput{
		KeyConditionExpression:    aws.String("pk = :pk AND sk >= :from"),
		ProjectionExpression:      aws.String("sk"),
		ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S(partition), ":from": dynamo.S(dynamo.FormatTime(from))},
	}, 0)
	if err != nil {
		return nil, fmt.Errorf("count activity: %w", err)
	}
	counts := map[string]int{}
	for _, it := range items {
		sk, ok := it["sk"].(*ddb.AttributeValueMemberS)
		if !ok || len(sk.Value) < len(time.DateOnly) {
			return nil, fmt.Errorf("count activity: an entry without a time in its sort key")
		}
		counts[sk.Value[:len(time.DateOnly)]]++
	}
	return counts, nil
}

// Handler serves GET /admin/stats/activity?days=N (1..MaxDays, default
// DefaultDays).
func (d *Days) Handler(r *http.Request) (int, any, error) {
	days := DefaultDays
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxDays {
			return 0, nil, apperr.New(apperr.BadRequest, "days must be a whole number from 1 to %d", MaxDays)
		}
		days = n
	}
	out, err := d.Count(r.Context(), days)
	return 200, out, err
}
