package dynamotest

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Replay is a DynamoDB client's HTTP client that records the last answer
// DynamoDB Local gave to each operation and, once switched to replaying,
// answers that operation with it again without any network round trip:
// a benchmark then measures the client's own work (signing, serializing,
// checksums, parsing) and the caller's, excluding the round trip and the
// emulator. Operations never recorded still go to DynamoDB Local.
type Replay struct {
	next interface {
		Do(*http.Request) (*http.Response, error)
	}
	replaying atomic.Bool
	mu        sync.Mutex
	answers   map[string]recorded // by X-Amz-Target (DynamoDB_20120810.BatchGetItem)
	replayed  atomic.Int64
}

type recorded struct {
	status int
	header http.Header
	body   []byte
}

// NewReplay returns a recording client over the SDK's default HTTP client.
func NewReplay() *Replay {
	return &Replay{next: awshttp.NewBuildableClient(), answers: map[string]recorded{}}
}

// Option installs the client on a DynamoDB client.
func (r *Replay) Option() func(*dynamodb.Options) {
	return func(o *dynamodb.Options) { o.HTTPClient = r }
}

// SetReplaying switches between recording (false) and replaying (true).
func (r *Replay) SetReplaying(on bool) { r.replaying.Store(on) }

// Replayed is how many answers were replayed.
func (r *Replay) Replayed() int64 { return r.replayed.Load() }

// Do answers a request: replayed, or DynamoDB Local's (recorded).
func (r *Replay) Do(req *http.Request) (*http.Response, error) {
	target := req.Header.Get("X-Amz-Target")
	if r.replaying.Load() {
		r.mu.Lock()
		a, ok := r.answers[target]
		r.mu.Unlock()
		if ok {
			if req.Body != nil {
				_, _ = io.Copy(io.Discard, req.Body)
				_ = req.Body.Close()
			}
			r.replayed.Add(1)
			return &http.Response{StatusCode: a.status, Status: http.StatusText(a.status), Header: a.header.Clone(),
				Body: io.NopCloser(bytes.NewReader(a.body)), ContentLength: int64(len(a.body)),
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: req}, nil
		}
	}
	res, err := r.next.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil {
		return nil, err
	}
	if res.StatusCode == http.StatusOK {
		r.mu.Lock()
		r.answers[target] = recorded{status: res.StatusCode, header: res.Header.Clone(), body: body}
		r.mu.Unlock()
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res, nil
}
