package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"sentinel/internal/apperr"
	"sentinel/internal/budget"
)

func TestRouter(t *testing.T) {
	rt := &Router{}
	hit := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(name + ":" + r.PathValue("id")))
		})
	}
	rt.Handle("GET", "/apps/{id}", hit("get"))
	rt.Handle("DELETE", "/apps/{id}", hit("delete"))
	rt.Handle("POST", "/apps/{id}/rotate", hit("rotate"))
	cases := []struct {
		method, path string
		wantStatus   int
		wantBody     string
		wantAllow    string
	}{
		{"GET", "/apps/42", 200, "get:42", ""},
		{"DELETE", "/apps/42/", 200, "delete:42", ""},
		{"POST", "/apps/7/rotate", 200, "rotate:7", ""},
		{"PUT", "/apps/42", 405, `{"detail":"Method PUT not allowed"}`, "DELETE, GET"},
		{"GET", "/apps", 404, `{"detail":"Not found"}`, ""},
		{"GET", "/apps//rotate", 404, `{"detail":"Not found"}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
			if w.Code != tc.wantStatus || w.Body.String() != tc.wantBody || w.Header().Get("Allow") != tc.wantAllow {
				t.Errorf("got %d %q Allow=%q, want %d %q Allow=%q", w.Code, w.Body, w.Header().Get("Allow"), tc.wantStatus, tc.wantBody, tc.wantAllow)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	type body struct {
		Name  string   `json:"name"`
		Count int      `json:"count"`
		Tags  []string `json:"tags"`
	}
	cases := []struct {
		name, contentType, body string
		wantErr                 string
	}{
		{"ok", "application/json", `{"name":"a","count":2,"unknown":true}`, ""},
		{"charset", "application/json; charset=utf-8", `{"name":"a"}`, ""},
		{"text", "text/plain", `{}`, "unsupported_media: Content-Type must be application/json"},
		{"missing type", "", `{}`, "unsupported_media: Content-Type must be application/json"},
		{"upper case", "APPLICATION/JSON", `{"name":"a"}`, ""},
		{"json suffix", "application/json-seq", `{}`, "unsupported_media: Content-Type must be application/json"},
		{"bad parameters", "application/json; charset", `{}`, "unsupported_media: Content-Type must be application/json"},
		{"empty", "application/json", ``, "bad_request: Request body is required"},
		{"blank", "application/json", " \t\r\n ", "bad_request: Request body is required"},
		{"malformed", "application/json", `{"name":`, "bad_request: Malformed JSON body"},
		{"wrong type", "application/json", `{"count":"x"}`, "invalid: count: must be a number"},
		{"wrong list", "application/json", `{"tags":"x"}`, "invalid: tags: must be an array"},
		{"too large", "application/json", `{"name":"` + strings.Repeat("x", MaxBody) + `"}`, "too_large: Request body exceeds 262144 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			var b body
			err := Decode(r, &b)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.wantErr {
				t.Errorf("Decode = %q, want %q", got, tc.wantErr)
			}
		})
	}
}

// Every answer carries the security headers, whatever an earlier answer's
// handler did to its own (the values are shared between answers).
func TestMiddlewareSecurityHeaders(t *testing.T) {
	want := map[string]string{
		"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
		"Content-Security-Policy":   "default-src 'none'; frame-ancestors 'none'",
		"Strict-Transport-Security": "max-age=31536000; includeSubDomains", "Referrer-Policy": "no-referrer",
	}
	h := Middleware(Func(func(r *http.Request) (int, any, error) {
		for k := range want {
			Header(r).Add(k, "changed")
		}
		Header(r).Set("X-Frame-Options", "SAMEORIGIN")
		Header(r).Del("Referrer-Policy")
		return 200, map[string]string{"a": "b"}, nil
	}))
	for i := range 2 {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/", nil)
		r = r.WithContext(WithRequestID(r.Context(), fmt.Sprint("req-", i)))
		Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(w, r)
		for k, v := range want {
			if got := w.Header().Values(k); len(got) != 1 || got[0] != v {
				t.Errorf("answer %d: %s = %q, want %q", i, k, got, v)
			}
		}
		if got := w.Header().Get("X-Request-Id"); got != fmt.Sprint("req-", i) {
			t.Errorf("answer %d: X-Request-Id %q", i, got)
		}
		w = httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if got := w.Header().Values("Cache-Control"); len(got) != 2 || got[0] != "no-store" || got[1] != "changed" {
			t.Errorf("the handler's Cache-Control: %q", got)
		}
		if got := w.Header().Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type %q", got)
		}
		w.Header().Set("Content-Type", "text/plain")
	}
}

func TestMiddlewareRecoversAndHidesInternals(t *testing.T) {
	h := Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("database password is hunter2")
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 || strings.Contains(w.Body.String(), "hunter2") || !strings.Contains(w.Body.String(), w.Header().Get("X-Request-Id")) {
		t.Errorf("got %d %s", w.Code, w.Body)
	}
}

func TestClientIPIgnoresForwardingHeaders(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "198.51.100.4:5555"
	r.Header.Set("X-Forwarded-For", "203.0.113.9")
	if got := ClientIP(r); got != "198.51.100.4" {
		t.Errorf("ClientIP = %q", got)
	}
	for addr, want := range map[string]string{
		"198.51.100.4": "198.51.100.4", // API Gateway's sourceIp has no port
		"2001:db8::1":  "2001:db8::1", "[2001:db8::1]:443": "2001:db8::1", "fe80::1%eth0": "fe80::1%eth0",
		"not-an-ip": "not-an-ip", "": "", "host:80": "host",
	} {
		r.RemoteAddr = addr
		if got := ClientIP(r); got != want {
			t.Errorf("ClientIP(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestDecodeOptional(t *testing.T) {
	cases := []struct {
		name, contentType, body string
		want                    int
		wantErr                 string
	}{
		{"absent", "", "", 7, ""},
		{"empty with a JSON type", "application/json", "", 7, ""},
		{"given", "application/json", `{"n":3}`, 3, ""},
		{"given as text", "text/plain", `{"n":3}`, 7, "unsupported_media: Content-Type must be application/json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			v := struct{ N int }{N: 7}
			err := DecodeOptional(r, &v)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.wantErr || v.N != tc.want {
				t.Errorf("DecodeOptional = %q, n=%d; want %q, n=%d", got, v.N, tc.wantErr, tc.want)
			}
		})
	}
}

// A Func handler's headers and cookies go out with its answer, an error
// included (CORS headers must reach the browser on a 4xx too).
func TestFuncHeaders(t *testing.T) {
	fail := Func(func(r *http.Request) (int, any, error) {
		Header(r).Set("Access-Control-Allow-Origin", "https://app.example.com")
		return 0, nil, apperr.New(apperr.BadRequest, "nope")
	})
	w := httptest.NewRecorder()
	fail.ServeHTTP(w, httptest.NewRequest("POST", "/x", nil))
	if w.Code != 400 || w.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("error answer: %d %v", w.Code, w.Header())
	}

	ok := Func(func(r *http.Request) (int, any, error) {
		SetCookie(r, &http.Cookie{Name: "session", Value: "v", HttpOnly: true})
		return 200, map[string]string{"status": "ok"}, nil
	})
	w = httptest.NewRecorder()
	ok.ServeHTTP(w, httptest.NewRequest("POST", "/x", nil))
	if w.Code != 200 || w.Header().Get("Set-Cookie") != "session=v; HttpOnly" || w.Body.String() != `{"status":"ok"}` {
		t.Errorf("cookie answer: %d %v %s", w.Code, w.Header(), w.Body)
	}
}

// A dependency's failure is a 503 with Retry-After and the request id,
// never a 500: an Unavailable error (its own Retry-After, or the default)
// and a deadline that ran out, however wrapped.
func TestErrorDependencyFailures(t *testing.T) {
	for _, tc := range []struct {
		name       string
		err        error
		retryAfter string
	}{
		{"unavailable", fmt.Errorf("get item: %w", budget.ErrUnavailable), "1"},
		{"throttled", fmt.Errorf("query: %w", budget.ErrThrottled), "2"},
		{"no retry-after", apperr.New(apperr.Unavailable, "Down"), "1"},
		{"deadline", fmt.Errorf("lookup: %w", context.DeadlineExceeded), "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { Error(w, r, tc.err) })).
				ServeHTTP(w, httptest.NewRequest("GET", "/x", nil))
			if w.Code != 503 || w.Header().Get("Retry-After") != tc.retryAfter {
				t.Fatalf("got %d Retry-After %q, want 503 with %q", w.Code, w.Header().Get("Retry-After"), tc.retryAfter)
			}
			rid := w.Header().Get("X-Request-Id")
			if body := w.Body.String(); !strings.Contains(body, `"detail":`) || !strings.Contains(body, rid) || strings.Contains(body, "get item") {
				t.Fatalf("body %s: want a detail with the request id and no cause", body)
			}
		})
	}
}

// DecodeFast answers Decode's 413 and 415 before its fast path, and leaves
// what the fast path does not read to encoding/json, with Decode's errors.
func TestDecodeFast(t *testing.T) {
	type body struct {
		Name string `json:"name"`
	}
	cases := []struct {
		name, contentType, body string
		fast                    bool
		wantErr, wantName       string
	}{
		{"fast", "application/json", `{"name":"a"}`, true, "", "fast"},
		{"slow", "application/json", `{"name":"a"}`, false, "", "a"},
		{"slow error", "application/json", `{"name":1}`, false, "invalid: name: must be a string", ""},
		{"empty", "application/json", ``, false, "bad_request: Request body is required", ""},
		{"not JSON", "text/plain", `{"name":"a"}`, true, "unsupported_media: Content-Type must be application/json", ""},
		{"too large", "application/json", strings.Repeat(" ", MaxBody+1), true, "too_large: Request body exceeds 262144 bytes", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.contentType)
			var b body
			err := DecodeFast(r, &b, func(raw []byte) bool {
				if string(raw) != tc.body {
					t.Errorf("the fast path got %q", raw)
				}
				if tc.fast {
					b.Name = "fast"
				}
				return tc.fast
			})
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.wantErr || b.Name != tc.wantName {
				t.Errorf("DecodeFast = %q, name %q; want %q, %q", got, b.Name, tc.wantErr, tc.wantName)
			}
		})
	}
}

// readBody reads what io.ReadAll of an io.LimitReader of MaxBody+1 bytes
// reads, whatever the Content-Length says and however the body reads.
func TestReadBodyAsReadAll(t *testing.T) {
	for _, size := range []int{0, 1, 511, 512, 513, 4096, MaxBody, MaxBody + 1, MaxBody + 100} {
		body := strings.Repeat("x", size)
		for _, cl := range []int64{int64(size), -1, 0, int64(size) / 2, int64(size) + 10} {
			for _, wrap := range []struct {
				name string
				r    func(io.Reader) io.Reader
			}{
				{"plain", func(r io.Reader) io.Reader { return r }},
				{"one byte at a time", iotest.OneByteReader},
				{"half", iotest.HalfReader},
				{"data and EOF together", iotest.DataErrReader},
				{"fails after 100 bytes", func(r io.Reader) io.Reader {
					return io.MultiReader(io.LimitReader(r, 100), iotest.ErrReader(errors.New("reset")))
				}},
			} {
				want, wantErr := io.ReadAll(io.LimitReader(wrap.r(strings.NewReader(body)), MaxBody+1))
				r := httptest.NewRequest("POST", "/", nil)
				r.Body, r.ContentLength = io.NopCloser(wrap.r(strings.NewReader(body))), cl
				got, err := readBody(r)
				switch {
				case wantErr != nil:
					if err == nil || err.Error() != "bad_request: Could not read request body" {
						t.Errorf("size %d, Content-Length %d, %s: error %v, want the 400", size, cl, wrap.name, err)
					}
				case len(want) > MaxBody:
					if err == nil || !strings.HasPrefix(err.Error(), "too_large:") {
						t.Errorf("size %d, Content-Length %d, %s: error %v, want the 413", size, cl, wrap.name, err)
					}
				case err != nil || string(got) != string(want):
					t.Errorf("size %d, Content-Length %d, %s: read %d bytes, %v; want %d", size, cl, wrap.name, len(got), err, len(want))
				}
			}
		}
	}
}
