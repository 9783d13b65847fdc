// Package awsjson calls AWS services that speak the JSON protocols
// (awsJson1_0, awsJson1_1: DynamoDB, Secrets Manager) the way the
// functions need: a request signed with SigV4 (sign.go: what the AWS
// SDK's signer writes, for less), sent over a pooled HTTP client, its answer's CRC32 checked, under the
// project's policy for a dependency (internal/budget: attempts timed per
// budget.Timed, budget.MaxAttempts attempts with full-jitter backoff for
// what the SDK's standard retryer retries, a failure returned as its 503).
//
// It replaces, in the functions, the SDK's service clients and their
// per-call middleware stacks: those cost each function about a megabyte
// of binary and most of a warm check's allocations (README, "Function
// binaries" and "Performance"). The services' own packages give the
// inputs, outputs and refusals (dynamo/ddb mirrors the SDK's DynamoDB
// types, whose packages would cost each function about 0.9 MB more).
package awsjson

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"sentinel/internal/budget"
	"sentinel/internal/metrics"
)

// Service is what a client needs to know of an AWS service.
type Service struct {
	// ID names it in metrics ("DynamoDB", "SecretsManager").
	ID string
	// SigningName is its SigV4 name and endpoint prefix ("dynamodb").
	SigningName string
	// Target prefixes an operation in X-Amz-Target ("DynamoDB_20120810.").
	Target string
	// Version is the protocol's: "1.0" or "1.1".
	Version string
	// Refusal, when set, gives the service's own type of a refusal its
	// callers look for by type, or nil (the *Error is enough).
	Refusal func(*Error) error
}

// Doer sends a request (an *http.Client, or a test's recorder).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Options configure a Client.
type Options struct {
	Region      string
	Credentials aws.CredentialsProvider
	// Endpoint is the service's URL; empty means the region's public one.
	Endpoint string
	// HTTP sends the requests; nil means a pooled client of its own.
	HTTP Doer
	// AttemptTimeout bounds each attempt of the timed operations
	// (budget.Timed); zero means budget.AttemptTimeout.
	AttemptTimeout time.Duration
	// Observe, when set, is told each call's operation (tests count them).
	Observe func(op string)
}

// Client calls one service.
type Client struct {
	svc      Service
	endpoint string
	o        Options
	url      *url.URL
	signer   *signer // nil when the endpoint is not a URL (err says why)
	err      error
	// The headers of every request, made once: read-only, shared by the
	// requests (X-Amz-Target's by operation, added to as they come).
	contentType []string
	targets     atomic.Pointer[map[string][]string]
}

var acceptIdentity = []string{"identity"}

// New returns a client of svc with the options o.
func New(svc Service, o Options) *Client {
	endpoint := o.Endpoint
	if endpoint == "" {
		suffix := "amazonaws.com"
		if strings.HasPrefix(o.Region, "cn-") {
			suffix = "amazonaws.com.cn"
		}
		endpoint = "https://" + svc.SigningName + "." + o.Region + "." + suffix
	}
	if o.HTTP == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		t.DisableCompression = true // the CRC32 is of the answer as sent
		o.HTTP = &http.Client{Transport: t}
	}
	if o.AttemptTimeout == 0 {
		o.AttemptTimeout = budget.AttemptTimeout
	}
	c := &Client{svc: svc, endpoint: strings.TrimSuffix(endpoint, "/") + "/", o: o}
	c.url, c.err = url.Parse(c.endpoint)
	if c.err == nil && c.url.Host == "" {
		c.err = fmt.Errorf("awsjson: endpoint %q has no host", c.endpoint)
	}
	if c.err == nil {
		c.contentType = []string{"application/x-amz-json-" + svc.Version}
		c.signer = newSigner(c.url, o.Region, svc.SigningName, c.contentType[0])
	}
	return c
}

var (
	throttles  = retry.IsErrorThrottles(retry.DefaultThrottles)
	retryables = retry.IsErrorRetryables(retry.DefaultRetryables)
)

// Backoff is the pause before retry n (1, 2, …): full jitter over
// 50 ms · 2^(n-1), at most budget.MaxBackoff.
func Backoff(n int) time.Duration {
	return rand.N(min(50*time.Millisecond<<(n-1), budget.MaxBackoff) + 1)
}

// Call runs op with body (the request's JSON) and reads its answer into
// out, under the policy.
func (c *Client) Call(ctx context.Context, op string, body []byte, out any) error {
	if c.o.Observe != nil {
		c.o.Observe(op)
	}
	retries, throttled := 0, 0
	var err error
	for attempt := 1; ; attempt++ {
		err = c.attempt(ctx, op, body, out)
		if err == nil || attempt == budget.MaxAttempts || ctx.Err() != nil ||
			(retryables.IsErrorRetryable(err) != aws.TrueTernary && throttles.IsErrorThrottle(err) != aws.TrueTernary) {
			break
		}
		retries++
		if throttles.IsErrorThrottle(err) == aws.TrueTernary {
			throttled++
		}
		select {
		case <-ctx.Done():
		case <-time.After(Backoff(attempt)):
		}
	}
	if retries > 0 {
		metrics.Retry(ctx, c.svc.ID, retries, throttled)
	}
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return budget.Wrap(err)
}

// attempt is one attempt of op: timed when budget.Timed says so.
func (c *Client) attempt(ctx context.Context, op string, body []byte, out any) error {
	actx := ctx
	if budget.Timed(op) {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.o.AttemptTimeout)
		defer cancel()
	}
	err := c.send(actx, op, body, out)
	if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		// The attempt's own deadline, not the request's: retryable.
		return budget.AttemptTimedOut(c.o.AttemptTimeout)
	}
	return err
}

func (c *Client) send(ctx context.Context, op string, body []byte, into any) error {
	if c.err != nil {
		return c.err
	}
	creds, err := c.o.Credentials.Retrieve(ctx)
	if err != nil {
		return err
	}
	target := c.target(op)
	sum := sha256.Sum256(body)
	// The values of the request's own headers (X-Amz-Date, Authorization,
	// X-Amz-Security-Token): one allocation.
	values := new([3]string)
	values[0], values[1] = c.signer.sign(creds, target[0], len(body), &sum, time.Now())
	h := http.Header{
		"Content-Type":    c.contentType,
		"X-Amz-Target":    target,
		"Accept-Encoding": acceptIdentity,
		"X-Amz-Date":      values[0:1:1],
		"Authorization":   values[1:2:2],
	}
	if creds.SessionToken != "" {
		values[2] = creds.SessionToken
		h["X-Amz-Security-Token"] = values[2:3:3]
	}
	// A body net/http knows is in memory (a bytes.Reader behind NopCloser)
	// goes out with the headers in one write; any other reader makes it
	// flush the headers first, a second system call per request.
	newBody := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	out, _ := newBody()
	req := (&http.Request{Method: http.MethodPost, URL: c.url, Host: c.signer.host, Header: h,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Body: out, ContentLength: int64(len(body)),
		GetBody: newBody, // the transport's, to send it again on another connection
	}).WithContext(ctx)
	res, err := c.o.HTTP.Do(req)
	if err != nil {
		return connectionError{err}
	}
	defer res.Body.Close()
	answer, err := readAnswer(res.Body, res.ContentLength)
	if err != nil {
		return connectionError{err}
	}
	if want := res.Header.Get("X-Amz-Crc32"); want != "" && want != strconv.FormatUint(uint64(crc32.ChecksumIEEE(answer)), 10) {
		return connectionError{errors.New("the answer's CRC32 does not match its X-Amz-Crc32 header")}
	}
	if res.StatusCode != http.StatusOK {
		return c.refusal(res.StatusCode, answer)
	}
	if d, ok := into.(Decoder); ok {
		err = d.DecodeAnswer(answer)
	} else {
		err = json.Unmarshal(answer, into)
	}
	if err != nil {
		return fmt.Errorf("%s %s answer: %w", c.svc.ID, op, err)
	}
	return nil
}

// target is the X-Amz-Target header of op.
func (c *Client) target(op string) []string {
	for {
		old := c.targets.Load()
		if old != nil {
			if t, ok := (*old)[op]; ok {
				return t
			}
		}
		next := map[string][]string{op: {c.svc.Target + op}}
		if old != nil {
			for k, v := range *old {
				next[k] = v
			}
		}
		if c.targets.CompareAndSwap(old, &next) {
			return next[op]
		}
	}
}

// maxSized is the largest answer read at once into the size it says it
// has (DynamoDB's largest, BatchGetItem's, is 16 MB); a larger one is
// read as it comes.
const maxSized = 32 << 20

// readAnswer reads an answer whole: when its size is known, into one
// allocation of that size, and to its end (the transport reuses the
// connection of an answer read to its end).
func readAnswer(body io.Reader, size int64) ([]byte, error) {
	if size < 0 || size > maxSized {
		return io.ReadAll(body)
	}
	b := make([]byte, size, size+1)
	if _, err := io.ReadFull(body, b); err != nil {
		return nil, err
	}
	n, err := body.Read(b[size : size+1])
	switch {
	case err == io.EOF && n == 0:
		return b, nil
	case err != nil && err != io.EOF:
		return nil, err
	}
	rest, err := io.ReadAll(body) // more than it said: all of it
	if err != nil {
		return nil, err
	}
	return append(b[:size+int64(n)], rest...), nil
}

// Decoder is an answer that reads itself (faster than encoding/json);
// Call reads the others with json.Unmarshal.
type Decoder interface {
	DecodeAnswer([]byte) error
}

// Error is an answer other than 200: its status, the code and message
// from its body (the status's text when the body is not the service's),
// and the body, which some refusals carry more in.
type Error struct {
	Status        int
	Code, Message string
	Body          []byte
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}
func (e *Error) ErrorCode() string    { return e.Code }
func (e *Error) ErrorMessage() string { return e.Message }
func (e *Error) ErrorFault() smithy.ErrorFault {
	if e.Status >= 500 {
		return smithy.FaultServer
	}
	return smithy.FaultClient
}

// HTTPStatusCode is what makes a 5xx retryable.
func (e *Error) HTTPStatusCode() int { return e.Status }

func (c *Client) refusal(status int, answer []byte) error {
	var body struct {
		Type    string `json:"__type"`
		Message string // matches "message" too
	}
	_ = json.Unmarshal(answer, &body) // a body that is not the service's leaves the status
	e := &Error{Status: status, Code: body.Type[strings.LastIndexByte(body.Type, '#')+1:], Message: body.Message, Body: answer}
	if e.Code == "" {
		e.Code = http.StatusText(status)
	}
	if c.svc.Refusal != nil {
		if t := c.svc.Refusal(e); t != nil {
			return &typed{base: e, typed: t}
		}
	}
	return e
}

// typed is a refusal both as its service's type (errors.As finds it) and
// as the *Error (whose status and code the retry policy reads).
type typed struct {
	base  *Error
	typed error
}

func (t *typed) Error() string   { return t.base.Error() }
func (t *typed) Unwrap() []error { return []error{t.typed, t.base} }

// connectionError is a request that got no whole answer: as in the SDK,
// retryable.
type connectionError struct{ err error }

func (e connectionError) Error() string         { return e.err.Error() }
func (e connectionError) Unwrap() error         { return e.err }
func (e connectionError) ConnectionError() bool { return true }
