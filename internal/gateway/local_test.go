package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/uuid"

	"sentinel/internal/routes"
	"sentinel/internal/routes/all"
	"sentinel/internal/web"
)

var update = flag.Bool("update", false, "rewrite the golden events in testdata/events")

// fixedNow is the request time of every golden event.
var fixedNow = time.Date(2026, 11, 27, 14, 3, 58, 390_000_000, time.UTC)

// TestEventGolden converts requests into events and compares them with the
// golden events in testdata/events (requestId, random, is only checked to be
// a UUID).
func TestEventGolden(t *testing.T) {
	binary := []byte{0x89, 'P', 'N', 'G', 0x00, 0xff, 0xfe}
	tests := []struct {
		name    string
		method  string
		target  string
		route   string // pattern; the path parameters are matched from target
		headers [][2]string
		body    []byte
	}{
		{name: "get-health", method: "GET", target: "/health", route: "/health",
			headers: [][2]string{{"User-Agent", "curl/8.5.0"}, {"Accept", "*/*"}}},
		{name: "query-and-path-parameters", method: "GET",
			target:  "/admin/service-apps/0b6f7a5e-8a51-4d2c-9d7e-2f1f3c4b5a69?limit=10&tag=a&tag=b&q=hello%20world&plus=a%2Bb",
			route:   "/admin/service-apps/{id}",
			headers: [][2]string{{"User-Agent", "Mozilla/5.0"}}},
		{name: "decoded-path", method: "GET", target: "/admin/service-apps/a%20b", route: "/admin/service-apps/{id}"},
		{name: "cookies-and-repeated-headers", method: "GET", target: "/admin/auth/me", route: "/admin/auth/me",
			headers: [][2]string{
				{"Cookie", "admin_token=eyJhbGciOi.x.y; theme=dark"},
				{"Cookie", "lang=en"},
				{"X-Custom", "a"}, {"X-Custom", "b"},
				{"X-Forwarded-For", "203.0.113.9"},
				{"Connection", "keep-alive"},
			}},
		{name: "json-body", method: "POST", target: "/admin/service-apps", route: "/admin/service-apps",
			headers: [][2]string{{"Content-Type", "application/json; charset=utf-8"}, {"X-Requested-With", "XMLHttpRequest"}},
			body:    []byte(`{"service_name":"billing","allowed_origins":["https://app.example.com"]}`)},
		{name: "binary-body", method: "POST", target: "/admin/service-apps", route: "/admin/service-apps",
			headers: [][2]string{{"Content-Type", "application/octet-stream"}}, body: binary},
		{name: "form-body-is-base64", method: "POST", target: "/admin/service-apps", route: "/admin/service-apps",
			headers: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}}, body: []byte("a=1&b=2")},
		{name: "gzip-json-is-base64", method: "POST", target: "/admin/service-apps", route: "/admin/service-apps",
			headers: [][2]string{{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}}, body: []byte("\x1f\x8b")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "http://localhost:9003"+tt.target, bytes.NewReader(tt.body))
			r.RemoteAddr = "192.0.2.10:51234"
			for _, h := range tt.headers {
				r.Header.Add(h[0], h[1])
			}
			params, ok := web.ParsePattern(tt.route).Match(web.PathSegments(nil, r.URL.Path))
			if !ok {
				t.Fatalf("route %s does not match %s", tt.route, r.URL.Path)
			}
			ev := Event(r, tt.body, routes.Route{Method: tt.method, Path: tt.route}, params, fixedNow)

			if _, err := uuid.Parse(ev.RequestContext.RequestID); err != nil {
				t.Errorf("requestId %q is not a UUID", ev.RequestContext.RequestID)
			}
			ev.RequestContext.RequestID = ""
			file := filepath.Join("testdata", "events", tt.name+".json")
			if *update {
				writeGolden(t, file, ev)
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -update once to write it, then review it)", err)
			}
			var want events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if !reflect.DeepEqual(ev, want) {
				got, _ := json.MarshalIndent(ev, "", "  ")
				t.Errorf("event differs from %s\ngot:\n%s\nwant:\n%s", file, got, data)
			}
		})
	}
}

// writeGolden writes an event as API Gateway shows it: without the empty
// mTLS block the Go type always marshals, and without the random requestId.
func writeGolden(t *testing.T, file string, ev events.APIGatewayV2HTTPRequest) {
	t.Helper()
	raw, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	rc := m["requestContext"].(map[string]any)
	delete(rc, "authentication")
	delete(rc, "requestId")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEventRoundTrip checks that the adapter rebuilds the original request
// from the event: what a handler sees locally is what it sees in AWS.
func TestEventRoundTrip(t *testing.T) {
	var seen *http.Request
	var seenBody []byte
	h := Adapt(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r
		seenBody, _ = io.ReadAll(r.Body)
		w.WriteHeader(204)
	}))
	body := []byte{0, 1, 2, 0xff}
	r := httptest.NewRequest("POST", "http://localhost:9003/admin/x/y?a=1&a=2", bytes.NewReader(body))
	r.RemoteAddr = "192.0.2.10:51234"
	r.Header.Set("Content-Type", "application/octet-stream")
	r.Header.Add("Cookie", "admin_token=t1; theme=dark")
	r.Header.Set("X-Forwarded-For", "203.0.113.9")
	ev := Event(r, body, routes.Route{Method: "POST", Path: "/admin/x/{id}"}, map[string]string{"id": "y"}, fixedNow)
	if _, err := h(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if got, want := web.ClientIP(seen), "192.0.2.10"; got != want {
		t.Errorf("ClientIP = %q, want %q", got, want)
	}
	if !bytes.Equal(seenBody, body) {
		t.Errorf("body = %v, want %v", seenBody, body)
	}
	if c, err := seen.Cookie("admin_token"); err != nil || c.Value != "t1" {
		t.Errorf("admin_token cookie = %v, %v; want t1", c, err)
	}
	if got, want := seen.URL.Query()["a"], []string{"1", "2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("query a = %v, want %v", got, want)
	}
	if got, want := seen.URL.Path, "/admin/x/y"; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
}

func TestWriteResponse(t *testing.T) {
	tests := []struct {
		name       string
		resp       events.APIGatewayV2HTTPResponse
		wantStatus int
		wantHeader http.Header
		wantBody   string
		wantErr    bool
	}{
		{name: "json", resp: events.APIGatewayV2HTTPResponse{StatusCode: 201,
			Headers: map[string]string{"Content-Type": "application/json", "X-Request-Id": "r1", "Content-Length": "999"},
			Body:    `{"id":"1"}`},
			wantStatus: 201, wantHeader: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r1"}}, wantBody: `{"id":"1"}`},
		{name: "cookies become Set-Cookie", resp: events.APIGatewayV2HTTPResponse{StatusCode: 200,
			Cookies: []string{"admin_token=abc; Path=/; HttpOnly; SameSite=Strict", "theme=dark"}},
			wantStatus: 200, wantHeader: http.Header{"Set-Cookie": {"admin_token=abc; Path=/; HttpOnly; SameSite=Strict", "theme=dark"}}},
		{name: "multi-value headers win", resp: events.APIGatewayV2HTTPResponse{StatusCode: 200,
			Headers:           map[string]string{"Vary": "Origin", "X-One": "1"},
			MultiValueHeaders: map[string][]string{"Vary": {"Origin", "Cookie"}}},
			wantStatus: 200, wantHeader: http.Header{"Vary": {"Origin", "Cookie"}, "X-One": {"1"}}},
		{name: "base64 body decoded", resp: events.APIGatewayV2HTTPResponse{StatusCode: 200,
			Body: "AAH//w==", IsBase64Encoded: true},
			wantStatus: 200, wantBody: "\x00\x01\xff\xff"},
		{name: "bad base64", resp: events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "%%%", IsBase64Encoded: true}, wantErr: true},
		{name: "no status", resp: events.APIGatewayV2HTTPResponse{Body: "x"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			err := WriteResponse(rec, tt.resp)
			if tt.wantErr {
				if err == nil {
					t.Fatal("want an error")
				}
				if len(rec.Header()) != 0 || rec.Body.Len() != 0 {
					t.Errorf("wrote %v %q before failing", rec.Header(), rec.Body)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			for k, want := range tt.wantHeader {
				if got := rec.Header().Values(k); !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if got := rec.Header().Get("Content-Length"); got != "" {
				t.Errorf("Content-Length = %q copied from the function", got)
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("body = %q, want %q", got, tt.wantBody)
			}
		})
	}
}

// recorder is a fake function: it keeps the events it receives.
type recorder struct {
	mu     sync.Mutex
	builds map[string]int
	events []events.APIGatewayV2HTTPRequest
	resp   events.APIGatewayV2HTTPResponse
	err    error
	build  error
}

func (f *recorder) Build(_ context.Context, name string) (EventHandler, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.builds == nil {
		f.builds = map[string]int{}
	}
	f.builds[name]++
	if f.build != nil {
		return nil, f.build
	}
	return func(_ context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.events = append(f.events, ev)
		return f.resp, f.err
	}, nil
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func quiet() *Local {
	g := NewLocal(all.Routes)
	g.Log = discardLogger()
	return g
}

func TestLocalServeHTTP(t *testing.T) {
	ok := events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"status":"ok"}`}
	big := strings.Repeat("x", web.MaxBody+1)
	tests := []struct {
		name        string
		fn          *recorder
		method      string
		path        string
		body        string
		wantStatus  int
		wantBody    string // exact, when set
		wantAllow   string
		wantInvoked int
		chunked     bool // no Content-Length: the gateway must stop reading
	}{
		{name: "route", fn: &recorder{resp: ok}, method: "GET", path: "/health", wantStatus: 200, wantBody: `{"status":"ok"}`, wantInvoked: 1},
		{name: "unknown path", fn: &recorder{resp: ok}, method: "GET", path: "/nope", wantStatus: 404, wantBody: `{"detail":"Not found"}`},
		{name: "known path, other method", fn: &recorder{resp: ok}, method: "DELETE", path: "/health", wantStatus: 405,
			wantBody: `{"detail":"Method DELETE not allowed"}`, wantAllow: "GET"},
		{name: "body over 256 KiB reaches the function", fn: &recorder{resp: ok}, method: "GET", path: "/health", body: big,
			wantStatus: 200, wantInvoked: 1},
		{name: "body over 10 MB refused", fn: &recorder{resp: ok}, method: "GET", path: "/health", body: strings.Repeat("x", MaxPayload+1),
			wantStatus: 413, wantBody: `{"detail":"Request body exceeds 10485760 bytes"}`},
		{name: "chunked body over 10 MB refused", fn: &recorder{resp: ok}, method: "GET", path: "/health", body: strings.Repeat("x", MaxPayload+1),
			chunked: true, wantStatus: 413},
		{name: "function error", fn: &recorder{err: errors.New("boom")}, method: "GET", path: "/health", wantStatus: 500, wantInvoked: 1},
		{name: "cold start error", fn: &recorder{build: errors.New("missing environment: X")}, method: "GET", path: "/health", wantStatus: 500},
		{name: "malformed response", fn: &recorder{resp: events.APIGatewayV2HTTPResponse{StatusCode: 0}}, method: "GET", path: "/health",
			wantStatus: 500, wantInvoked: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := quiet()
			g.Build = tt.fn.Build
			rec := httptest.NewRecorder()
			var body io.Reader = strings.NewReader(tt.body)
			if tt.chunked {
				body = io.MultiReader(body) // hides the length
			}
			req := httptest.NewRequest(tt.method, tt.path, body)
			if tt.chunked {
				req.ContentLength = -1
			}
			g.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d (body %s)", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantBody != "" && rec.Body.String() != tt.wantBody {
				t.Errorf("body = %s, want %s", rec.Body, tt.wantBody)
			}
			if rec.Code >= 400 {
				if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q, want application/json", ct)
				}
				if strings.Contains(rec.Body.String(), "boom") || strings.Contains(rec.Body.String(), "missing environment") {
					t.Errorf("body leaks the cause: %s", rec.Body)
				}
				if rec.Header().Get("X-Request-Id") == "" {
					t.Error("no X-Request-Id on the gateway's own answer")
				}
			}
			if got := rec.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
			if got := len(tt.fn.events); got != tt.wantInvoked {
				t.Errorf("function invoked %d times, want %d", got, tt.wantInvoked)
			}
			if tt.wantInvoked > 0 && tt.body != "" {
				ev := tt.fn.events[0]
				if len(ev.Body) == 0 || ev.Headers["content-length"] != "262145" {
					t.Errorf("event body %d bytes, content-length %q", len(ev.Body), ev.Headers["content-length"])
				}
			}
		})
	}
}

// TestLocalBuildsOncePerFunction: each function is built on first use and
// kept, like a warm Lambda; a failed cold start is retried next time.
func TestLocalBuildsOncePerFunction(t *testing.T) {
	fn := &recorder{resp: events.APIGatewayV2HTTPResponse{StatusCode: 204}}
	g := quiet()
	g.Build = fn.Build
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/health", nil))
		}()
	}
	wg.Wait()
	for _, name := range []string{"a", "b", "a"} {
		if _, err := g.handler(context.Background(), name); err != nil {
			t.Fatal(err)
		}
	}
	if want := map[string]int{"health": 1, "a": 1, "b": 1}; !reflect.DeepEqual(fn.builds, want) {
		t.Errorf("builds = %v, want %v", fn.builds, want)
	}
	if len(fn.events) != 8 {
		t.Errorf("invocations = %d, want 8", len(fn.events))
	}

	failing := &recorder{build: errors.New("cold start failed")}
	g = quiet()
	g.Build = failing.Build
	for range 2 {
		if _, err := g.handler(context.Background(), "a"); err == nil {
			t.Fatal("want the build error")
		}
	}
	if failing.builds["a"] != 2 {
		t.Errorf("failed build retried %d times, want 2", failing.builds["a"])
	}
}

// TestSourceIPIgnoresForwardedFor sends requests over real TCP with forged
// forwarding headers: the event's sourceIp, and the client IP a handler
// (and so every rate limit) sees, stay the TCP peer.
func TestSourceIPIgnoresForwardedFor(t *testing.T) {
	var mu sync.Mutex
	var sourceIPs []string
	g := quiet()
	g.Build = func(context.Context, string) (EventHandler, error) {
		inner := Adapt(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, web.ClientIP(r))
		}))
		return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			mu.Lock()
			sourceIPs = append(sourceIPs, ev.RequestContext.HTTP.SourceIP)
			mu.Unlock()
			return inner(ctx, ev)
		}, nil
	}
	srv := httptest.NewServer(g)
	defer srv.Close()

	forged := []map[string]string{
		{},
		{"X-Forwarded-For": "203.0.113.9"},
		{"X-Forwarded-For": "203.0.113.9, 198.51.100.7"},
		{"X-Real-Ip": "203.0.113.9", "Forwarded": "for=203.0.113.9", "True-Client-Ip": "203.0.113.9"},
	}
	for _, headers := range forged {
		req, _ := http.NewRequest("GET", srv.URL+"/health", nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != "127.0.0.1" {
			t.Errorf("with %v the handler saw client IP %q, want 127.0.0.1", headers, got)
		}
	}
	for _, ip := range sourceIPs {
		if ip != "127.0.0.1" {
			t.Errorf("event sourceIp = %q, want the TCP peer 127.0.0.1", ip)
		}
	}
	if len(sourceIPs) != len(forged) {
		t.Errorf("%d events for %d requests", len(sourceIPs), len(forged))
	}
}

// TestLocalRealHealthFunction runs GET /health through the real function
// built by Build and the real adapter.
func TestLocalRealHealthFunction(t *testing.T) {
	// Health uses no table, but the client is built at cold start; point it
	// at a local endpoint so no AWS configuration is read.
	t.Setenv("SENTINEL_DYNAMODB_ENDPOINT", "http://127.0.0.1:1")
	t.Setenv("SENTINEL_STAGE", "local")
	srv := httptest.NewServer(quiet())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || body["status"] != "ok" {
		t.Errorf("GET /health = %d %v, want 200 status ok", resp.StatusCode, body)
	}
	if _, err := uuid.Parse(resp.Header.Get("X-Request-Id")); err != nil {
		t.Errorf("X-Request-Id %q is not the gateway's request id", resp.Header.Get("X-Request-Id"))
	}
	if got := resp.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
}

// A function's cold start stops, naming SENTINEL_STAGE, when the stage is
// missing or unknown, or local inside Lambda (issue 17 item 7): it never
// falls back to the local stage's looser rules.
func TestColdStartNeedsAKnownStage(t *testing.T) {
	t.Setenv("SENTINEL_DYNAMODB_ENDPOINT", "http://127.0.0.1:1")
	for name, env := range map[string]map[string]string{
		"no stage":        {"SENTINEL_STAGE": ""},
		"unknown stage":   {"SENTINEL_STAGE": "PROD"},
		"local in Lambda": {"SENTINEL_STAGE": "local", "AWS_LAMBDA_FUNCTION_NAME": "sentinel-health"},
	} {
		t.Run(name, func(t *testing.T) {
			for k, v := range env {
				t.Setenv(k, v)
			}
			_, err := Build(t.Context(), "health", all.Routes, nil)
			if err == nil || !strings.Contains(err.Error(), "SENTINEL_STAGE") {
				t.Errorf("Build = %v, want a cold-start error naming SENTINEL_STAGE", err)
			}
		})
	}
	t.Setenv("SENTINEL_STAGE", "prod")
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "sentinel-health")
	if _, err := Build(t.Context(), "health", all.Routes, nil); err != nil {
		t.Errorf("Build in a deployed stage = %v", err)
	}
}

// HTTP APIs deliver rawPath URL-decoded: a decoded '%', '?', '#' or control
// character reaches the handler as the exact path, neither failing the
// invocation (API Gateway would answer a bare 502) nor splitting the path
// into a query (issue 17 item 7).
func TestAdaptTakesDecodedRawPaths(t *testing.T) {
	var got string
	h := Adapt(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Path + "|" + r.URL.RawQuery
		w.WriteHeader(204)
	}))
	for _, path := range []string{"/admin/service-apps/100%", "/admin/service-apps/a?b=c", "/admin/service-apps/a#b", "/admin/service-apps/\x00\r\n", "/admin/service-apps/%zz", "/admin/service-apps/\xff\xfe", "/admin/service-apps/a b"} {
		ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: path, RawQueryString: "limit=5",
			RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path}}}
		resp, err := h(context.Background(), ev)
		if err != nil || resp.StatusCode != 204 {
			t.Errorf("rawPath %q: %d, %v; want the handler's 204", path, resp.StatusCode, err)
			continue
		}
		if got != path+"|limit=5" {
			t.Errorf("rawPath %q: handler saw %q", path, got)
		}
	}
}
