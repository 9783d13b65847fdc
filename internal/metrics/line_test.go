package metrics

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// mapRecorder is the recorder the lines were first written with (maps and
// json.Marshal): the reference the line of Recorder is byte-identical to.
type mapRecorder struct {
	props  map[string]any
	sets   []struct{ dims, metrics []string }
	values map[string]float64
	units  map[string]string
}

func newMapRecorder(rt Route) *mapRecorder {
	return &mapRecorder{props: map[string]any{DimFunction: rt.Function, DimRoute: rt.Key, DimRouteGroup: rt.Group, DimTier: rt.Tier},
		values: map[string]float64{}, units: map[string]string{}}
}

func (r *mapRecorder) record(metric, unit string, dims []string, extra map[string]string, update func(float64) float64) {
	for k, val := range extra {
		if old, ok := r.props[k]; ok && old != val {
			return
		}
	}
	for k, val := range extra {
		r.props[k] = val
	}
	r.values[metric] = update(r.values[metric])
	r.units[metric] = unit
	for i := range r.sets {
		if slices.Equal(r.sets[i].dims, dims) {
			if !slices.Contains(r.sets[i].metrics, metric) {
				r.sets[i].metrics = append(r.sets[i].metrics, metric)
			}
			return
		}
	}
	r.sets = append(r.sets, struct{ dims, metrics []string }{dims, []string{metric}})
}

func (r *mapRecorder) add(metric string, v float64, dims []string, extra map[string]string) {
	r.record(metric, "Count", dims, extra, func(old float64) float64 { return old + v })
}

func (r *mapRecorder) encode(namespace string, now time.Time) ([]byte, error) {
	type emfMetric struct {
		Name string `json:"Name"`
		Unit string `json:"Unit"`
	}
	type emfDirective struct {
		Namespace  string      `json:"Namespace"`
		Dimensions [][]string  `json:"Dimensions"`
		Metrics    []emfMetric `json:"Metrics"`
	}
	doc := map[string]any{}
	for k, v := range r.props {
		doc[k] = v
	}
	var directives []emfDirective
	var lists [][]string
	for _, s := range r.sets {
		if i := slices.IndexFunc(lists, func(l []string) bool { return slices.Equal(l, s.metrics) }); i >= 0 {
			directives[i].Dimensions = append(directives[i].Dimensions, s.dims)
			continue
		}
		d := emfDirective{Namespace: namespace, Dimensions: [][]string{s.dims}}
		for _, m := range s.metrics {
			d.Metrics = append(d.Metrics, emfMetric{Name: m, Unit: r.units[m]})
			doc[m] = r.values[m]
		}
		directives = append(directives, d)
		lists = append(lists, s.metrics)
	}
	doc["_aws"] = map[string]any{"Timestamp": now.UnixMilli(), "CloudWatchMetrics": directives}
	b, err := json.Marshal(doc)
	return append(b, '\n'), err
}

// op is one recording, applied to both recorders.
type op func(ctx context.Context, ref *mapRecorder)

func checkOp(service string, allowed bool) op {
	return func(ctx context.Context, ref *mapRecorder) {
		Check(ctx, service, allowed)
		decision := map[bool]string{true: "allowed", false: "denied"}[allowed]
		ref.add(Checks, 1, []string{DimService, DimDecision}, map[string]string{DimService: service, DimDecision: decision})
	}
}

func authFailureOp(reason string) op {
	return func(ctx context.Context, ref *mapRecorder) {
		AuthFailure(ctx, reason)
		ref.add(AuthFailures, 1, []string{DimTier, DimReason}, map[string]string{DimReason: reason})
		ref.record(AuthFailures, "Count", []string{}, nil, func(v float64) float64 { return v })
	}
}

func limitedOp(limit string) op {
	return func(ctx context.Context, ref *mapRecorder) {
		Limited(ctx, limit)
		ref.add(RateLimited, 1, []string{DimLimit}, map[string]string{DimLimit: limit})
	}
}

func resolveOp(outcome string) op {
	return func(ctx context.Context, ref *mapRecorder) {
		Resolve(ctx, outcome)
		ref.add(Resolves, 1, []string{DimResolveOutcome}, map[string]string{DimResolveOutcome: outcome})
	}
}

func retryOp(dependency string, n, throttled int) op {
	return func(ctx context.Context, ref *mapRecorder) {
		Retry(ctx, dependency, n, throttled)
		dep := map[string]string{DimDependency: strings.ReplaceAll(dependency, " ", "")}
		if n > 0 {
			ref.add(DependencyRetries, float64(n), []string{DimDependency}, dep)
		}
		if throttled > 0 {
			ref.add(DependencyThrottles, float64(throttled), []string{DimDependency}, dep)
		}
	}
}

// requestOp is what Sink.Handler records at the end of a request.
func requestOp(rec *Recorder, ref *mapRecorder, status int, elapsed time.Duration) {
	rec.request(status, elapsed)
	outcome := map[string]string{DimOutcome: statusClass(status)}
	ms := float64(elapsed.Microseconds()) / 1000
	for _, dims := range [][]string{{DimRoute, DimOutcome}, {DimRouteGroup}} {
		ref.record(Requests, "Count", dims, outcome, func(float64) float64 { return 1 })
		ref.record(Latency, "Milliseconds", dims, nil, func(float64) float64 { return ms })
	}
}

// compareLines records ops on a Recorder and on the map recorder and
// compares their lines.
func compareLines(t *testing.T, rt Route, ops []op, status int, elapsed time.Duration, now time.Time) {
	t.Helper()
	rec, ref := &Recorder{}, newMapRecorder(rt)
	rec.init(rt)
	ctx := context.WithValue(context.Background(), recorderKey{}, rec)
	for _, o := range ops {
		o(ctx, ref)
	}
	requestOp(rec, ref, status, elapsed)
	want, wantErr := ref.encode("Sentinel/<prod>", now)
	got, ok := rec.appendLine([]byte("prefix "), "Sentinel/<prod>", now)
	if ok != (wantErr == nil) {
		t.Fatalf("line written %v, json.Marshal's error %v", ok, wantErr)
	}
	if ok && !bytes.Equal(got, append([]byte("prefix "), want...)) {
		t.Fatalf("line\n%s\njson.Marshal's\n%s", got, want)
	}
}

// The line is byte for byte the one json.Marshal wrote of the maps, for
// every metric, conflicting dimensions, odd strings and numbers.
func TestLineAsJSONMarshal(t *testing.T) {
	now := time.Date(2026, 12, 1, 5, 0, 0, 123e6, time.UTC)
	odd := []string{"docu-store", "billing", "", "<script>&amp;", "é ✓ \u2028\u2029", "bad \xff byte", "quote \" back \\ ctl \x01\b\f\n\r\t"}
	rt := Route{Function: "permissions-check", Key: "POST /permissions/{id}", Group: "check", Tier: "dual"}
	compareLines(t, rt, nil, 200, 1234567*time.Nanosecond, now)
	compareLines(t, Route{Function: odd[3], Key: odd[4], Group: odd[5], Tier: odd[6]}, nil, 503, 0, now)
	compareLines(t, rt, []op{checkOp("docu-store", true), checkOp("docu-store", true), checkOp("billing", false),
		retryOp("Secrets Manager", 2, 1)}, 503, 7*time.Millisecond, now)
	compareLines(t, rt, []op{authFailureOp(ReasonBadToken), authFailureOp(ReasonOrigin)}, 401, time.Hour, now)
	compareLines(t, rt, []op{limitedOp("admin_login"), resolveOp("issued"), checkOp("x", false)}, 429, 999*time.Microsecond, now)
	for _, elapsed := range []time.Duration{time.Microsecond, 1500 * time.Hour, math.MaxInt64} {
		compareLines(t, rt, nil, 200, elapsed, now)
	}
	compareLines(t, rt, []op{retryOp("DynamoDB", math.MaxInt, math.MaxInt)}, 200, time.Millisecond, now)
	// Random sequences of every recording.
	rnd := rand.New(rand.NewPCG(13, 1))
	pick := func() string { return odd[rnd.IntN(len(odd))] }
	for range 2000 {
		var ops []op
		for range rnd.IntN(8) {
			switch rnd.IntN(5) {
			case 0:
				ops = append(ops, checkOp(pick(), rnd.IntN(2) == 0))
			case 1:
				ops = append(ops, authFailureOp(pick()))
			case 2:
				ops = append(ops, limitedOp(pick()))
			case 3:
				ops = append(ops, resolveOp(pick()))
			case 4:
				ops = append(ops, retryOp(pick(), rnd.IntN(3), rnd.IntN(3)))
			}
		}
		compareLines(t, rt, ops, 200+rnd.IntN(400), time.Duration(rnd.Int64N(int64(10*time.Second))), now.Add(time.Duration(rnd.Int64())))
	}
}

// BenchmarkHandler is one request's metrics: the recorder, a check
// recorded, the line written.
func BenchmarkHandler(b *testing.B) {
	s := NewSink(io.Discard, "prod")
	h := s.Handler(route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Check(r.Context(), "docu-store", true)
		w.WriteHeader(200)
	}))
	w, r := httptest.NewRecorder(), httptest.NewRequest("POST", "/permissions/check", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

// appendFloat writes numbers as json.Marshal writes a float64.
func TestAppendFloatAsJSONMarshal(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 0.001, 1.5, 1234.567, 1e-6, 9.99e-7, 1e-7, 1.5e-9, 1e20, 1e21, 1.5e22, -2e-8,
		math.MaxFloat64, math.SmallestNonzeroFloat64, math.MaxInt64, math.Inf(1), math.Inf(-1), math.NaN()} {
		want, err := json.Marshal(f)
		got := appendFloat([]byte{}, f)
		if (got == nil) != (err != nil) || err == nil && string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %q, json.Marshal: %q, %v", f, got, want, err)
		}
	}
}
