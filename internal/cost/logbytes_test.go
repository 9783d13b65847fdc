package cost

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sentinel/internal/metrics"
)

// A warm check writes one log line: the function's metrics line (Lambda
// writes no START/END/REPORT lines at system log level WARN, infra/). The
// model's LogBytes bounds it for a service name of up to 64 characters.
func TestLogBytesBoundACheckLine(t *testing.T) {
	buf := &metrics.Buffer{}
	sink := metrics.NewSink(buf, "production")
	route := metrics.Route{Function: "permissions-check", Key: "POST /permissions/check", Group: "check", Tier: "dual"}
	service := strings.Repeat("s", 64)
	h := sink.Handler(route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		metrics.Check(r.Context(), service, true)
		w.WriteHeader(http.StatusOK)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/permissions/check", nil))
	n := buf.Bytes()
	if n == 0 || n > LogBytes {
		t.Fatalf("a check's metrics line is %d bytes; the cost model assumes %d", n, LogBytes)
	}
	t.Logf("a check's metrics line: %d bytes", n)
}
