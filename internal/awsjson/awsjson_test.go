package awsjson

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

func testClient(endpoint string, doer Doer) *Client {
	return New(Service{ID: "Test", SigningName: "test", Target: "Test.", Version: "1.0"},
		Options{Region: "us-east-1", Endpoint: endpoint, HTTP: doer, Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")})
}

// Answers are read whole, of a known size or chunked, and a known size's
// to its end: the client's connection is reused, one for many calls.
func TestAnswersReadWholeOnOneConnection(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "Test.Chunked" {
			_, _ = io.WriteString(w, `{"a":`)
			w.(http.Flusher).Flush() // no Content-Length: chunked
			_, _ = io.WriteString(w, `"chunked"}`)
			return
		}
		w.Header().Set("X-Amz-Crc32", "4156831382") // of {"a":"sized"}
		_, _ = io.WriteString(w, `{"a":"sized"}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := testClient(srv.URL, nil)
	for i := range 20 {
		op, want := "Sized", "sized"
		if i%2 == 1 {
			op, want = "Chunked", "chunked"
		}
		var out struct{ A string }
		if err := c.Call(t.Context(), op, []byte(`{}`), &out); err != nil || out.A != want {
			t.Fatalf("%s: %+v, %v", op, out, err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("20 calls opened %d connections, want 1", n)
	}
}

// answering is a Doer whose answers say they are size bytes long.
type answering struct {
	body string
	size int64
	n    atomic.Int32
}

func (a *answering) Do(*http.Request) (*http.Response, error) {
	a.n.Add(1)
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(a.body)), ContentLength: a.size}, nil
}

// An answer shorter than it says is a connection's failure (retried);
// one longer is read whole.
func TestAnswersOfTheWrongSize(t *testing.T) {
	short := &answering{body: `{"a":1}`, size: 100}
	err := testClient("http://127.0.0.1:1", short).Call(t.Context(), "Short", []byte(`{}`), &struct{}{})
	var conn interface{ ConnectionError() bool }
	if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &conn) || short.n.Load() < 2 {
		t.Errorf("a short answer: %v after %d attempts; want a retried connection error", err, short.n.Load())
	}
	for _, size := range []int64{0, 3, 7} {
		var out struct{ A, B int }
		long := &answering{body: `{"a":1,"b":2}`, size: size}
		if err := testClient("http://127.0.0.1:1", long).Call(t.Context(), "Long", []byte(`{}`), &out); err != nil || out.A != 1 || out.B != 2 {
			t.Errorf("an answer of %d bytes saying %d: %+v, %v", len(long.body), size, out, err)
		}
	}
}

// countingConn counts the writes made on a connection.
type countingConn struct {
	net.Conn
	writes *atomic.Int32
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// A request goes out in one write, headers and body together (a body net/http
// does not know is in memory makes it flush the headers first: a second
// system call per call).
func TestARequestIsOneWrite(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b, _ := io.ReadAll(r.Body); string(b) != `{"k":"v"}` {
			t.Errorf("body %q", b)
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	var writes atomic.Int32
	dial := &net.Dialer{}
	doer := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial.DialContext(ctx, network, addr)
		return countingConn{conn, &writes}, err
	}}}
	c := testClient(srv.URL, doer)
	for range 5 {
		var out struct{}
		if err := c.Call(t.Context(), "Op", []byte(`{"k":"v"}`), &out); err != nil {
			t.Fatal(err)
		}
	}
	if n := writes.Load(); n != 5 {
		t.Errorf("5 calls made %d writes, want 5", n)
	}
}
