package permissions_test

import (
	"testing"

	"sentinel/internal/apitest"
	"sentinel/internal/metrics"
)

// A check emits one EMF line with its decisions by service: here one
// allowed and one denied, and the request under its route and group.
func TestCheckEmitsDecisionMetrics(t *testing.T) {
	f := fixtureOn(t, apitest.NewInProcess(t, "it reads the functions' EMF lines"))
	owner := f.member(f.ws, "owner")
	_, rid := f.register(f.ws, owner, "private")
	tok := f.UserToken(owner, f.ws, "viewer")
	stranger := f.UserToken(f.member(f.ws, "stranger"), f.ws, "viewer")
	buf := f.CaptureMetrics() // only the checks' lines
	if got := f.check(tok, doc(rid, "view")); !got[0] {
		t.Fatal("owner may not view")
	}
	if got := f.check(stranger, doc(rid, "view")); got[0] {
		t.Fatal("stranger may view")
	}
	lines, err := buf.Lines()
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("%d EMF lines for 2 requests, want 2", len(lines))
	}
	dims := []string{metrics.DimService, metrics.DimDecision}
	for i, want := range []string{"allowed", "denied"} {
		l := lines[i]
		if v, ok := l.Find(metrics.Checks, dims, map[string]string{metrics.DimService: "docu-store", metrics.DimDecision: want}); !ok || v != 1 {
			t.Errorf("line %d: Checks{docu-store, %s} = %v, %v; want 1: %v", i, want, v, ok, l.Members)
		}
		if v, ok := l.Find(metrics.Requests, []string{metrics.DimRoute, metrics.DimOutcome},
			map[string]string{metrics.DimRoute: "POST /permissions/check", metrics.DimOutcome: "2xx"}); !ok || v != 1 {
			t.Errorf("line %d: Requests{POST /permissions/check, 2xx} = %v, %v; want 1", i, v, ok)
		}
		if _, ok := l.Find(metrics.Latency, []string{metrics.DimRouteGroup}, map[string]string{metrics.DimRouteGroup: "check"}); !ok {
			t.Errorf("line %d: no Latency by RouteGroup check", i)
		}
		if l.Directives[0].Namespace != "Sentinel/local" {
			t.Errorf("namespace %q", l.Directives[0].Namespace)
		}
		for k := range l.Members {
			switch k {
			case "_aws", metrics.DimFunction, metrics.DimRoute, metrics.DimRouteGroup, metrics.DimTier, metrics.DimOutcome,
				metrics.DimService, metrics.DimDecision, metrics.Checks, metrics.Requests, metrics.Latency:
			default:
				t.Errorf("line %d: unexpected member %q (no user ids, keys or tokens)", i, k)
			}
		}
	}
}

// A refused key is an auth failure by tier and reason.
func TestRefusedKeyEmitsAuthFailure(t *testing.T) {
	f := fixtureOn(t, apitest.NewInProcess(t, "it reads the functions' EMF lines"))
	buf := f.CaptureMetrics()
	res := f.Do(apitest.Request{Method: "POST", Path: "/permissions/check", Body: map[string]any{"checks": []any{}}})
	if res.Status != 401 {
		t.Fatalf("no key: %d", res.Status)
	}
	lines, err := buf.Lines()
	if err != nil || len(lines) != 1 {
		t.Fatalf("lines %d, %v", len(lines), err)
	}
	if v, ok := lines[0].Find(metrics.AuthFailures, []string{metrics.DimTier, metrics.DimReason},
		map[string]string{metrics.DimTier: "dual", metrics.DimReason: metrics.ReasonMissingKey}); !ok || v != 1 {
		t.Errorf("AuthFailures{dual, missing_key} = %v, %v: %v", v, ok, lines[0].Members)
	}
	if _, ok := lines[0].Find(metrics.Requests, []string{metrics.DimRoute, metrics.DimOutcome}, map[string]string{metrics.DimOutcome: "4xx"}); !ok {
		t.Errorf("no 4xx request: %v", lines[0].Members)
	}
}
