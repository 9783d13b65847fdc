package activity_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
)

// seed records one entry a day for five days (day 1 to 5 of June, noon),
// alternating two actors, and returns the log.
func seed(t *testing.T) *activity.Log {
	t.Helper()
	env := dynamotest.New(t)
	clock := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	log := activity.New(env.Client, env.Names.Name(dynamo.Activity), func() time.Time { return clock })
	for day := 1; day <= 5; day++ {
		clock = time.Date(2026, 6, day, 12, 0, 0, 0, time.UTC)
		actor := "ada@example.com"
		if day%2 == 0 {
			actor = "bob@example.com"
		}
		err := log.Record(context.Background(), activity.Entry{Actor: actor, Action: "workspace.update", TargetType: "workspace", TargetID: "w1", Detail: map[string]any{"day": day}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return log
}

func days(t *testing.T, p activity.Page) []int {
	t.Helper()
	var out []int
	for _, e := range p.Items {
		switch d := e.Detail["day"].(type) {
		case float64:
			out = append(out, int(d))
		case int:
			out = append(out, d)
		default:
			t.Fatalf("detail day %T", d)
		}
	}
	return out
}

func list(t *testing.T, log *activity.Log, query string) ([]int, error) {
	t.Helper()
	status, body, err := log.ListHandler(httptest.NewRequest("GET", "/admin/activity?"+query, nil))
	if err != nil {
		return nil, err
	}
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	return days(t, body.(activity.Page)), nil
}

func TestListByDateRangeAndActor(t *testing.T) {
	log := seed(t)
	cases := []struct {
		query string
		want  []int
	}{
		{"", []int{5, 4, 3, 2, 1}},
		{"from=2026-06-02&to=2026-06-04", []int{4, 3, 2}},                  // days, "to" inclusive
		{"from=2026-06-04", []int{5, 4}},                                   // open end
		{"to=2026-06-01", []int{1}},                                        // open start
		{"from=2026-06-02T12:00:00Z&to=2026-06-04T12:00:00Z", []int{3, 2}}, // times: to exclusive
		{"actor=bob@example.com", []int{4, 2}},
		{"actor=ada@example.com&from=2026-06-02", []int{5, 3}},
		{"actor=ada@example.com&target_type=workspace&target_id=w1&to=2026-06-03", []int{3, 1}}, // through the target index
		{"actor=nobody@example.com", nil},
	}
	for _, c := range cases {
		got, err := list(t, log, c.query)
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: got days %v, want %v", c.query, got, c.want)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Fatalf("%s: got days %v, want %v", c.query, got, c.want)
			}
		}
	}
}

func TestListRefusesBadBounds(t *testing.T) {
	log := seed(t)
	for _, q := range []string{"from=yesterday", "to=2026-13-01", "from=2026-06-05&to=2026-06-01"} {
		_, err := list(t, log, q)
		if !apperr.Is(err, apperr.BadRequest) {
			t.Fatalf("%s: got %v, want a bad request", q, err)
		}
	}
}
