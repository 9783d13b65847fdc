package activity_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
)

func TestDailyCountsEachUTCDayAndKeepsSettledDaysOnce(t *testing.T) {
	env := dynamotest.New(t)
	var clock time.Time
	log := activity.New(env.Client, env.Names.Name(dynamo.Activity), func() time.Time { return clock })
	daily := activity.NewDays(log, env.Names.Name(dynamo.Limits))
	ctx := context.Background()
	record := func(at time.Time) {
		t.Helper()
		clock = at
		if err := log.Record(ctx, activity.Entry{Actor: "ada@example.com", Action: "workspace.update", TargetType: "workspace", TargetID: "w1"}); err != nil {
			t.Fatal(err)
		}
	}
	day := func(d, h, m int) time.Time { return time.Date(2026, 6, d, h, m, 0, 0, time.UTC) }
	record(day(1, 12, 0)) // before the window
	record(day(5, 0, 0))  // the window's first midnight
	record(day(8, 9, 0))
	record(day(9, 23, 59))
	for range 3 {
		record(day(10, 8, 0))
	}
	// The same instant in another zone is still 10 June 01:00 UTC.
	record(time.Date(2026, 6, 9, 21, 0, 0, 0, time.FixedZone("UTC-4", -4*3600)))
	counts := func(at time.Time, days int) []int {
		t.Helper()
		clock = at
		d, err := daily.Count(ctx, days)
		if err != nil {
			t.Fatal(err)
		}
		if d.TimeZone != "UTC" || len(d.Days) != days {
			t.Fatalf("time zone %q, %d days, want UTC and %d", d.TimeZone, len(d.Days), days)
		}
		if last := d.Days[days-1].Day; last != at.UTC().Format(time.DateOnly) {
			t.Fatalf("last day %s, want today %s", last, at.UTC().Format(time.DateOnly))
		}
		var out []int
		for _, c := range d.Days {
			out = append(out, c.Count)
		}
		return out
	}
	noon10 := day(10, 12, 0)
	env.Counter.Reset()
	if got, want := counts(noon10, 6), []int{1, 0, 0, 1, 1, 4}; !slices.Equal(got, want) { // 5..10 June
		t.Fatalf("first: %v, want %v", got, want)
	}
	// First request: the kept days (none), the entries from 5 June, and
	// the five settled days kept.
	if got := env.Counter.Counts(); got["BatchGetItem"] != 1 || got["Query"] != 1 || got["PutItem"] != 5 {
		t.Errorf("first request's calls: %v, want 1 BatchGetItem, 1 Query, 5 PutItem", got)
	}
	env.Counter.Reset()
	if got, want := counts(noon10, 6), []int{1, 0, 0, 1, 1, 4}; !slices.Equal(got, want) {
		t.Fatalf("again: %v, want %v", got, want)
	}
	if got := env.Counter.Counts(); got["BatchGetItem"] != 1 || got["Query"] != 1 || got["PutItem"] != 0 {
		t.Errorf("second request's calls: %v, want 1 BatchGetItem (kept days), 1 Query (today) and no write", got)
	}

	// Ten minutes after midnight, 10 June is not settled yet: a write that
	// took its time just before midnight may still commit, and is counted.
	late := day(11, 0, 10)
	record(day(10, 23, 59))
	if got, want := counts(late, 3), []int{1, 5, 0}; !slices.Equal(got, want) {
		t.Fatalf("just after midnight: %v, want %v", got, want)
	}
	record(day(11, 0, 12))
	env.Counter.Reset()
	if got, want := counts(day(11, 0, 20), 3), []int{1, 5, 1}; !slices.Equal(got, want) {
		t.Fatalf("settled: %v, want %v", got, want)
	}
	if got := env.Counter.Counts(); got["PutItem"] != 1 {
		t.Errorf("calls once 10 June settled: %v, want it kept (1 PutItem)", got)
	}
}

func TestDailyHandlerWindow(t *testing.T) {
	env := dynamotest.New(t)
	log := activity.New(env.Client, env.Names.Name(dynamo.Activity), func() time.Time { return time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC) })
	daily := activity.NewDays(log, env.Names.Name(dynamo.Limits))
	status, body, err := daily.Handler(httptest.NewRequest("GET", "/admin/stats/activity", nil))
	if err != nil || status != 200 {
		t.Fatalf("default: %d %v", status, err)
	}
	d := body.(activity.Daily)
	if len(d.Days) != activity.DefaultDays || d.Days[0].Day != "2026-05-12" || d.Days[29].Day != "2026-06-10" {
		t.Errorf("default window: %d days, %s..%s", len(d.Days), d.Days[0].Day, d.Days[len(d.Days)-1].Day)
	}
	for _, q := range []string{"days=0", "days=91", "days=ten", "days=-3"} {
		if _, _, err := daily.Handler(httptest.NewRequest("GET", "/admin/stats/activity?"+q, nil)); !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("%s: %v, want a bad request", q, err)
		}
	}
}
