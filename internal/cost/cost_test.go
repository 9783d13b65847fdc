package cost

import (
	"math"
	"strings"
	"testing"
	"time"

	"sentinel/internal/dynamo/ddb"
)

func TestReadUnits(t *testing.T) {
	cases := []struct {
		r    Read
		want float64
	}{
		{Read{Items: 1, Bytes: 100, Consistent: true}, 1},
		{Read{Items: 1, Bytes: 0, Consistent: true}, 1}, // a key with no item
		{Read{Items: 3, Bytes: 4096, Consistent: true}, 3},
		{Read{Items: 1, Bytes: 4097, Consistent: true}, 2},
		{Read{Items: 2, Bytes: 100, Consistent: false}, 1},
	}
	for _, tc := range cases {
		if got := tc.r.RRU(); got != tc.want {
			t.Errorf("%+v: %g RRU, want %g", tc.r, got, tc.want)
		}
	}
}

// The billed duration stretches the CPU by the function's share of a vCPU,
// adds the round trips and rounds up to the millisecond.
func TestDuration(t *testing.T) {
	w := Workload{MemoryMB: VCPUMemoryMB / 2, CPU: 400 * time.Microsecond, RoundTrips: 2, RoundTrip: 5 * time.Millisecond}
	if got := w.Duration(); got != 11*time.Millisecond { // 0.8 ms + 10 ms, rounded up
		t.Errorf("duration %v, want 11ms", got)
	}
	w.MemoryMB = 2 * VCPUMemoryMB // more than a vCPU does not make one thread faster
	if got := w.Duration(); got != 11*time.Millisecond {
		t.Errorf("duration above a vCPU %v, want 11ms", got)
	}
}

// One million single checks at 128 MB, 1 ms billed, 3 RRU and 700 log
// bytes each, worked out by hand.
func TestPerMillionChecks(t *testing.T) {
	w := Workload{Checks: 1, MemoryMB: 128, CPU: 50 * time.Microsecond, RoundTrips: 0, LogBytes: 700,
		Reads: []Read{{Items: 3, Bytes: 100, Consistent: true}}}
	got := w.PerMillionChecks()
	want := Cost{APIGateway: 1.00, LambdaRequests: 0.20, LambdaDuration: 1e6 * 0.125 * 0.001 * LambdaPerGBSecond, DynamoDB: 0.375, CloudWatch: 0.35}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"API Gateway", got.APIGateway, want.APIGateway}, {"Lambda requests", got.LambdaRequests, want.LambdaRequests},
		{"Lambda duration", got.LambdaDuration, want.LambdaDuration}, {"DynamoDB", got.DynamoDB, want.DynamoDB}, {"CloudWatch", got.CloudWatch, want.CloudWatch}} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s: $%f, want $%f", c.name, c.got, c.want)
		}
	}
	// In batches of 100 the per-request items are paid once per 100 checks.
	w.Checks, w.Reads = 100, []Read{{Items: 300, Bytes: 100, Consistent: true}}
	if b := w.PerMillionChecks(); math.Abs(b.APIGateway-0.01) > 1e-9 || math.Abs(b.DynamoDB-0.375) > 1e-9 {
		t.Errorf("batches: API Gateway $%f, DynamoDB $%f; want $0.01 and $0.375", b.APIGateway, b.DynamoDB)
	}
	if !strings.Contains(Table([]Workload{w}), "$5.00") {
		t.Error("the table does not show Verified Permissions' price")
	}
}

func TestItemSize(t *testing.T) {
	item := map[string]ddb.AttributeValue{
		"pk":    &ddb.AttributeValueMemberS{Value: "R#abc"},                                                       // 2 + 5
		"n":     &ddb.AttributeValueMemberN{Value: "12345"},                                                       // 1 + 4
		"ok":    &ddb.AttributeValueMemberBOOL{Value: true},                                                       // 2 + 1
		"shows": &ddb.AttributeValueMemberL{Value: []ddb.AttributeValue{&ddb.AttributeValueMemberS{Value: "ab"}}}, // 5 + 3 + 1 + 2
	}
	if got, want := ItemSize(item), 7+5+3+11; got != want {
		t.Errorf("size %d, want %d", got, want)
	}
}
