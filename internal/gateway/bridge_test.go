package gateway

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"sentinel/internal/web"
)

// seen is what a handler saw of a request.
type seen struct {
	method, path, query, host, remote, requestID, body string
	header                                             http.Header
	cookies                                            map[string]string
	contentLength                                      int64
}

func recordingBridge(into *seen) *Bridge {
	return NewBridge(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		*into = seen{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, host: r.Host, remote: r.RemoteAddr,
			requestID: web.RequestID(r.Context()), body: string(body), header: r.Header.Clone(),
			cookies: map[string]string{}, contentLength: r.ContentLength}
		for _, c := range r.Cookies() {
			into.cookies[c.Name] = c.Value
		}
		w.WriteHeader(204)
	}))
}

// invokeJSON runs an event through Invoke as the Lambda runtime does
// (lambda.NewHandler uses a Handler's Invoke as is) and decodes the answer
// with the Go type of API Gateway's response.
func invokeJSON(t *testing.T, b *Bridge, ev []byte) events.APIGatewayV2HTTPResponse {
	t.Helper()
	out, err := lambda.NewHandler(b).Invoke(context.Background(), ev)
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("the response is not JSON: %v\n%s", err, out)
	}
	return resp
}

// TestBridgeReadsEvents runs the golden events (API Gateway's JSON) through
// Invoke: the handler sees the request the client sent.
func TestBridgeReadsEvents(t *testing.T) {
	binary := string([]byte{0x89, 'P', 'N', 'G', 0x00, 0xff, 0xfe})
	tests := []struct {
		file    string
		want    seen
		headers map[string]string
	}{
		{file: "get-health", want: seen{method: "GET", path: "/health", body: ""},
			headers: map[string]string{"User-Agent": "curl/8.5.0", "Accept": "*/*", "X-Forwarded-Proto": "http"}},
		{file: "query-and-path-parameters", want: seen{method: "GET", path: "/admin/service-apps/0b6f7a5e-8a51-4d2c-9d7e-2f1f3c4b5a69",
			query: "limit=10&tag=a&tag=b&q=hello%20world&plus=a%2Bb"}},
		{file: "decoded-path", want: seen{method: "GET", path: "/admin/service-apps/a b"}},
		{file: "cookies-and-repeated-headers", want: seen{method: "GET", path: "/admin/auth/me",
			cookies: map[string]string{"admin_token": "eyJhbGciOi.x.y", "theme": "dark", "lang": "en"}},
			headers: map[string]string{"X-Custom": "a,b", "X-Forwarded-For": "203.0.113.9, 192.0.2.10"}},
		{file: "json-body", want: seen{method: "POST", path: "/admin/service-apps",
			body: `{"service_name":"billing","allowed_origins":["https://app.example.com"]}`},
			headers: map[string]string{"Content-Type": "application/json; charset=utf-8", "X-Requested-With": "XMLHttpRequest"}},
		{file: "binary-body", want: seen{method: "POST", path: "/admin/service-apps", body: binary},
			headers: map[string]string{"Content-Type": "application/octet-stream"}},
		{file: "form-body-is-base64", want: seen{method: "POST", path: "/admin/service-apps", body: "a=1&b=2"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "events", tt.file+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var ev map[string]any
			if err := json.Unmarshal(data, &ev); err != nil {
				t.Fatal(err)
			}
			ev["requestContext"].(map[string]any)["requestId"] = "req-" + tt.file
			data, _ = json.Marshal(ev)

			var got seen
			resp := invokeJSON(t, recordingBridge(&got), data)
			if resp.StatusCode != 204 {
				t.Errorf("status = %d, want 204", resp.StatusCode)
			}
			if got.method != tt.want.method || got.path != tt.want.path || got.query != tt.want.query || got.body != tt.want.body {
				t.Errorf("saw %s %q ?%q body %q; want %s %q ?%q body %q", got.method, got.path, got.query, got.body,
					tt.want.method, tt.want.path, tt.want.query, tt.want.body)
			}
			if got.contentLength != int64(len(tt.want.body)) {
				t.Errorf("ContentLength = %d, want %d", got.contentLength, len(tt.want.body))
			}
			if got.remote != "192.0.2.10" || got.host != "localhost:9003" || got.requestID != "req-"+tt.file {
				t.Errorf("RemoteAddr %q, Host %q, request id %q", got.remote, got.host, got.requestID)
			}
			for k, v := range tt.headers {
				if vs := got.header.Values(k); len(vs) != 1 || vs[0] != v {
					t.Errorf("header %s = %q, want [%q]", k, vs, v)
				}
			}
			if tt.want.cookies != nil && !reflect.DeepEqual(got.cookies, tt.want.cookies) {
				t.Errorf("cookies = %v, want %v", got.cookies, tt.want.cookies)
			}
			if tt.want.cookies == nil && len(got.cookies) != 0 {
				t.Errorf("cookies = %v, want none", got.cookies)
			}
		})
	}
}

// TestBridgeTakesDecodedRawPaths is TestAdaptTakesDecodedRawPaths through
// Invoke: the JSON path keeps the decoded rawPath too.
func TestBridgeTakesDecodedRawPaths(t *testing.T) {
	var got seen
	b := recordingBridge(&got)
	for _, path := range []string{"/admin/service-apps/100%", "/admin/service-apps/a?b=c", "/admin/service-apps/a#b",
		"/admin/service-apps/\x00\r\n", "/admin/service-apps/%zz", "/admin/service-apps/a b", "/admin/service-apps/é"} {
		ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: path, RawQueryString: "limit=5",
			RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path}}}
		data, _ := json.Marshal(ev)
		if resp := invokeJSON(t, b, data); resp.StatusCode != 204 {
			t.Errorf("rawPath %q: status %d", path, resp.StatusCode)
		}
		if got.path != path || got.query != "limit=5" {
			t.Errorf("rawPath %q: handler saw %q ?%q", path, got.path, got.query)
		}
	}
}

// TestBridgeWritesResponses checks the payload 2.0 response through
// Invoke (JSON) and Event (the local gateway's path): the same answer.
func TestBridgeWritesResponses(t *testing.T) {
	binary := []byte{0x00, 0x01, 0xff, 0xfe, 'x'}
	text := "{\"detail\":\"quote \\\" newline \n tab \t ctrl \x01 é ✓ \u2028\"}"
	tests := []struct {
		name    string
		method  string
		handler http.HandlerFunc
		want    events.APIGatewayV2HTTPResponse
	}{
		{name: "json", method: "POST", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(201)
			_, _ = io.WriteString(w, text)
		}, want: events.APIGatewayV2HTTPResponse{StatusCode: 201, Headers: map[string]string{"Content-Type": "application/json"}, Body: text}},
		{name: "cookies and repeated headers", method: "GET", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Set-Cookie", "admin_token=abc; Path=/; HttpOnly; SameSite=Strict")
			w.Header().Add("Set-Cookie", "theme=dark")
			w.Header().Add("Vary", "Origin")
			w.Header().Add("Vary", "Cookie")
			w.Header().Set("X-Odd", "bad \xff byte \"quoted\"")
			w.WriteHeader(200)
		}, want: events.APIGatewayV2HTTPResponse{StatusCode: 200,
			Headers: map[string]string{"Vary": "Origin,Cookie", "X-Odd": "bad \xff byte \"quoted\""},
			Cookies: []string{"admin_token=abc; Path=/; HttpOnly; SameSite=Strict", "theme=dark"}}},
		{name: "binary body is base64", method: "GET", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(binary)
		}, want: events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "image/png"},
			Body: base64.StdEncoding.EncodeToString(binary), IsBase64Encoded: true}},
		{name: "no status is 200, content type detected", method: "GET", handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "plain")
		}, want: events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"}, Body: "plain"}},
		{name: "nothing written is 200", method: "GET", handler: func(w http.ResponseWriter, r *http.Request) {},
			want: events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{}}},
		{name: "first status wins", method: "GET", handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(404)
			w.WriteHeader(500)
		}, want: events.APIGatewayV2HTTPResponse{StatusCode: 404, Headers: map[string]string{}}},
		{name: "HEAD has no body", method: "HEAD", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Allow", "GET")
			w.WriteHeader(405)
			_, _ = io.WriteString(w, `{"detail":"Method HEAD not allowed"}`)
		}, want: events.APIGatewayV2HTTPResponse{StatusCode: 405, Headers: map[string]string{"Content-Type": "application/json", "Allow": "GET"}}},
		{name: "OPTIONS reaches the handler", method: "OPTIONS", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Methods", r.Method+", "+r.Header.Get("Access-Control-Request-Method"))
			w.WriteHeader(204)
		}, want: events.APIGatewayV2HTTPResponse{StatusCode: 204, Headers: map[string]string{"Access-Control-Allow-Methods": "OPTIONS, POST"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBridge(tt.handler)
			in := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: "/x",
				Headers:        map[string]string{"access-control-request-method": "POST"},
				RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: tt.method}}}
			data, _ := json.Marshal(in)
			want := tt.want
			// encoding/json reads invalid UTF-8 back as U+FFFD.
			if v, ok := want.Headers["X-Odd"]; ok {
				want.Headers = map[string]string{"Vary": want.Headers["Vary"], "X-Odd": strings.ToValidUTF8(v, "\uFFFD")}
			}
			if got := invokeJSON(t, b, data); !reflect.DeepEqual(got, want) {
				t.Errorf("Invoke answered\n%#v\nwant\n%#v", got, want)
			}
			got, err := b.Event(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Event answered\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

// A pooled response writer starts empty: nothing of one answer leaks
// into the next.
func TestBridgeWritersStartEmpty(t *testing.T) {
	first := true
	b := NewBridge(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(w.Header()) != 0 {
			t.Errorf("the writer starts with headers %v", w.Header())
		}
		if first {
			first = false
			w.Header().Set("X-Secret", "s")
			w.Header().Add("Set-Cookie", "a=b")
			w.WriteHeader(418)
			_, _ = io.WriteString(w, "first")
		}
	}))
	data := []byte(`{"version":"2.0","rawPath":"/x","requestContext":{"http":{"method":"GET"}}}`)
	for range 3 {
		invokeJSON(t, b, data)
	}
	if got := invokeJSON(t, b, data); got.StatusCode != 200 || got.Body != "" || len(got.Headers) != 0 || len(got.Cookies) != 0 {
		t.Errorf("a later answer = %#v", got)
	}
}

// Payloads API Gateway never sends fail the invocation (Lambda reports
// the error) rather than reaching the handler.
func TestBridgeRefusesMalformedEvents(t *testing.T) {
	called := false
	b := NewBridge(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
	for _, payload := range []string{``, `[]`, `{"rawPath":`, `{"rawPath":"/x","body":"%%%","isBase64Encoded":true}`} {
		if out, err := b.Invoke(context.Background(), []byte(payload)); err == nil {
			t.Errorf("Invoke(%q) = %s, want an error", payload, out)
		}
	}
	if called {
		t.Error("the handler ran for a malformed event")
	}
}
