package dynamo

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo/ddb"
)

// cancelDB cancels each transaction with the next reasons in line (one
// code per item) and lets the rest through.
type cancelDB struct {
	DB
	answers [][]string
	calls   int
}

func (c *cancelDB) TransactWriteItems(_ context.Context, in *ddb.TransactWriteItemsInput) (*ddb.TransactWriteItemsOutput, error) {
	c.calls++
	if len(c.answers) == 0 {
		return &ddb.TransactWriteItemsOutput{}, nil
	}
	codes := c.answers[0]
	if len(c.answers) > 1 {
		c.answers = c.answers[1:]
	}
	if codes == nil {
		return &ddb.TransactWriteItemsOutput{}, nil
	}
	var reasons []ddb.CancellationReason
	for _, code := range codes {
		reasons = append(reasons, ddb.CancellationReason{Code: aws.String(code)})
	}
	return nil, &ddb.TransactionCanceledException{CancellationReasons: reasons}
}

func noBackoff(t *testing.T) {
	t.Helper()
	saved := backoff
	backoff = func(int) time.Duration { return 0 }
	t.Cleanup(func() { backoff = saved })
}

func TestTxMapsCancellationReasons(t *testing.T) {
	noBackoff(t)
	taken := apperr.New(apperr.Conflict, "name taken")
	gone := apperr.New(apperr.NotFound, "gone")
	const ok, cond, conflict, throttled = "None", "ConditionalCheckFailed", "TransactionConflict", "ThrottlingError"
	cases := []struct {
		name      string
		answers   [][]string // per attempt; the last one repeats
		wantCalls int
		want      error // nil: success
	}{
		{"a conflict is retried", [][]string{{conflict, ok, ok}, nil}, 2, nil},
		{"conflicts then success", [][]string{{ok, conflict, ok}, {conflict, ok, ok}, nil}, 3, nil},
		{"throttling is retried", [][]string{{throttled, ok, ok}, nil}, 2, nil},
		{"the failed item's error", [][]string{{ok, cond, ok}}, 1, taken},
		{"the first failed item with an error", [][]string{{cond, cond, cond}}, 1, taken},
		{"a failed item without an error is a change", [][]string{{cond, ok, ok}}, 1, ErrChanged},
		{"a conflict, then a failed condition", [][]string{{conflict, ok, ok}, {ok, ok, cond}}, 2, gone},
		{"conflicts outlast the policy", [][]string{{conflict, ok, ok}}, Attempts, ErrChanged},
		{"throttling outlasts the policy", [][]string{{ok, throttled, ok}}, Attempts, errBusy},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := &cancelDB{answers: tc.answers}
			tx := NewTx(Repo{Table: "T"}.Put(struct{}{}, "", nil))
			tx.AddOr(Repo{Table: "T"}.Delete(Key("a", "b"), "attribute_exists(pk)", nil), taken)
			tx.AddOr(Repo{Table: "T"}.Delete(Key("c", "d"), "attribute_exists(pk)", nil), gone)
			err := tx.Write(t.Context(), db)
			if db.calls != tc.wantCalls {
				t.Errorf("calls = %d, want %d", db.calls, tc.wantCalls)
			}
			if tc.want == nil {
				if err != nil {
					t.Errorf("err = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			var ce *CancelledError
			if !errors.As(err, &ce) || len(ce.Reasons) != 3 {
				t.Fatalf("err = %v, want a *CancelledError with 3 reasons", err)
			}
			var tce *ddb.TransactionCanceledException
			if !errors.As(err, &tce) {
				t.Error("the SDK's error is not in the chain")
			}
			if got := apperr.CodeOf(err); got != tc.want.(*apperr.Error).Code {
				t.Errorf("code = %s, want %s", got, tc.want.(*apperr.Error).Code)
			}
		})
	}
}

func TestRereadRunsAgainOnlyOnChange(t *testing.T) {
	noBackoff(t)
	calls := 0
	v, err := Reread(t.Context(), func() (int, error) {
		calls++
		if calls < 3 {
			return 0, fmt.Errorf("update: %w", ErrChanged)
		}
		return 7, nil
	})
	if v != 7 || err != nil || calls != 3 {
		t.Errorf("Reread = %d, %v after %d calls; want 7, nil after 3", v, err, calls)
	}
	calls = 0
	other := errors.New("boom")
	if _, err := Reread(t.Context(), func() (int, error) { calls++; return 0, other }); err != other || calls != 1 {
		t.Errorf("Reread = %v after %d calls; want boom after 1", err, calls)
	}
	calls = 0
	if _, err := Reread(t.Context(), func() (int, error) { calls++; return 0, ErrChanged }); !IsChanged(err) || calls != Attempts {
		t.Errorf("Reread = %v after %d calls; want ErrChanged after %d", err, calls, Attempts)
	}
}

func TestWriteInStepsPacksUnits(t *testing.T) {
	db := &cancelDB{}
	var units [][]ddb.TransactWriteItem
	for range 70 {
		units = append(units, []ddb.TransactWriteItem{{}, {}}) // 140 items in pairs
	}
	last := NewTx(ddb.TransactWriteItem{}, ddb.TransactWriteItem{})
	if err := WriteInSteps(t.Context(), db, units, last); err != nil {
		t.Fatal(err)
	}
	// 50 pairs fill the first transaction; 20 pairs and the last 2 items the second.
	if db.calls != 2 {
		t.Errorf("transactions = %d, want 2", db.calls)
	}
	items, n := Fitting(units, 1)
	if n != 49 || len(items) != 98 {
		t.Errorf("Fitting = %d items of %d units, want 98 of 49", len(items), n)
	}
}

func TestAttrNames(t *testing.T) {
	got := AttrNames("SET #name = :n, #role = :r ADD #version :one REMOVE #p0")
	want := map[string]string{"#name": "name", "#role": "role", "#version": "version", "#p0": "p0"}
	if len(got) != len(want) {
		t.Fatalf("AttrNames = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("AttrNames[%s] = %q, want %q", k, got[k], v)
		}
	}
	if AttrNames("attribute_exists(pk)") != nil {
		t.Error("no placeholders should give nil")
	}
}
