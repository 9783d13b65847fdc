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
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"sentinel/internal/jsontext"
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

	mu  sync.Mutex
	buf []byte // the line being written, reused
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
		// The recorder and the status writer in one allocation.
		x := &struct {
			rec Recorder
			sw  statusWriter
		}{sw: statusWriter{ResponseWriter: w}}
		rec, sw := &x.rec, &x.sw
		rec.init(rt)
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
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	line, ok := rec.appendLine(s.buf[:0], s.Namespace, now)
	if !ok {
		return
	}
	if cap(line) <= maxLine {
		s.buf = line
	}
	_, _ = s.W.Write(line)
}

// maxLine is the largest line buffer a sink keeps.
const maxLine = 16 << 10

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

// Recorder collects one request's metrics: fixed fields, no map.
type Recorder struct {
	mu      sync.Mutex
	props   [numDims]string // the dimensions' values, those in has
	has     uint16
	values  [numMetrics]float64
	units   [numMetrics]string
	sets    []metricSet // in the order first recorded
	setsBuf [4]metricSet
}

// dim is a dimension, an index into dimNames.
type dim uint8

const (
	dFunction dim = iota
	dRoute
	dRouteGroup
	dTier
	dOutcome
	dService
	dDecision
	dReason
	dLimit
	dDependency
	dResolveOutcome
	numDims
)

var dimNames = [numDims]string{DimFunction, DimRoute, DimRouteGroup, DimTier, DimOutcome, DimService,
	DimDecision, DimReason, DimLimit, DimDependency, DimResolveOutcome}

// metric is a metric, an index into metricNames.
type metric uint8

const (
	mRequests metric = iota
	mLatency
	mChecks
	mAuthFailures
	mRateLimited
	mResolves
	mDependencyRetries
	mDependencyThrottles
	numMetrics
)

var metricNames = [numMetrics]string{Requests, Latency, Checks, AuthFailures, RateLimited, Resolves,
	DependencyRetries, DependencyThrottles}

// dimSet is a dimension set of a metric: up to two dimensions.
type dimSet struct {
	n uint8
	d [2]dim
}

func dims(ds ...dim) dimSet {
	s := dimSet{n: uint8(len(ds))}
	copy(s.d[:], ds)
	return s
}

// metricSet is the metrics recorded under one dimension set, in the order
// first recorded.
type metricSet struct {
	dims    dimSet
	n       uint8
	metrics [numMetrics]metric
}

func (s *metricSet) list() []metric { return s.metrics[:s.n] }

// dimValue is a dimension's value a metric sets.
type dimValue struct {
	d dim
	v string
}

type recorderKey struct{}

// init starts r (zero) for a request to the route.
func (r *Recorder) init(rt Route) {
	r.has = 1<<dFunction | 1<<dRoute | 1<<dRouteGroup | 1<<dTier
	r.props[dFunction], r.props[dRoute], r.props[dRouteGroup], r.props[dTier] = rt.Function, rt.Key, rt.Group, rt.Tier
	r.sets = r.setsBuf[:0]
}

func from(ctx context.Context) *Recorder {
	r, _ := ctx.Value(recorderKey{}).(*Recorder)
	return r
}

// How record updates a metric's value.
const (
	opAdd  = iota // old + v
	opSet         // v
	opKeep        // old
)

// record updates metric (see opAdd...) under the dimension set ds (of
// dimensions already set or set by extra). A dimension that already holds
// another value (two services in one request) keeps the first: the metric
// is dropped rather than attributed to the wrong value.
func (r *Recorder) record(m metric, unit string, ds dimSet, op int, v float64, extra ...dimValue) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range extra {
		if r.has&(1<<e.d) != 0 && r.props[e.d] != e.v {
			return
		}
	}
	for _, e := range extra {
		r.props[e.d] = e.v
		r.has |= 1 << e.d
	}
	switch op {
	case opAdd:
		r.values[m] += v
	case opSet:
		r.values[m] = v
	}
	r.units[m] = unit
	for i := range r.sets {
		if s := &r.sets[i]; s.dims == ds {
			if !slices.Contains(s.list(), m) {
				s.metrics[s.n] = m
				s.n++
			}
			return
		}
	}
	s := metricSet{dims: ds, n: 1}
	s.metrics[0] = m
	r.sets = append(r.sets, s)
}

// request records the request itself: its count and latency under the
// route with its outcome and under the route group.
func (r *Recorder) request(status int, elapsed time.Duration) {
	outcome := dimValue{dOutcome, statusClass(status)}
	ms := float64(elapsed.Microseconds()) / 1000
	for _, ds := range [...]dimSet{dims(dRoute, dOutcome), dims(dRouteGroup)} {
		r.record(mRequests, "Count", ds, opSet, 1, outcome)
		r.record(mLatency, "Milliseconds", ds, opSet, ms)
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

// member is a top-level member of a line: a dimension or a metric.
type member struct {
	name   string
	metric bool
	i      uint8
}

// members are the dimensions and metrics in name order, the order of a
// line's members (encoding/json's of a map, which the lines were once).
var members = func() []member {
	var ms []member
	for i, n := range dimNames {
		ms = append(ms, member{name: n, i: uint8(i)})
	}
	for i, n := range metricNames {
		ms = append(ms, member{name: n, metric: true, i: uint8(i)})
	}
	slices.SortFunc(ms, func(a, b member) int { return strings.Compare(a.name, b.name) })
	return ms
}()

// appendLine appends the EMF line to dst: the dimensions and metric values
// as top-level members, then the _aws metadata with one directive per list
// of metrics (dimension sets recording the same metrics share one, which
// keeps the line, CloudWatch Logs' per-request cost, short). A value that
// is not a finite number fails the line.
func (r *Recorder) appendLine(dst []byte, namespace string, now time.Time) ([]byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var recorded uint16
	for i := range r.sets {
		for _, m := range r.sets[i].list() {
			recorded |= 1 << m
		}
	}
	dst = append(dst, '{')
	for _, mb := range members {
		if mb.metric && recorded&(1<<mb.i) == 0 || !mb.metric && r.has&(1<<mb.i) == 0 {
			continue
		}
		dst = jsontext.AppendString(dst, mb.name)
		dst = append(dst, ':')
		if !mb.metric {
			dst = jsontext.AppendString(dst, r.props[mb.i])
		} else if dst = appendFloat(dst, r.values[mb.i]); dst == nil {
			return nil, false
		}
		dst = append(dst, ',')
	}
	dst = append(dst, `"_aws":{"CloudWatchMetrics":`...)
	if len(r.sets) == 0 {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
	}
	for i := range r.sets {
		s := &r.sets[i]
		if slices.ContainsFunc(r.sets[:i], func(o metricSet) bool { return slices.Equal(o.list(), s.list()) }) {
			continue // in the directive of that set
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"Namespace":`...)
		dst = jsontext.AppendString(dst, namespace)
		dst = append(dst, `,"Dimensions":[`...)
		first := true
		for j := i; j < len(r.sets); j++ {
			if o := &r.sets[j]; slices.Equal(o.list(), s.list()) {
				if !first {
					dst = append(dst, ',')
				}
				first = false
				dst = append(dst, '[')
				for k, d := range o.dims.d[:o.dims.n] {
					if k > 0 {
						dst = append(dst, ',')
					}
					dst = jsontext.AppendString(dst, dimNames[d])
				}
				dst = append(dst, ']')
			}
		}
		dst = append(dst, `],"Metrics":[`...)
		for k, m := range s.list() {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"Name":`...)
			dst = jsontext.AppendString(dst, metricNames[m])
			dst = append(dst, `,"Unit":`...)
			dst = jsontext.AppendString(dst, r.units[m])
			dst = append(dst, '}')
		}
		dst = append(dst, "]}"...)
	}
	if len(r.sets) > 0 {
		dst = append(dst, ']')
	}
	dst = append(dst, `,"Timestamp":`...)
	dst = strconv.AppendInt(dst, now.UnixMilli(), 10)
	return append(dst, "}}\n"...), true
}

// appendFloat appends f as encoding/json writes a float64 (nil when it is
// NaN or infinite, which JSON cannot say).
func appendFloat(dst []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' { // e-09 to e-9
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// Check records permission or role decisions of the calling service.
func Check(ctx context.Context, service string, allowed bool) {
	decision := "denied"
	if allowed {
		decision = "allowed"
	}
	from(ctx).record(mChecks, "Count", dims(dService, dDecision), opAdd, 1, dimValue{dService, service}, dimValue{dDecision, decision})
}

// AuthFailure records refused credentials on the route's tier, also
// without dimensions (the total the spike alarm watches).
func AuthFailure(ctx context.Context, reason string) {
	rec := from(ctx)
	rec.record(mAuthFailures, "Count", dims(dTier, dReason), opAdd, 1, dimValue{dReason, reason})
	rec.record(mAuthFailures, "Count", dims(), opKeep, 0)
}

// Limited records a request refused by a rate limit (auth_failures,
// authz_resolve, admin_login).
func Limited(ctx context.Context, limit string) {
	from(ctx).record(mRateLimited, "Count", dims(dLimit), opAdd, 1, dimValue{dLimit, limit})
}

// Resolve records the outcome of an authz resolve: issued, or the
// refusal's error code.
func Resolve(ctx context.Context, outcome string) {
	from(ctx).record(mResolves, "Count", dims(dResolveOutcome), opAdd, 1, dimValue{dResolveOutcome, outcome})
}

// Retry records n retries of calls to an AWS dependency, throttled the
// attempts refused by throttling.
func Retry(ctx context.Context, dependency string, n, throttled int) {
	dep := dimValue{dDependency, strings.ReplaceAll(dependency, " ", "")}
	if n > 0 {
		from(ctx).record(mDependencyRetries, "Count", dims(dDependency), opAdd, float64(n), dep)
	}
	if throttled > 0 {
		from(ctx).record(mDependencyThrottles, "Count", dims(dDependency), opAdd, float64(throttled), dep)
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
