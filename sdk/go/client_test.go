package sentinel

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// answers serves the given statuses in turn (the last one repeatedly) and
// counts the requests; each body it receives is recorded.
func answers(t *testing.T, retryAfter string, statuses ...int) (*Client, *atomic.Int32, *[]string) {
	t.Helper()
	var n atomic.Int32
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if r.Header.Get("X-Service-Key") != "sk_test_key" {
			t.Errorf("X-Service-Key = %q", r.Header.Get("X-Service-Key"))
		}
		status := statuses[min(i, len(statuses)-1)]
		w.Header().Set("X-Request-Id", "req-1")
		if status >= 400 {
			w.Header().Set("Retry-After", retryAfter)
			w.WriteHeader(status)
			io.WriteString(w, `{"detail": "nope"}`)
			return
		}
		io.WriteString(w, `{"allowed": true, "roles": ["editor"]}`)
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, "docs", "sk_test_key")
	if err != nil {
		t.Fatal(err)
	}
	return c, &n, &bodies
}

func TestRetriesThrottledAndUnavailableAnswersWithTheSameBody(t *testing.T) {
	c, n, bodies := answers(t, "0", 429, 503, 200)
	d, err := c.Roles().Check(context.Background(), "u1", "w1", "docs:read")
	if err != nil || !d.Allowed || d.Roles[0] != "editor" {
		t.Fatalf("Check = %+v, %v", d, err)
	}
	if n.Load() != 3 {
		t.Fatalf("%d requests, want 3", n.Load())
	}
	for _, b := range *bodies {
		if b != (*bodies)[0] || b == "" {
			t.Fatalf("bodies differ or are empty: %q", *bodies)
		}
	}
}

func TestGivesUpWhenRetryAfterIsLongerThanTheLongestWait(t *testing.T) {
	c, n, _ := answers(t, "120", 429)
	_, err := c.Roles().Check(context.Background(), "u1", "w1", "docs:read")
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want a *Error of kind ErrRateLimited", err)
	}
	if e.RetryAfter != 2*time.Minute || e.Detail != "nope" || e.RequestID != "req-1" || n.Load() != 1 {
		t.Fatalf("error %+v after %d requests", e, n.Load())
	}
}

func TestStopsAfterTheRetries(t *testing.T) {
	c, n, _ := answers(t, "0", 503)
	c.retries = 2
	_, err := c.Roles().Check(context.Background(), "u1", "w1", "docs:read")
	if !errors.Is(err, ErrUnavailable) || n.Load() != 3 {
		t.Fatalf("err = %v after %d requests, want ErrUnavailable after 3", err, n.Load())
	}
}

func TestErrorKinds(t *testing.T) {
	for status, kind := range map[int]error{400: ErrBadRequest, 401: ErrUnauthorized, 403: ErrForbidden,
		404: ErrNotFound, 409: ErrConflict, 422: ErrBadRequest} {
		c, n, _ := answers(t, "", status)
		_, err := c.Roles().Check(context.Background(), "u1", "w1", "docs:read")
		if !errors.Is(err, kind) || n.Load() != 1 {
			t.Errorf("status %d: err = %v after %d requests, want %v once", status, err, n.Load(), kind)
		}
		if errors.Is(err, ErrRateLimited) {
			t.Errorf("status %d is also ErrRateLimited", status)
		}
	}
}

func TestAPostIsNotSentAgainAfterATransportFailure(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	}))
	defer srv.Close()
	c, _ := New(srv.URL, "docs", "sk_test_key")
	if _, err := c.Roles().Check(context.Background(), "u1", "w1", "docs:read"); err == nil || n.Load() != 1 {
		t.Fatalf("POST: err = %v after %d requests, want an error after 1", err, n.Load())
	}
	n.Store(0)
	if _, err := c.Whoami(context.Background()); err == nil || n.Load() != 4 {
		t.Fatalf("GET: err = %v after %d requests, want an error after 4", err, n.Load())
	}
}

func TestNewRefusesABadConfiguration(t *testing.T) {
	for _, args := range [][3]string{{"localhost:9003", "docs", "k"}, {"ftp://x", "docs", "k"}, {"http://x", "", "k"}, {"http://x", "docs", ""}} {
		if _, err := New(args[0], args[1], args[2]); err == nil {
			t.Errorf("New%q: no error", args)
		}
	}
}
