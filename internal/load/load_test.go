package load_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sentinel/internal/load"
)

// A short run of the load tool on its own stack: every phase answers
// without errors, and the tool reports the sentinel process's and
// DynamoDB Local's CPU and the DynamoDB calls per request (a warm single
// check: one BatchGetItem), and the sentinel process's CPU profile.
func TestLoadSmoke(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "sentinel")
	build := exec.Command("go", "build", "-o", bin, "./cmd/sentinel")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	stack, err := load.Start(t.Context(), bin, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stack.Stop()
	var progress strings.Builder
	profile := filepath.Join(t.TempDir(), "cpu.pprof")
	results, err := load.Run(t.Context(), stack, load.Shape{Members: 3, Groups: 2, Resources: 20, Concurrency: 2, Duration: time.Second, BatchSize: 10, CPUProfile: profile}, nil, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 4 {
		t.Fatalf("%d phases, want 4", len(results))
	}
	for _, r := range results {
		if r.Requests == 0 || r.Errors != 0 {
			t.Errorf("%s: %d requests, %d errors (%s)", r.Phase, r.Requests, r.Errors, r.FirstError)
		}
		if r.ServerCPU <= 0 || r.DynamoDBCPU <= 0 || r.Calls <= 0 {
			t.Errorf("%s: sentinel CPU %v, DynamoDB Local CPU %v, %g calls per request; want all above zero", r.Phase, r.ServerCPU, r.DynamoDBCPU, r.Calls)
		}
	}
	// (the tier's 5 s caches may reload the key or the user's status once in a phase)
	if single := results[0]; single.CallsByOp["BatchGetItem"] != 1 || single.Calls > 1.5 {
		t.Errorf("single check: %v DynamoDB calls per request, want 1 BatchGetItem and little else", single.CallsByOp)
	}
	// The single checks' CPU profile of the sentinel process reads as one.
	if out, err := exec.Command("go", "tool", "pprof", "-top", bin, profile).CombinedOutput(); err != nil || !strings.Contains(string(out), "Type: cpu") {
		t.Errorf("go tool pprof on the single checks' profile: %v\n%s", err, out)
	}
	if table := load.Table(results); !strings.Contains(table, "| single check |") {
		t.Errorf("table:\n%s", table)
	}
}
