package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var route = Route{Function: "permissions-check", Key: "POST /permissions/check", Group: "check", Tier: "dual"}

func serve(t *testing.T, s *Sink, h http.HandlerFunc) {
	t.Helper()
	rec := httptest.NewRecorder()
	func() {
		defer func() { _ = recover() }()
		s.Handler(route, h).ServeHTTP(rec, httptest.NewRequest("POST", "/permissions/check", nil))
	}()
}

func TestOneLinePerRequest(t *testing.T) {
	buf := &Buffer{}
	s := NewSink(buf, "prod")
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s.Now = func() time.Time { clock = clock.Add(7 * time.Millisecond); return clock }
	serve(t, s, func(w http.ResponseWriter, r *http.Request) {
		Check(r.Context(), "docu-store", true)
		Check(r.Context(), "docu-store", true)
		Check(r.Context(), "billing", false) // a second service in one request: dropped, not misattributed
		Retry(r.Context(), "Secrets Manager", 2, 1)
		w.WriteHeader(503)
	})
	serve(t, s, func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	serve(t, s, func(w http.ResponseWriter, r *http.Request) { AuthFailure(r.Context(), ReasonBadToken) })
	lines, err := buf.Lines()
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	for _, raw := range buf.lines {
		if !strings.HasSuffix(string(raw), "}\n") || strings.Count(string(raw), "\n") != 1 {
			t.Errorf("not one JSON line: %q", raw)
		}
	}
	l := lines[0]
	if v, ok := l.Find(Checks, []string{DimService, DimDecision}, map[string]string{DimService: "docu-store", DimDecision: "allowed"}); !ok || v != 2 {
		t.Errorf("Checks = %v, %v; want 2", v, ok)
	}
	if v, ok := l.Find(Latency, []string{DimRoute, DimOutcome}, map[string]string{DimOutcome: "5xx"}); !ok || v != 7 {
		t.Errorf("Latency = %v, %v; want 7 ms", v, ok)
	}
	if v, ok := l.Find(Requests, []string{DimRouteGroup}, map[string]string{DimRouteGroup: "check"}); !ok || v != 1 {
		t.Errorf("Requests by group = %v, %v", v, ok)
	}
	// Requests and Latency by route and by route group: one directive.
	if n := len(l.Directives); n != 3 { // Checks; Requests and Latency; the dependency's
		t.Errorf("%d directives, want 3: %+v", n, l.Directives)
	}
	if v, ok := l.Find(DependencyThrottles, []string{DimDependency}, map[string]string{DimDependency: "SecretsManager"}); !ok || v != 1 {
		t.Errorf("DependencyThrottles = %v, %v", v, ok)
	}
	if v, _ := l.Find(DependencyRetries, []string{DimDependency}, nil); v != 2 {
		t.Errorf("DependencyRetries = %v", v)
	}
	if got := l.Directives[0].Namespace; got != "Sentinel/prod" {
		t.Errorf("namespace %q", got)
	}
	for _, d := range l.Directives {
		for _, m := range d.Metrics {
			if m.Name == Latency && m.Unit != "Milliseconds" || m.Name != Latency && m.Unit != "Count" {
				t.Errorf("%s unit %q", m.Name, m.Unit)
			}
			if m.Name == Latency && !(len(d.Dimensions[0]) == 1 && d.Dimensions[0][0] == DimRouteGroup || len(d.Dimensions[0]) == 2 && d.Dimensions[0][0] == DimRoute) {
				t.Errorf("Latency under %v", d.Dimensions)
			}
		}
	}
	if _, ok := lines[1].Find(Requests, []string{DimRoute, DimOutcome}, map[string]string{DimOutcome: "5xx"}); !ok {
		t.Errorf("a panic is not a 5xx: %v", lines[1].Members)
	}
	if v, ok := lines[2].Find(AuthFailures, []string{DimTier, DimReason}, map[string]string{DimTier: "dual", DimReason: ReasonBadToken}); !ok || v != 1 {
		t.Errorf("AuthFailures = %v, %v", v, ok)
	}
	if v, ok := lines[2].Find(AuthFailures, []string{}, nil); !ok || v != 1 {
		t.Errorf("AuthFailures without dimensions = %v, %v", v, ok)
	}
	if _, ok := lines[2].Find(Requests, []string{DimRoute, DimOutcome}, map[string]string{DimOutcome: "2xx"}); !ok {
		t.Errorf("nothing written is a 200: %v", lines[2].Members)
	}
}

// Without a writer nothing is wrapped and recording is a no-op.
func TestNilSink(t *testing.T) {
	s := NewSink(nil, "prod")
	called := false
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { Check(r.Context(), "x", true); called = true })
	s.Handler(route, h).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if !called || s != nil {
		t.Fatal("handler not called or sink built")
	}
}
