package deploytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/uuid"

	"sentinel/internal/gateway"
)

// Gateway is the template's HTTP API: its AWS::ApiGatewayV2::Route route
// keys choose the route, the route's AWS::ApiGatewayV2::Integration the
// function, an AWS::Lambda::Permission must allow API Gateway to invoke
// it, and the event is payload format 2.0 as API Gateway builds it.
// Answers API Gateway gives itself have its shape: {"message": "Not
// Found"} and the like.
type Gateway struct {
	apiID, stage string
	routes       []*apiRoute
	permissions  []permission
	log          io.Writer

	mu    sync.Mutex
	trail []Invocation
}

// apiRoute is one route with the function its integration invokes.
type apiRoute struct {
	id, key, method string
	segments        []string // the path's, "{id}" and "{proxy+}" included
	function        *Function
	timeout         time.Duration
}

// permission is an AWS::Lambda::Permission for API Gateway.
type permission struct {
	function string // physical name
	source   *regexp.Regexp
}

// Invocation records one request the gateway served, for failure
// messages that name the function.
type Invocation struct {
	RequestID, Method, Path, RouteKey string
	Function                          *Function
	Status                            int
	// Problem is why the gateway answered for the function (a failed
	// invocation, a missing permission).
	Problem string
}

// String is one line for a failure message.
func (i Invocation) String() string {
	s := fmt.Sprintf("%s %s → %d", i.Method, i.Path, i.Status)
	switch {
	case i.Function != nil:
		s += fmt.Sprintf(" from function %s via route %q", i.Function.Label(), i.RouteKey)
	case i.RouteKey == "":
		s += " (no route of the template matches)"
	}
	if i.Problem != "" {
		s += ": " + i.Problem
	}
	if i.Function != nil && i.Status >= 500 {
		// Read now rather than at the answer: the emulator forwards the
		// function's output as it comes.
		s += "\nits log:\n" + i.Function.LogsOf(i.RequestID)
	}
	return s
}

// newGateway reads the one HTTP API of the template.
func newGateway(t *Template, l *Locals, functions map[string]*Function) (*Gateway, error) {
	apis := t.OfType("AWS::ApiGatewayV2::Api")
	if len(apis) != 1 {
		return nil, fmt.Errorf("want one AWS::ApiGatewayV2::Api, found %d", len(apis))
	}
	api := t.Resources[apis[0]]
	if pt, _ := api.Properties["ProtocolType"].(string); pt != "HTTP" {
		return nil, fmt.Errorf("API %s: protocol %q: the harness models HTTP APIs", apis[0], pt)
	}
	for _, unsupported := range []string{"CorsConfiguration", "Body", "BodyS3Location", "Target", "RouteSelectionExpression"} {
		if api.Properties[unsupported] != nil {
			return nil, fmt.Errorf("API %s: %s is not modelled by the harness", apis[0], unsupported)
		}
	}
	g := &Gateway{apiID: l.Refs[apis[0]], stage: "$default", log: io.Discard}
	belongs := func(r *Resource) bool {
		id, _ := l.ResolveString(r.Properties["ApiId"])
		return id == g.apiID
	}
	for _, id := range t.OfType("AWS::ApiGatewayV2::Stage") {
		if r := t.Resources[id]; belongs(r) {
			g.stage, _ = r.Properties["StageName"].(string)
		}
	}
	// Integrations by the id a route's target names.
	integrations := map[string]*Resource{}
	for _, id := range t.OfType("AWS::ApiGatewayV2::Integration") {
		if r := t.Resources[id]; belongs(r) {
			integrations[l.Refs[id]] = r
		}
	}
	byArn := map[string]*Function{}
	for id, f := range functions {
		byArn[l.Attrs[id+".Arn"]] = f
	}
	for _, id := range t.OfType("AWS::ApiGatewayV2::Route") {
		r := t.Resources[id]
		if !belongs(r) {
			continue
		}
		key, _ := r.Properties["RouteKey"].(string)
		route := &apiRoute{id: id, key: key, timeout: 30 * time.Second}
		if auth, _ := r.Properties["AuthorizationType"].(string); auth != "" && auth != "NONE" {
			return nil, fmt.Errorf("route %s (%s): authorization %s is not modelled by the harness", id, key, auth)
		}
		method, p, ok := cut(key)
		if !ok {
			return nil, fmt.Errorf("route %s: route key %q: the harness models \"METHOD /path\" keys", id, key)
		}
		route.method, route.segments = method, splitPath(p)
		target, err := l.ResolveString(r.Properties["Target"])
		if err != nil {
			return nil, fmt.Errorf("route %s (%s): target: %w", id, key, err)
		}
		integ := integrations[strings.TrimPrefix(target, "integrations/")]
		if integ == nil {
			return nil, fmt.Errorf("route %s (%s): target %q is no integration of the API", id, key, target)
		}
		if typ, _ := integ.Properties["IntegrationType"].(string); typ != "AWS_PROXY" {
			return nil, fmt.Errorf("route %s (%s): integration type %q: the harness models AWS_PROXY (Lambda) only", id, key, typ)
		}
		if v, _ := integ.Properties["PayloadFormatVersion"].(string); v != "2.0" {
			return nil, fmt.Errorf("route %s (%s): payload format %q: the harness builds 2.0 events only", id, key, v)
		}
		if ms, ok := integ.Properties["TimeoutInMillis"].(float64); ok {
			route.timeout = time.Duration(ms) * time.Millisecond
		}
		uri, err := l.ResolveString(integ.Properties["IntegrationUri"])
		if err != nil {
			return nil, fmt.Errorf("route %s (%s): integration: %w", id, key, err)
		}
		if route.function = byArn[uri]; route.function == nil {
			return nil, fmt.Errorf("route %s (%s): integration %s is no function of the template", id, key, uri)
		}
		g.routes = append(g.routes, route)
	}
	for _, id := range t.OfType("AWS::Lambda::Permission") {
		p := t.Resources[id].Properties
		if p["Principal"] != "apigateway.amazonaws.com" || p["Action"] != "lambda:InvokeFunction" {
			continue
		}
		fn, err := l.ResolveString(p["FunctionName"])
		if err != nil {
			return nil, fmt.Errorf("permission %s: %w", id, err)
		}
		src, err := l.ResolveString(p["SourceArn"])
		if err != nil {
			return nil, fmt.Errorf("permission %s: %w", id, err)
		}
		g.permissions = append(g.permissions, permission{function: fn, source: arnPattern(src)})
	}
	return g, nil
}

// cut splits a route key "METHOD /path".
func cut(key string) (method, path string, ok bool) {
	method, path, ok = strings.Cut(key, " ")
	return method, path, ok && strings.HasPrefix(path, "/")
}

// splitPath is the segments of a path.
func splitPath(p string) []string { return strings.Split(strings.TrimPrefix(p, "/"), "/") }

// arnPattern turns an ARN with IAM wildcards (* and ?) into a regexp.
func arnPattern(s string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range s {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// match finds the route of a request as HTTP APIs do: the most specific
// path wins (literal segments before {parameters}, those before a greedy
// {proxy+}), and a route with the request's method before ANY.
func (g *Gateway) match(method, p string) (*apiRoute, map[string]string) {
	segs := splitPath(p)
	var best *apiRoute
	var bestParams map[string]string
	var bestScore []int
	for _, r := range g.routes {
		if r.method != method && r.method != "ANY" {
			continue
		}
		params, score, ok := matchPath(r.segments, segs)
		if !ok {
			continue
		}
		methodScore := 1
		if r.method == "ANY" {
			methodScore = 0
		}
		score = append(score, methodScore)
		if best == nil || slices.Compare(score, bestScore) > 0 {
			best, bestParams, bestScore = r, params, score
		}
	}
	return best, bestParams
}

// matchPath matches request segments against a route's, returning the
// path parameters and a score that ranks more specific routes higher.
func matchPath(route, req []string) (map[string]string, []int, bool) {
	params := map[string]string{}
	var score []int
	for i, seg := range route {
		if name, ok := strings.CutSuffix(strings.TrimPrefix(seg, "{"), "+}"); ok && strings.HasPrefix(seg, "{") && i == len(route)-1 {
			if i >= len(req) {
				return nil, nil, false
			}
			params[name] = strings.Join(req[i:], "/")
			return params, append(score, 0), true
		}
		if i >= len(req) {
			return nil, nil, false
		}
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if req[i] == "" {
				return nil, nil, false
			}
			params[seg[1:len(seg)-1]] = req[i]
			score = append(score, 1)
			continue
		}
		if seg != req[i] {
			return nil, nil, false
		}
		score = append(score, 2)
	}
	if len(route) != len(req) {
		return nil, nil, false
	}
	return params, score, true
}

// gatewayError is one of API Gateway's own answers.
func gatewayError(w http.ResponseWriter, requestID string, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Apigw-Requestid", requestID)
	w.WriteHeader(status)
	body, _ := json.Marshal(map[string]string{"message": message})
	_, _ = w.Write(body)
}

// ServeHTTP serves one request as the HTTP API would.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := uuid.NewString()
	inv := Invocation{RequestID: requestID, Method: r.Method, Path: r.URL.Path}
	defer func() { g.record(inv) }()

	p := r.URL.Path
	if g.stage != "$default" {
		rest, ok := strings.CutPrefix(p, "/"+g.stage)
		if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
			inv.Status = http.StatusNotFound
			gatewayError(w, requestID, inv.Status, "Not Found")
			return
		}
		p = rest
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, gateway.MaxPayload))
	if err != nil {
		inv.Status = http.StatusRequestEntityTooLarge
		gatewayError(w, requestID, inv.Status, "Request Entity Too Large")
		return
	}
	route, params := g.match(r.Method, p)
	if route == nil {
		inv.Status = http.StatusNotFound
		gatewayError(w, requestID, inv.Status, "Not Found")
		return
	}
	inv.RouteKey, inv.Function = route.key, route.function
	if !g.permitted(route) {
		inv.Status, inv.Problem = http.StatusInternalServerError, "no AWS::Lambda::Permission lets API Gateway invoke the function for this route"
		gatewayError(w, requestID, inv.Status, "Internal Server Error")
		return
	}
	event := gateway.EventFor(r.WithContext(r.Context()), body, route.key, params, time.Now())
	event.RawPath = r.URL.Path
	event.RequestContext.HTTP.Path = r.URL.Path
	event.RequestContext.APIID = g.apiID
	event.RequestContext.AccountID = AccountID
	event.RequestContext.Stage = g.stage
	event.RequestContext.RequestID = requestID
	payload, err := json.Marshal(event)
	if err != nil {
		inv.Status, inv.Problem = http.StatusInternalServerError, err.Error()
		gatewayError(w, requestID, inv.Status, "Internal Server Error")
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), route.timeout)
	defer cancel()
	out, err := route.function.invoke(ctx, requestID, payload)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		inv.Status, inv.Problem = http.StatusServiceUnavailable, "integration timed out"
		gatewayError(w, requestID, inv.Status, "Service Unavailable")
		return
	case err != nil:
		inv.Status, inv.Problem = http.StatusInternalServerError, err.Error()
		gatewayError(w, requestID, inv.Status, "Internal Server Error")
		return
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode == 0 {
		// Payload 2.0 also accepts a bare JSON value (status 200), which
		// these functions never send: treat it as the error it would be here.
		inv.Status, inv.Problem = http.StatusInternalServerError, "the function's response is not a payload 2.0 response: "+truncate(out, 300)
		gatewayError(w, requestID, inv.Status, "Internal Server Error")
		return
	}
	w.Header().Set("Apigw-Requestid", requestID)
	if err := gateway.WriteResponse(w, resp); err != nil {
		inv.Status, inv.Problem = http.StatusInternalServerError, err.Error()
		gatewayError(w, requestID, inv.Status, "Internal Server Error")
		return
	}
	inv.Status = resp.StatusCode
}

// permitted reports whether a Lambda permission lets API Gateway invoke
// the route's function for this route (its execute-api ARN).
func (g *Gateway) permitted(r *apiRoute) bool {
	arn := fmt.Sprintf("arn:%s:execute-api:%s:%s:%s/%s/%s%s", Partition, Region, AccountID, g.apiID, g.stage,
		r.method, path.Join("/", strings.Join(r.segments, "/")))
	for _, p := range g.permissions {
		if p.function == r.function.Name || strings.HasSuffix(p.function, ":function:"+r.function.Name) {
			if p.source.MatchString(arn) {
				return true
			}
		}
	}
	return false
}

func (g *Gateway) record(inv Invocation) {
	g.mu.Lock()
	g.trail = append(g.trail, inv)
	g.mu.Unlock()
	fmt.Fprintln(g.log, "gateway:", inv)
}

// Trail returns the requests served since mark (a value of Mark).
func (g *Gateway) Trail(mark int) []Invocation {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.trail[min(mark, len(g.trail)):])
}

// Mark is the position of the next request in the trail.
func (g *Gateway) Mark() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.trail)
}

// RouteKeys lists the template's route keys.
func (g *Gateway) RouteKeys() []string {
	var keys []string
	for _, r := range g.routes {
		keys = append(keys, r.key)
	}
	slices.Sort(keys)
	return keys
}
