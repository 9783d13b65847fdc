// Package metrics emits CloudWatch Embedded Metric Format (EMF): one JSON
// line per request, written to the function's stdout in Lambda (CloudWatch
// Logs turns it into metrics, no extra call), to any io.Writer elsewhere
// (nil: nothing). The catalogue is closed — the functions below are every
// metric there is — and every dimension is bounded: route keys, tiers,
// outcomes, reasons and service names, never a user id, key or token.
package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Metric names, the README's "Operations" section lists them.
const (
	Requests            = "Requests"            // per request: [Route Outcome], [RouteGroup]
	Latency             = "Latency"             // ms, per request: [Route Outcome], [RouteGroup]
	Checks              = "Checks"              // permission or role decisions: [Service Decision]
	AuthFailures        = "AuthFailures"        // refused credentials: [Tier Reason], []
	RateLimited         = "RateLimited"         // 429s: [Limit]
	Resolves            = "Resolves"            // POST /authz/resolve: [ResolveOutcome]
	DependencyRetries   = "DependencyRetries"   // retried AWS calls: [Dependency]
	DependencyThrottles = "DependencyThrottles" // throttled AWS call attempts: [Dependency]
)

// Dimension names.
const (
	DimFunction   = "Function"
	DimRoute      = "Route"
	DimRouteGroup = "RouteGroup"
	DimOutcome    = "Outcome"
	DimTier       = "Tier"
	DimService    = "Service"
	DimDecision   = "Decision"
	DimReason     = "Reason"
	DimLimit      = "Limit"
	DimDependency = "Dependency"
	// DimResolveOutcome is issued or the refusal's error code (Outcome is
	// the status class of every request's line).
	DimResolveOutcome = "ResolveOutcome"
)

// Auth failure reasons.
const (
	ReasonMissingKey = "missing_key"
	ReasonUnknownKey = "unknown_key"
	ReasonBadToken   = "bad_token"
	ReasonOrigin     = "origin"
)

// Sink is where a function's lines go: one JSON line per request, written
// whole under a lock (the local gateway serves requests concurrently).
// A nil *Sink emits nothing.
type Sink struct {
	// Namespace is the CloudWatch namespace, "Sentinel/<stage>".
	Namespace string
	W         io.Writer
	Now       func() time.Time

	mu sync.Mutex
}

// NewSink returns a sink writing to w in the stage's namespace (nil when w is nil).
func NewSink(w io.Writer, stage string) *Sink {
	if w == nil {
		return nil
	}
	return &Sink{Namespace: Namespace(stage), W: w, Now: time.Now}
}

// Namespace is the CloudWatch namespace of a stage's metrics.
func Namespace(stage string) string { return "Sentinel/" + stage }

// Route is what the per-request line says about the route served.
type Route struct {
	Function string
	Key      string // "POST /permissions/check"
	Group    string // check, authz, admin, public
	Tier     string
}

// Handler wraps next: a Recorder in the request's context, then one line
// with the request's count, latency and outcome (2xx/4xx/5xx) and whatever
// the handlers recorded.
func (s *Sink) Handler(rt Route, next http.Handler) http.Handler {
	if s == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.Now()
		rec := newRecorder(rt)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			p := recover()
			status := sw.status
			switch {
			case p != nil: // web.Middleware answers a panic with a 500
				status = http.StatusInternalServerError
			case status == 0: // nothing written: net/http answers 200
				status = http.StatusOK
			}
			rec.request(status, s.Now().Sub(start))
			s.write(rec)
			if p != nil {
				panic(p)
			}
		}()
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), recorderKey{}, rec)))
	})
}

func (s *Sink) write(rec *Recorder) {
	line, err := rec.encode(s.Namespace, s.Now())
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = s.W.Write(line)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Recorder collects one request's metrics.
type Recorder struct {
	mu     sync.Mutex
	props  map[string]any
	sets   []metricSet
	values map[string]float64
	units  map[string]string
}

type metricSet struct {
	dims    []string
	metrics []string
}

type recorderKey struct{}

func newRecorder(rt Route) *Recorder {
	return &Recorder{
		props:  map[string]any{DimFunction: rt.Function, DimRoute: rt.Key, DimRouteGroup: rt.Group, DimTier: rt.Tier},
		values: map[string]float64{}, units: map[string]string{},
	}
}

func from(ctx context.Context) *Recorder {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	return r
}

// add adds v to metric under the dimension set dims (names of properties
// already set or set by extra). A dimension that already holds another
// value (two services in one request) keeps the first: the metric is
// dropped rather than attributed to the wrong value.
func (r *Recorder) add(metric, unit string, v float64, dims []string, extra map[string]string) {
	r.record(metric, unit, dims, extra, func(old float64) float64 { return old + v })
}

// record sets metric to update(its value) under the dimension set dims.
func (r *Recorder) record(metric, unit string, dims []string, extra map[string]string, update func(float64) float64) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
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
	r.sets = append(r.sets, metricSet{dims: dims, metrics: []string{metric}})
}

// request records the request itself: its count and latency under the
// route with its outcome and under the route group.
func (r *Recorder) request(status int, elapsed time.Duration) {
	outcome := map[string]string{DimOutcome: statusClass(status)}
	ms := float64(elapsed.Microseconds()) / 1000
	one := func(float64) float64 { return 1 }
	took := func(float64) float64 { return ms }
	for _, dims := range [][]string{{DimRoute, DimOutcome}, {DimRouteGroup}} {
		r.record(Requests, "Count", dims, outcome, one)
		r.record(Latency, "Milliseconds", dims, nil, took)
	}
}

func statusClass(status int) string {
	switch {
	case status >= 500:
		return "5xx"
	case status >= 400:
		return "4xx"
	}
	return "2xx"
}

type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

// encode is the EMF document: the _aws metadata with one directive per
// list of metrics (dimension sets recording the same metrics share one,
// which keeps the line, CloudWatch Logs' per-request cost, short), the
// dimensions and metric values as top-level members.
func (r *Recorder) encode(namespace string, now time.Time) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	doc := map[string]any{}
	for k, v := range r.props {
		doc[k] = v
	}
	var directives []emfDirective
	var lists [][]string // the metrics of each directive
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

// Check records permission or role decisions of the calling service.
func Check(ctx context.Context, service string, allowed bool) {
	decision := "denied"
	if allowed {
		decision = "allowed"
	}
	from(ctx).add(Checks, "Count", 1, []string{DimService, DimDecision}, map[string]string{DimService: service, DimDecision: decision})
}

// AuthFailure records refused credentials on the route's tier, also
// without dimensions (the total the spike alarm watches).
func AuthFailure(ctx context.Context, reason string) {
	rec := from(ctx)
	rec.add(AuthFailures, "Count", 1, []string{DimTier, DimReason}, map[string]string{DimReason: reason})
	rec.record(AuthFailures, "Count", []string{}, nil, func(v float64) float64 { return v })
}

// Limited records a request refused by a rate limit (auth_failures,
// authz_resolve, admin_login).
func Limited(ctx context.Context, limit string) {
	from(ctx).add(RateLimited, "Count", 1, []string{DimLimit}, map[string]string{DimLimit: limit})
}

// Resolve records the outcome of an authz resolve: issued, or the
// refusal's error code.
func Resolve(ctx context.Context, outcome string) {
	from(ctx).add(Resolves, "Count", 1, []string{DimResolveOutcome}, map[string]string{DimResolveOutcome: outcome})
}

// Retry records n retries of calls to an AWS dependency, throttled the
// attempts refused by throttling.
func Retry(ctx context.Context, dependency string, n, throttled int) {
	dep := map[string]string{DimDependency: strings.ReplaceAll(dependency, " ", "")}
	if n > 0 {
		from(ctx).add(DependencyRetries, "Count", float64(n), []string{DimDependency}, dep)
	}
	if throttled > 0 {
		from(ctx).add(DependencyThrottles, "Count", float64(throttled), []string{DimDependency}, dep)
	}
}

// Buffer collects EMF lines for tests (a Sink's W), safe for concurrent use.
type Buffer struct {
	mu    sync.Mutex
	lines [][]byte
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines = append(b.lines, slices.Clone(p))
	return len(p), nil
}

// Bytes is how many bytes were written so far.
func (b *Buffer) Bytes() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, l := range b.lines {
		n += len(l)
	}
	return n
}

// Line is one decoded EMF line: its members and its directives.
type Line struct {
	Members    map[string]any
	Directives []Directive
}

// Directive is one CloudWatchMetrics entry of a line.
type Directive struct {
	Namespace  string
	Dimensions [][]string
	Metrics    []struct{ Name, Unit string }
}

// Lines decodes the lines written so far.
func (b *Buffer) Lines() ([]Line, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Line
	for _, raw := range b.lines {
		var l Line
		if err := json.Unmarshal(raw, &l.Members); err != nil {
			return nil, err
		}
		var meta struct {
			AWS struct {
				Timestamp         int64
				CloudWatchMetrics []Directive
			} `json:"_aws"`
		}
		if err := json.Unmarshal(raw, &meta); err != nil {
			return nil, err
		}
		if meta.AWS.Timestamp == 0 {
			return nil, fmt.Errorf("EMF line without _aws.Timestamp: %s", raw)
		}
		l.Directives = meta.AWS.CloudWatchMetrics
		out = append(out, l)
	}
	return out, nil
}

// Find returns the value of metric in a line that declares it with
// exactly the dimension names dims, those dimensions holding want (a
// subset of dims by name), and whether there is one.
func (l Line) Find(metric string, dims []string, want map[string]string) (float64, bool) {
	for k, v := range want {
		if l.Members[k] != v {
			return 0, false
		}
	}
	for _, d := range l.Directives {
		for _, ds := range d.Dimensions {
			if !slices.Equal(ds, dims) {
				continue
			}
			for _, m := range d.Metrics {
				if m.Name == metric {
					v, ok := l.Members[metric].(float64)
					return v, ok
				}
			}
		}
	}
	return 0, false
}
