// Package sentinel is a Go client for the Sentinel authorization API: a
// backend ("service app") registers its resources and RBAC actions, asks
// whether a user may act on them, reads its workspaces' directory, resolves
// identity-provider tokens in authz mode, and verifies the user tokens its
// callers present (Verifier).
//
// Every call takes a context and returns a *Error for an answer that is not
// a success, so errors.Is(err, ErrNotFound) and errors.As(err, &*Error)
// work. Calls answered 429 or 503 are retried with backoff, honouring
// Retry-After, a bounded number of times. The package keeps no global
// state and depends only on the standard library.
package sentinel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls one Sentinel deployment as one service app. It is safe for
// concurrent use. The area clients (Permissions, Roles, Directory, Authz)
// share it.
type Client struct {
	baseURL     string
	serviceName string
	serviceKey  string
	http        *http.Client
	retries     int
	maxWait     time.Duration
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends the calls through hc (default: a client with a
// 10-second timeout).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithRetries sets how many times a call answered 429 or 503 (or, for a
// GET, failed to connect) is tried again, and the longest pause before one
// try (default 3 and 5 s). A Retry-After longer than maxWait ends the
// retries: the error carries it for the caller to decide.
func WithRetries(n int, maxWait time.Duration) Option {
	return func(c *Client) { c.retries, c.maxWait = max(n, 0), maxWait }
}

// New returns a client of the deployment at baseURL (for example
// http://localhost:9003, or the stack's ApiUrl output) for the service app
// whose service name and API key are given.
func New(baseURL, serviceName, serviceKey string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("sentinel: base URL %q is not an http(s) URL", baseURL)
	}
	if serviceName == "" || serviceKey == "" {
		return nil, errors.New("sentinel: a service name and a service key are required")
	}
	c := &Client{
		baseURL:     strings.TrimRight(baseURL, "/"),
		serviceName: serviceName,
		serviceKey:  serviceKey,
		http:        &http.Client{Timeout: 10 * time.Second},
		retries:     3,
		maxWait:     5 * time.Second,
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// ServiceName is the service app's name, which scopes every call.
func (c *Client) ServiceName() string { return c.serviceName }

// Permissions is the resource-ACL client.
func (c *Client) Permissions() *PermissionClient { return &PermissionClient{c} }

// Roles is the RBAC client.
func (c *Client) Roles() *RoleClient { return &RoleClient{c} }

// Directory reads the members and groups of a caller's workspace.
func (c *Client) Directory() *DirectoryClient { return &DirectoryClient{c} }

// Authz exchanges identity-provider tokens for Sentinel authz tokens.
func (c *Client) Authz() *AuthzClient { return &AuthzClient{c} }

// Whoami is the service app the key belongs to.
type Whoami struct {
	ServiceName  string     `json:"service_name"`
	Name         string     `json:"name"`
	KeyPrefix    string     `json:"key_prefix"`
	KeyExpiresAt *time.Time `json:"key_expires_at"`
}

// Whoami asks which service app the client's key belongs to: a backend
// checks its configuration with it at start-up.
func (c *Client) Whoami(ctx context.Context) (*Whoami, error) {
	var w Whoami
	if err := c.call(ctx, call{method: http.MethodGet, path: "/service/whoami"}, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// call is one request: the path (already escaped), an optional query, an
// optional user token (the dual tier's bearer) and an optional JSON body.
type call struct {
	method, path string
	query        url.Values
	userToken    string
	body         any
}

// call sends c under the retry policy and decodes a 2xx answer's body into
// out (when out is not nil and there is a body); it answers the response's
// headers.
func (c *Client) call(ctx context.Context, req call, out any) error {
	_, err := c.do(ctx, req, out)
	return err
}

func (c *Client) do(ctx context.Context, req call, out any) (http.Header, error) {
	var body []byte
	if req.body != nil {
		var err error
		if body, err = json.Marshal(req.body); err != nil {
			return nil, fmt.Errorf("sentinel: encode %s %s: %w", req.method, req.path, err)
		}
	}
	target := c.baseURL + req.path
	if len(req.query) > 0 {
		target += "?" + req.query.Encode()
	}
	for attempt := 0; ; attempt++ {
		res, err := c.send(ctx, req, target, body)
		if err == nil && res.StatusCode < 300 {
			defer res.Body.Close()
			if out != nil && res.StatusCode != http.StatusNoContent {
				if err := json.NewDecoder(res.Body).Decode(out); err != nil {
					return nil, fmt.Errorf("sentinel: decode the answer to %s %s: %w", req.method, req.path, err)
				}
			}
			return res.Header, nil
		}
		var wait time.Duration
		retry := attempt < c.retries
		if err != nil {
			// Only a request that cannot have changed anything is sent
			// again after a transport failure.
			retry = retry && req.method == http.MethodGet && ctx.Err() == nil
			err = fmt.Errorf("sentinel: %s %s: %w", req.method, req.path, err)
		} else {
			apiErr := readError(res)
			err = apiErr
			retry = retry && (apiErr.Status == http.StatusTooManyRequests || apiErr.Status == http.StatusServiceUnavailable)
			wait = apiErr.RetryAfter
		}
		if !retry {
			return nil, err
		}
		if wait == 0 {
			wait = backoff(attempt)
		}
		if wait > c.maxWait {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
	}
}

func (c *Client) send(ctx context.Context, req call, target string, body []byte) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, target, r)
	if err != nil {
		return nil, err
	}
	hr.Header.Set("X-Service-Key", c.serviceKey)
	hr.Header.Set("Accept", "application/json")
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.userToken != "" {
		hr.Header.Set("Authorization", "Bearer "+req.userToken)
	}
	return c.http.Do(hr)
}

// backoff is the pause before retry n+1 without a Retry-After: full jitter
// over 100 ms · 2ⁿ.
func backoff(n int) time.Duration {
	return time.Duration(rand.Int64N(int64(100*time.Millisecond) << min(n, 6)))
}

// readError turns a non-success answer into an *Error, and closes its body.
func readError(res *http.Response) *Error {
	defer res.Body.Close()
	e := &Error{Status: res.StatusCode, RequestID: res.Header.Get("X-Request-Id")}
	var body struct {
		Detail any `json:"detail"`
	}
	data, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if json.Unmarshal(data, &body) == nil && body.Detail != nil {
		if s, ok := body.Detail.(string); ok {
			e.Detail = s
		} else {
			d, _ := json.Marshal(body.Detail)
			e.Detail = string(d)
		}
	} else {
		e.Detail = http.StatusText(res.StatusCode)
	}
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s >= 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return e
}

// pathOf escapes each argument as one path segment and joins them.
func pathOf(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteString("/")
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}
