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
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
	"sentinel/internal/gateway"
)

// BenchmarkLambdaCheck is one warm single check as Lambda runs it: the API
// Gateway v2 event of POST /permissions/check (as JSON, the way the
// runtime delivers it) through lambda's handler (event decoding, response
// encoding), the API Gateway adapter, the function's middleware, the dual
// tier (key and user token seen before) and the check handler, with the
// function's DynamoDB client on DynamoDB Local.
//
//   - dynamodb-local: the BatchGetItem goes to DynamoDB Local;
//   - without-round-trip: the same, but the client's HTTP client answers
//     the BatchGetItem with DynamoDB Local's recorded answer (dynamotest.Replay),
//     so what is measured is everything but the network and the emulator
//     (the SDK still signs, serializes, checks the CRC and parses).
func BenchmarkLambdaCheck(b *testing.B) {
	f := fixtureOn(b, apitest.NewInProcess(b, "builds the check function in process, its DynamoDB client replayed"))
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	group := f.group(f.ws)
	id, rid := f.register(f.ws, owner, "private")
	f.share(f.UserToken(owner, f.ws, "viewer"), id, "group", group, "view")
	replay := dynamotest.NewReplay()
	f.UseDB(dynamo.LocalClient(dynamotest.Endpoint(b), replay.Option()))
	h, err := f.Instance("permissions-check")
	if err != nil {
		b.Fatal(err)
	}
	invoke := lambda.NewHandler(gateway.Adapt(h)).Invoke
	body := fmt.Sprintf(`{"checks":[{"service_name":"docu-store","resource_type":"doc","resource_id":%q,"action":"view"}]}`, rid)
	r := httptest.NewRequest("POST", "/permissions/check", strings.NewReader(body))
	r.RemoteAddr = "198.51.100.7:50000"
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Service-Key", f.key)
	r.Header.Set("Authorization", "Bearer "+f.UserToken(member, f.ws, "viewer", group))
	r.Header.Set("User-Agent", "sentinel-sdk-python/1.0")
	payload, err := json.Marshal(gateway.EventFor(r, []byte(body), "POST /permissions/check", nil, time.Now()))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	check := func(b *testing.B) {
		out, err := invoke(ctx, payload)
		// The answer as Lambda returns it: the body a JSON string in the response's JSON.
		if err != nil || !bytes.Contains(out, []byte(`"statusCode":200`)) || !bytes.Contains(out, []byte(`\"allowed\":true`)) {
			b.Fatalf("check: %v %s", err, out)
		}
	}
	for _, replaying := range []bool{false, true} {
		name := "dynamodb-local"
		if replaying {
			name = "without-round-trip"
		}
		b.Run(name, func(b *testing.B) {
			replay.SetReplaying(replaying)
			check(b) // warm: the key, the token, the connection, the recorded answer
			before, cpu := replay.Replayed(), cpuTime()
			b.ReportAllocs()
			for b.Loop() {
				check(b)
			}
			// This process's CPU (not DynamoDB Local's), which on a shared
			// machine says more than the wall time.
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			if replaying && replay.Replayed()-before < int64(b.N) {
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
