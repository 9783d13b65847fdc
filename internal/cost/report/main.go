// Command report prints the cost model of checks (make cost): per 1M
// single checks and per 1M checks in batches of 100, by service, next to
// Amazon Verified Permissions' price. The CPU per request defaults to
// BenchmarkLambdaCheck's cpu-ns/op as the README reports it; pass this
// machine's with -cpu-single and -cpu-batch.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"sentinel/internal/cost"
	"sentinel/internal/routes/all"
)

func main() {
	single := flag.Duration("cpu-single", 350*time.Microsecond, "CPU per warm single check (BenchmarkLambdaCheck/1-checks/dynamodb-local cpu-ns/op)")
	batch := flag.Duration("cpu-batch", 5800*time.Microsecond, "CPU per warm batch of 100 (BenchmarkLambdaCheck/100-checks/dynamodb-local cpu-ns/op)")
	groups := flag.Int("groups", 1, "groups of the checking user (a share key each)")
	flag.Parse()
	fn, ok := all.Function("permissions-check")
	if !ok {
		fmt.Fprintln(os.Stderr, "no function permissions-check in the route table")
		os.Exit(1)
	}
	ws := cost.CheckWorkloads(fn.MemoryMB, *groups, *single, *batch)
	fmt.Printf("POST /permissions/check on %s (%d MB, arm64), a user in %d group(s), DynamoDB round trip %v (assumed), %d log bytes per request\n\n",
		fn.Name, fn.MemoryMB, *groups, cost.RoundTrip, cost.LogBytes)
	fmt.Print(cost.Table(ws))
}
