package gateway

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/routes"
	"sentinel/internal/web"
)

// MaxPayload is API Gateway's request payload limit (10 MB). Larger bodies
// are refused by the gateway itself; bodies between web.MaxBody and this
// reach the function, which answers 413 as it does in AWS.
const MaxPayload = 10 << 20

// InvokeTimeout is API Gateway's HTTP API integration timeout.
const InvokeTimeout = 30 * time.Second

// Local is the local API Gateway: for each HTTP request it finds the route
// in the route table, turns the request into the HTTP API payload 2.0 event
// API Gateway would send, invokes that route's function handler (built on
// first use, once per function, as separate Lambdas are) and writes the
// function's response back. Unknown paths and methods are answered like
// the functions answer them (JSON 404, JSON 405 with Allow).
type Local struct {
	// Table is the route table it serves (internal/routes/all).
	Table []routes.Route
	// Build makes a function's handler; nil means Build over Table (from
	// the process environment, as a Lambda cold start does). Tests put
	// fakes here.
	Build func(ctx context.Context, function string) (EventHandler, error)
	// Log receives one line per request and every failure; nil means slog.Default().
	Log *slog.Logger
	// Metrics receives the functions' EMF lines; nil (the local stack)
	// means none.
	Metrics io.Writer

	mu     sync.Mutex
	fns    map[string]*function
	routes *routes.Matcher
	miss   http.Handler
	once   sync.Once
}

// function is one lazily built Lambda.
type function struct {
	mu      sync.Mutex
	handler EventHandler
}

// NewLocal returns a local gateway that builds the real functions of table.
func NewLocal(table []routes.Route) *Local { return &Local{Table: table} }

func (g *Local) log() *slog.Logger {
	if g.Log != nil {
		return g.Log
	}
	return slog.Default()
}

func (g *Local) init() {
	g.once.Do(func() {
		g.fns = map[string]*function{}
		g.routes = routes.NewMatcher(g.Table)
		// Misses go through a router holding every route (never invoked) so
		// that 404 and 405 have exactly the functions' shape and headers.
		g.miss = routes.Unrouted(g.Table)
	})
}

// ServeHTTP serves one request as API Gateway and Lambda would.
func (g *Local) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.init()
	start := time.Now()
	route, params, _, ok := g.routes.Match(r.Method, r.URL.Path)
	if !ok {
		g.miss.ServeHTTP(w, bodiless(r))
		g.log().Info("local gateway", "method", r.Method, "path", r.URL.Path, "function", "-")
		return
	}
	status := g.invoke(w, r, route, params)
	g.log().Info("local gateway", "method", r.Method, "path", r.URL.Path, "function", route.Function,
		"status", status, "ms", time.Since(start).Milliseconds())
}

// invoke runs one matched request through its function and returns the status written.
func (g *Local) invoke(w http.ResponseWriter, r *http.Request, route routes.Route, params map[string]string) int {
	if r.ContentLength > MaxPayload {
		return g.fail(w, r, apperr.New(apperr.TooLarge, "Request body exceeds %d bytes", MaxPayload))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxPayload))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return g.fail(w, r, apperr.New(apperr.TooLarge, "Request body exceeds %d bytes", MaxPayload))
		}
		return g.fail(w, r, apperr.New(apperr.BadRequest, "Could not read request body"))
	}
	h, err := g.handler(r.Context(), route.Function)
	if err != nil {
		// A failed cold start: API Gateway answers 500 and the next request
		// tries a fresh one, which handler does too (nothing is cached).
		return g.fail(w, r, fmt.Errorf("function %s: %w", route.Function, err))
	}
	event := Event(r, body, route, params, time.Now())
	// The function runs to completion (or its timeout) even if the client
	// goes away, as a Lambda invocation does.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), InvokeTimeout)
	defer cancel()
	resp, err := h(ctx, event)
	if err != nil {
		return g.fail(w, r, fmt.Errorf("function %s returned an error: %w", route.Function, err))
	}
	if err := WriteResponse(w, resp); err != nil {
		return g.fail(w, r, fmt.Errorf("function %s: %w", route.Function, err))
	}
	return resp.StatusCode
}

// handler returns the function's handler, building it on first use.
func (g *Local) handler(ctx context.Context, name string) (EventHandler, error) {
	g.init()
	g.mu.Lock()
	fn := g.fns[name]
	if fn == nil {
		fn = &function{}
		g.fns[name] = fn
	}
	g.mu.Unlock()

	fn.mu.Lock()
	defer fn.mu.Unlock()
	if fn.handler != nil {
		return fn.handler, nil
	}
	build := g.Build
	if build == nil {
		build = func(ctx context.Context, name string) (EventHandler, error) {
			b, err := Build(ctx, name, g.Table, g.Metrics)
			if err != nil {
				return nil, err
			}
			return b.Event, nil
		}
	}
	h, err := build(context.WithoutCancel(ctx), name)
	if err != nil {
		return nil, err
	}
	fn.handler = h
	return h, nil
}

// fail answers with the functions' error shape and headers (internal causes
// are logged, never sent) and returns the status.
func (g *Local) fail(w http.ResponseWriter, r *http.Request, err error) int {
	status := apperr.Status(apperr.CodeOf(err))
	web.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.Error(w, r, err)
	})).ServeHTTP(w, bodiless(r))
	return status
}

// bodiless is r without its body, for the gateway's own answers: they go
// through the functions' middleware for the same headers, and its body
// limit must not turn a 404 or a 500 into a 413.
func bodiless(r *http.Request) *http.Request {
	r = r.Clone(r.Context())
	r.Body, r.ContentLength = http.NoBody, 0
	return r
}

// Event converts an HTTP request into the event API Gateway HTTP API sends
// with payload format 2.0 (see the AWS developer guide, "Create AWS Lambda
// proxy integrations for HTTP APIs"):
//   - rawPath and requestContext.http.path are the URL-decoded path, as HTTP
//     APIs deliver them; rawQueryString stays as sent;
//   - header names are lower-cased and repeated headers joined with commas;
//     the Cookie header moves to the cookies array; API Gateway's own
//     x-forwarded-for (the client's value plus the source IP), -port and
//     -proto are added;
//   - queryStringParameters are decoded, repeated keys joined with commas;
//   - sourceIp is the TCP peer: a client cannot choose it with
//     X-Forwarded-For or any other header;
//   - the body is text for text/*, application/json, application/xml and
//     application/javascript without a Content-Encoding, else base64 with
//     isBase64Encoded (what HTTP APIs do; they have no binary media types).
func Event(r *http.Request, body []byte, route routes.Route, params map[string]string, now time.Time) events.APIGatewayV2HTTPRequest {
	return EventFor(r, body, route.Key(), params, now)
}

// EventFor is Event for a route given by its API Gateway route key
// ("GET /admin/service-apps/{id}"), as a template declares it.
func EventFor(r *http.Request, body []byte, routeKey string, params map[string]string, now time.Time) events.APIGatewayV2HTTPRequest {
	sourceIP, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		sourceIP = r.RemoteAddr
	}
	headers := map[string]string{}
	var cookies []string
	for name, values := range r.Header {
		key := strings.ToLower(name)
		switch key {
		case "cookie":
			for _, v := range values {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		case "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade":
			continue // hop-by-hop: never forwarded by a gateway
		}
		headers[key] = strings.Join(values, ",")
	}
	headers["host"] = r.Host
	if len(body) > 0 || headers["content-length"] != "" {
		headers["content-length"] = strconv.Itoa(len(body))
	}
	if xff := headers["x-forwarded-for"]; xff != "" {
		headers["x-forwarded-for"] = xff + ", " + sourceIP
	} else {
		headers["x-forwarded-for"] = sourceIP
	}
	proto, port := "http", "80"
	if r.TLS != nil {
		proto, port = "https", "443"
	}
	if addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, p, err := net.SplitHostPort(addr.String()); err == nil {
			port = p
		}
	}
	headers["x-forwarded-proto"] = proto
	headers["x-forwarded-port"] = port

	var query map[string]string
	if r.URL.RawQuery != "" {
		values, _ := url.ParseQuery(r.URL.RawQuery) // keeps what parses, as API Gateway does
		if len(values) > 0 {
			query = map[string]string{}
			for k, v := range values {
				query[k] = strings.Join(v, ",")
			}
		}
	}

	domain := r.Host
	prefix := domain
	if h, _, err := net.SplitHostPort(domain); err == nil {
		prefix = h
	}
	prefix, _, _ = strings.Cut(prefix, ".")

	ev := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              routeKey,
		RawPath:               r.URL.Path,
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: query,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     routeKey,
			AccountID:    "local",
			Stage:        "$default",
			RequestID:    uuid.NewString(),
			APIID:        "local",
			DomainName:   domain,
			DomainPrefix: prefix,
			Time:         now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  sourceIP,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if len(params) > 0 {
		ev.PathParameters = params
	}
	if len(body) > 0 {
		if isText(r.Header) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev
}

// isText reports whether API Gateway passes a body with these headers as text.
func isText(h http.Header) bool {
	if h.Get("Content-Encoding") != "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return false
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript":
		return true
	}
	return strings.HasPrefix(mt, "text/")
}

// WriteResponse writes a payload 2.0 response as API Gateway does: the
// status, headers and multiValueHeaders, each cookie as a Set-Cookie header,
// and the body (decoded when isBase64Encoded).
func WriteResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) error {
	if resp.StatusCode < 100 || resp.StatusCode > 599 {
		return fmt.Errorf("invalid status code %d", resp.StatusCode)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			return fmt.Errorf("response body is not valid base64: %w", err)
		}
	}
	h := w.Header()
	for _, k := range sortedKeys(resp.Headers) {
		if _, multi := resp.MultiValueHeaders[k]; !multi {
			h.Set(k, resp.Headers[k])
		}
	}
	for _, k := range sortedKeys(resp.MultiValueHeaders) {
		for _, v := range resp.MultiValueHeaders[k] {
			h.Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	// The length is the decoded body's; let net/http compute it.
	h.Del("Content-Length")
	h.Del("Transfer-Encoding")
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
