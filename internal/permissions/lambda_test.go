package permissions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"sentinel/internal/apitest"
	"sentinel/internal/awsjson"
	"sentinel/internal/cost"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/dynamotest"
	"sentinel/internal/gateway"
)

// BenchmarkLambdaCheck is one warm single check as Lambda runs it: the API
// Gateway v2 event of POST /permissions/check (as JSON, the way the
// runtime delivers it) through lambda's handler and the gateway's Bridge
// (event decoding, request building, response encoding), the function's middleware, the dual
// tier (key and user token seen before) and the check handler, with the
// function's DynamoDB client on DynamoDB Local.
//
//   - 1-checks/dynamodb-local: the BatchGetItem goes to DynamoDB Local;
//   - 1-checks/without-round-trip: the same, but the client's HTTP client answers
//     the BatchGetItem with DynamoDB Local's recorded answer (dynamotest.Replay),
//     so what is measured is everything but the network and the emulator
//     (the client still signs, serializes, checks the CRC and parses);
//   - 100-checks/dynamodb-local: a batch of 100 (2 rounds of BatchGetItem).
func BenchmarkLambdaCheck(b *testing.B) {
	f := fixtureOn(b, apitest.NewInProcess(b, "builds the check function in process, its DynamoDB client replayed"))
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	group := f.group(f.ws)
	ownerToken := f.UserToken(owner, f.ws, "viewer")
	var checks []string
	for range 100 {
		id, rid := f.register(f.ws, owner, "private")
		f.share(ownerToken, id, "group", group, "view")
		checks = append(checks, fmt.Sprintf(`{"service_name":"docu-store","resource_type":"doc","resource_id":%q,"action":"view"}`, rid))
	}
	replay := dynamotest.NewReplay()
	f.UseDB(dynamo.LocalWireClient(dynamotest.Endpoint(b), awsjson.Options{HTTP: replay}))
	h, err := f.Instance("permissions-check")
	if err != nil {
		b.Fatal(err)
	}
	invoke := lambda.NewHandler(gateway.NewBridge(h)).Invoke
	userToken := f.UserToken(member, f.ws, "viewer", group)
	event := func(n int) []byte {
		body := `{"checks":[` + strings.Join(checks[:n], ",") + `]}`
		r := httptest.NewRequest("POST", "/permissions/check", strings.NewReader(body))
		r.RemoteAddr = "198.51.100.7:50000"
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Service-Key", f.key)
		r.Header.Set("Authorization", "Bearer "+userToken)
		r.Header.Set("User-Agent", "sentinel-sdk-python/1.0")
		payload, err := json.Marshal(gateway.EventFor(r, []byte(body), "POST /permissions/check", nil, time.Now()))
		if err != nil {
			b.Fatal(err)
		}
		return payload
	}
	ctx := context.Background()
	check := func(b *testing.B, payload []byte) {
		out, err := invoke(ctx, payload)
		// The answer as Lambda returns it: the body a JSON string in the response's JSON.
		if err != nil || !bytes.Contains(out, []byte(`"statusCode":200`)) || bytes.Contains(out, []byte(`\"allowed\":false`)) {
			b.Fatalf("check: %v %s", err, out)
		}
	}
	// The replay answers by operation, so only the single check (one
	// BatchGetItem, always the same) runs without the round trip.
	for _, bc := range []struct {
		n         int
		replaying bool
	}{{1, false}, {1, true}, {100, false}} {
		name := fmt.Sprintf("%d-checks/dynamodb-local", bc.n)
		if bc.replaying {
			name = fmt.Sprintf("%d-checks/without-round-trip", bc.n)
		}
		b.Run(name, func(b *testing.B) {
			payload := event(bc.n)
			replay.SetReplaying(bc.replaying)
			check(b, payload) // warm: the key, the token, the connection, the recorded answer
			before, cpu := replay.Replayed(), cpuTime()
			b.ReportAllocs()
			for b.Loop() {
				check(b, payload)
			}
			// This process's CPU (not DynamoDB Local's), which on a shared
			// machine says more than the wall time.
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			if bc.replaying && replay.Replayed()-before < int64(b.N) {
				b.Fatalf("%d answers replayed for %d checks", replay.Replayed()-before, b.N)
			}
		})
	}
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// The cost model (internal/cost) prices a check's reads from the sizes of
// the items it reads: a resource's record and its shares. Real ones stay
// within the sizes it assumes.
func TestItemSizesWithinTheCostModel(t *testing.T) {
	f := newFixture(t)
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	group := f.group(f.ws)
	id, rid := f.register(f.ws, owner, "workspace")
	f.share(f.UserToken(owner, f.ws, "viewer"), id, "user", member, "edit")
	f.share(f.UserToken(owner, f.ws, "viewer"), id, "group", group, "view")
	records, shares := 0, 0
	for _, it := range f.Env.ScanItems(t, f.Env.Names["Permissions"]) {
		pk, _ := it["pk"].(*ddb.AttributeValueMemberS)
		sk, _ := it["sk"].(*ddb.AttributeValueMemberS)
		if pk == nil || sk == nil || !strings.HasSuffix(pk.Value, rid) {
			continue
		}
		size := cost.ItemSize(it)
		switch {
		case sk.Value == "RES":
			records++
			if size > cost.RecordBytes {
				t.Errorf("record item: %d bytes, the cost model assumes at most %d", size, cost.RecordBytes)
			}
		case strings.HasPrefix(sk.Value, "SHARE#"):
			shares++
			if size > cost.ShareBytes {
				t.Errorf("share item %s: %d bytes, the cost model assumes at most %d", sk.Value, size, cost.ShareBytes)
			}
		}
	}
	if records != 1 || shares != 2 {
		t.Fatalf("found %d records and %d shares of the resource, want 1 and 2", records, shares)
	}
}
