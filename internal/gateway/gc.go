package gateway

import (
	"os"
	"runtime/debug"
	"strconv"
)

// GCPercent is the functions' GOGC: a warm check allocates about 30 KB and
// keeps a few MB live, so the default (100) collects every hundred-odd
// requests; 400 collects a fifth as often, which took about a fifth of a
// check's CPU away (BenchmarkLambdaCheck, README "Memory per function").
const GCPercent = 400

// gcSettings is the GC percent and memory limit (bytes) a function runs
// with, from its environment: GOGC and GOMEMLIMIT as set (the Go runtime
// reads them) win; else GCPercent, and a limit of three quarters of the
// memory Lambda gives the function (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, MB),
// so that the heap the higher percent allows never nears the function's
// memory. ok is false when there is nothing to set.
func gcSettings(getenv func(string) string) (percent int, limit int64, ok bool) {
	percent, limit = -1, -1
	if getenv("GOGC") == "" {
		percent = GCPercent
	}
	if mb, err := strconv.Atoi(getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")); err == nil && mb > 0 && getenv("GOMEMLIMIT") == "" {
		limit = int64(mb) << 20 * 3 / 4
	}
	return percent, limit, percent >= 0 || limit >= 0
}

// TuneGC applies gcSettings to this process: every function at its cold
// start, and the local stack, which runs them all in one process.
func TuneGC() {
	percent, limit, ok := gcSettings(os.Getenv)
	if !ok {
		return
	}
	if percent >= 0 {
		debug.SetGCPercent(percent)
	}
	if limit >= 0 {
		debug.SetMemoryLimit(limit)
	}
}
