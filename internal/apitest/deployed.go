package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"sentinel/internal/awsjson"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/tableadmin"
	"sentinel/internal/dynamotest"
	"sentinel/internal/wire/secretswire"
)

// StackEnv names the file that points the suite at a deployed-shape stack:
// `make deployed-test` (internal/deploytest) runs the API suite with it
// set, and New then sends every request over HTTP through that stack's
// gateway, to the functions running under the Lambda emulator.
const StackEnv = "SENTINEL_APITEST_STACK"

// Stack is what that file holds.
type Stack struct {
	// URL is the stack's HTTP API.
	URL string `json:"url"`
	// Control is the harness: POST /reset empties the tables, GET
	// /trail?since=N lists the requests served since N (GET /mark).
	Control string `json:"control"`
	// Env is the functions' environment (the template's variables, the
	// endpoints and credentials): the test process takes it, so that its
	// own view of the tables and keys is built as a function's is.
	Env map[string]string `json:"env"`
	// IdP is the dev IdP the stack trusts (provider devidp.ProviderName,
	// audience devidp.Audience), served over HTTPS: its issuer URL and the
	// directory of its key ring.
	IdP struct {
		URL string `json:"url"`
		Dir string `json:"dir"`
	} `json:"idp"`
}

// stackBase is what the test process reads from the functions'
// environment, as a cold start does: the configuration, the tables' names
// and the key rings.
type stackBase struct {
	Config config.Config
	Tables dynamo.Names
	Keys   secretswire.Keys
}

var (
	stackOnce sync.Once
	stack     *Stack
	stackDeps *stackBase
	stackErr  error
)

// deployedStack reads the stack file once and what the functions'
// environment gives.
func deployedStack() (*Stack, *stackBase, error) {
	stackOnce.Do(func() {
		path := os.Getenv(StackEnv)
		if path == "" {
			return
		}
		data, err := os.ReadFile(path)
		if err != nil {
			stackErr = err
			return
		}
		s := &Stack{}
		if stackErr = json.Unmarshal(data, s); stackErr != nil {
			return
		}
		for k, v := range s.Env {
			os.Setenv(k, v)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		base := &stackBase{}
		if base.Config, stackErr = config.FromEnv(allKeys); stackErr != nil {
			return
		}
		if base.Tables, stackErr = dynamo.NamesFromEnv(dynamo.All); stackErr != nil {
			return
		}
		if base.Keys, stackErr = secretswire.LoadKeys(ctx, base.Config); stackErr != nil {
			return
		}
		stackDeps = base
		stack = s
	})
	return stack, stackDeps, stackErr
}

// deployed builds an API on the deployed-shape stack, with its tables
// emptied first, or returns nil when the suite runs in process.
func deployed(t testing.TB) *API {
	t.Helper()
	s, base, err := deployedStack()
	if err != nil {
		t.Fatalf("%s: %v", StackEnv, err)
	}
	if s == nil {
		return nil
	}
	if _, err := control(s, "POST", "/reset"); err != nil {
		t.Fatalf("reset the deployed stack's tables: %v", err)
	}
	mark, err := control(s, "GET", "/mark")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		// Failures name the function each request reached.
		trail, err := control(s, "GET", "/trail?since="+string(mark))
		if err != nil {
			t.Logf("trail: %v", err)
			return
		}
		t.Logf("requests through the deployed stack's gateway:\n%s", trail)
	})
	cfg := base.Config
	cfg.PasswordCost = bcrypt.MinCost // admins the test creates; sign-in reads the cost from the hash
	// Each test is its own client address, as separate clients are: the
	// per-IP limits (authz resolve, sign-in, the service routes' failures)
	// of one test then never reach into another's, in the tables or in
	// the functions' memory.
	n := clients.Add(1)
	ip := net.IPv4(127, 1, byte(n/250), byte(n%250+1))
	counter := &dynamo.Counter{}
	db := dynamo.LocalWireClient(dynamotest.Endpoint(t), awsjson.Options{Observe: counter.Observe})
	a := &API{t: t, Env: &dynamotest.Env{Client: db, SDK: tableadmin.LocalClient(dynamotest.Endpoint(t)), Names: base.Tables, Counter: counter}, Config: cfg,
		Clock: &Clock{wall: t}, stack: s, RemoteAddr: ip.String() + ":0", client: clientFrom(ip),
		keys: base.Keys, handlers: map[string]http.Handler{},
		db: db}
	if a.Deps, err = a.deps(); err != nil {
		t.Fatal(err)
	}
	return a
}

// control calls the harness.
func control(s *Stack, method, path string) ([]byte, error) {
	req, err := http.NewRequest(method, s.Control+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, body)
	}
	return body, err
}

// clients numbers the client addresses.
var clients atomic.Int64

// clientFrom is an HTTP client whose connections come from ip (any
// address of 127.0.0.0/8 is this machine's loopback).
func clientFrom(ip net.IP) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 10 * time.Second}
	return &http.Client{
		Timeout:   time.Minute,
		Transport: &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// send is Do over HTTP.
func (a *API) send(method, path string, body io.Reader, header http.Header) *Response {
	a.t.Helper()
	r, err := http.NewRequest(method, a.stack.URL+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	r.Header = header
	if b, ok := body.(*bytes.Reader); ok {
		r.ContentLength = int64(b.Len())
	}
	resp, err := a.client.Do(r)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: out}
}

// Deployed reports whether the API is the deployed-shape stack rather
// than the handlers in process.
func (a *API) Deployed() bool { return a.stack != nil }
