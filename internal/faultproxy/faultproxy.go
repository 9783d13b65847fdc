// Package faultproxy is a test harness: an HTTP proxy in front of DynamoDB
// Local that injects faults per operation (read from X-Amz-Target) and on
// a schedule — throttling, 500s, added latency, hangs, connection resets,
// unprocessed batch keys and items, cancelled transactions, and writes
// that land but whose answer is lost or late. The code under
// test reaches it through its ordinary endpoint setting (dynamo.EndpointEnv
// or dynamo.LocalClient's endpoint): nothing in production code knows it.
package faultproxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Kind is a fault.
type Kind string

// The faults.
const (
	// Throughput and Throttling answer DynamoDB's two throttling errors
	// (ProvisionedThroughputExceededException, ThrottlingException).
	Throughput Kind = "throughput"
	Throttling Kind = "throttling"
	// ServerError answers a 500 InternalServerError.
	ServerError Kind = "server-error"
	// Latency forwards the call after Rule.Delay.
	Latency Kind = "latency"
	// Hang holds the call without answering until the client gives up
	// (or the proxy is released or closed).
	Hang Kind = "hang"
	// Reset closes the connection without an answer (TCP RST).
	Reset Kind = "reset"
	// Unprocessed answers a BatchGetItem or BatchWriteItem with every key
	// or item unprocessed, as DynamoDB does when short of capacity.
	Unprocessed Kind = "unprocessed"
	// Conflict cancels a TransactWriteItems: the first item's reason is
	// TransactionConflict, the others None.
	Conflict Kind = "conflict"
	// LostAnswer forwards the call, so that DynamoDB does it, then resets
	// the connection instead of answering: the client cannot know it landed.
	LostAnswer Kind = "lost-answer"
	// LateAnswer forwards the call, so that DynamoDB does it, then holds
	// the answer until the client gives up (its attempt timeout, then a
	// retry): an attempt abandoned after it landed.
	LateAnswer Kind = "late-answer"
)

// Rule injects a fault into matching calls.
type Rule struct {
	Kind Kind
	// Op is the operation name (GetItem, TransactWriteItems, …); "" is any.
	Op string
	// Skip lets the first Skip matching calls through untouched; Times then
	// limits the faults injected (0: every later matching call).
	Skip, Times int
	// Delay is Latency's added delay.
	Delay time.Duration
}

// Proxy is a running fault proxy.
type Proxy struct {
	URL string

	srv     *httptest.Server
	forward *httputil.ReverseProxy
	release chan struct{}

	mu       sync.Mutex
	rules    []*state
	injected map[Kind]int
	calls    map[string]int
}

type state struct {
	Rule
	seen, done int
}

// New starts a proxy to the DynamoDB endpoint upstream, closed at the end
// of the test.
func New(t testing.TB, upstream string) *Proxy {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatalf("faultproxy: upstream %q: %v", upstream, err)
	}
	p := &Proxy{forward: httputil.NewSingleHostReverseProxy(u), release: make(chan struct{}), injected: map[Kind]int{}, calls: map[string]int{}}
	p.srv = httptest.NewServer(p)
	p.URL = p.srv.URL
	t.Cleanup(func() {
		p.Release()
		p.srv.CloseClientConnections()
		p.srv.Close()
	})
	return p
}

// Set replaces the rules (and forgets what the old ones counted).
func (p *Proxy) Set(rules ...Rule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = nil
	for _, r := range rules {
		p.rules = append(p.rules, &state{Rule: r})
	}
	p.injected = map[Kind]int{}
	p.calls = map[string]int{}
}

// Clear removes every rule and lets hung calls go: the fault clears.
func (p *Proxy) Clear() {
	p.Set()
	p.Release()
}

// Release ends the hangs in progress (they forward their calls then).
func (p *Proxy) Release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	close(p.release)
	p.release = make(chan struct{})
}

// Injected is how many faults of kind k were injected since the last Set.
func (p *Proxy) Injected(k Kind) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.injected[k]
}

// Calls is how many calls of op reached the proxy since the last Set.
func (p *Proxy) Calls(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[op]
}

// pick returns the rule that applies to a call of op, if any.
func (p *Proxy) pick(op string) (Rule, <-chan struct{}, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[op]++
	for _, s := range p.rules {
		if s.Op != "" && s.Op != op {
			continue
		}
		s.seen++
		if s.seen <= s.Skip || s.Times > 0 && s.done >= s.Times {
			continue
		}
		s.done++
		p.injected[s.Kind]++
		return s.Rule, p.release, true
	}
	return Rule{}, nil, false
}

// ServeHTTP forwards a DynamoDB call, or injects the fault a rule says.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := r.Header.Get("X-Amz-Target")
	op = op[strings.LastIndex(op, ".")+1:]
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rule, release, ok := p.pick(op)
	if !ok {
		p.forward.ServeHTTP(w, r)
		return
	}
	switch rule.Kind {
	case Throughput:
		fail(w, 400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
			"The level of configured provisioned throughput for the table was exceeded.", nil)
	case Throttling:
		fail(w, 400, "com.amazon.coral.availability#ThrottlingException", "Rate of requests exceeds the allowed throughput.", nil)
	case ServerError:
		fail(w, 500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error", nil)
	case Latency:
		select {
		case <-time.After(rule.Delay):
		case <-r.Context().Done():
			return
		}
		p.forward.ServeHTTP(w, r)
	case Hang:
		select {
		case <-r.Context().Done():
		case <-release:
			p.forward.ServeHTTP(w, r)
		}
	case Reset:
		reset(w)
	case LostAnswer:
		p.forward.ServeHTTP(httptest.NewRecorder(), r)
		reset(w)
	case LateAnswer:
		rec := httptest.NewRecorder()
		p.forward.ServeHTTP(rec, r)
		select {
		case <-r.Context().Done():
		case <-release:
			copyAnswer(w, rec)
		}
	case Unprocessed:
		unprocessed(w, op, body)
	case Conflict:
		conflict(w, body)
	default:
		panic(fmt.Sprintf("faultproxy: unknown fault %q", rule.Kind))
	}
}

// copyAnswer writes a recorded answer.
func copyAnswer(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func fail(w http.ResponseWriter, status int, errType, msg string, extra map[string]any) {
	out := map[string]any{"__type": errType, "message": msg}
	for k, v := range extra {
		out[k] = v
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-Requestid", "faultproxy")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}

// reset closes the client's connection with a TCP RST.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(fmt.Sprintf("faultproxy: hijack: %v", err))
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// unprocessed answers a batch call with all of its request unprocessed.
func unprocessed(w http.ResponseWriter, op string, body []byte) {
	var in struct {
		RequestItems json.RawMessage
	}
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out := map[string]any{}
	switch op {
	case "BatchGetItem":
		out["Responses"] = map[string]any{}
		out["UnprocessedKeys"] = in.RequestItems
	case "BatchWriteItem":
		out["UnprocessedItems"] = in.RequestItems
	default:
		fail(w, 400, "com.amazon.coral.validate#ValidationException", "faultproxy: Unprocessed applies to batch calls only, not "+op, nil)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_ = json.NewEncoder(w).Encode(out)
}

// conflict cancels a transaction as a conflicting one would.
func conflict(w http.ResponseWriter, body []byte) {
	var in struct {
		TransactItems []json.RawMessage
	}
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	reasons := make([]map[string]string, len(in.TransactItems))
	codes := make([]string, len(in.TransactItems))
	for i := range reasons {
		reasons[i], codes[i] = map[string]string{"Code": "None"}, "None"
	}
	if len(reasons) > 0 {
		reasons[0] = map[string]string{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
		codes[0] = "TransactionConflict"
	}
	fail(w, 400, "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
		"Transaction cancelled, please refer cancellation reasons for specific reasons ["+strings.Join(codes, ", ")+"]",
		map[string]any{"CancellationReasons": reasons})
}
