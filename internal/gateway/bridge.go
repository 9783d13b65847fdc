package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"sentinel/internal/jsontext"
	"sentinel/internal/web"
)

// Bridge serves an http.Handler to API Gateway HTTP API events (payload
// format 2.0). It is a lambda.Handler: lambda.Start calls Invoke with the
// event's JSON and sends back the bytes it returns, so neither aws-lambda-go's
// reflection nor a generic proxy sits on the request path. The local gateway
// calls Event, the same translation without the JSON.
//
// A request is built as the function would see it behind API Gateway:
//   - the method is requestContext.http.method; the path is rawPath (HTTP
//     APIs deliver it URL-decoded) taken as the decoded path itself, so a
//     '%', '?', '#' or control character in it stays in r.URL.Path; the
//     query is rawQueryString as sent;
//   - each header keeps the value API Gateway gives it (repeated headers
//     arrive joined with commas); the cookies array becomes one Cookie header;
//   - r.Host is requestContext.domainName, r.RemoteAddr the sourceIp, and the
//     request id (web.RequestID) API Gateway's requestId;
//   - the body is decoded from base64 when isBase64Encoded.
//
// The response carries the status (200 when the handler writes none), each
// header once with repeated values joined by commas, Set-Cookie headers in
// the cookies array, and the body as text when it is valid UTF-8, else
// base64 with isBase64Encoded. A response to HEAD has no body.
type Bridge struct{ h http.Handler }

// NewBridge returns the bridge serving h.
func NewBridge(h http.Handler) *Bridge { return &Bridge{h: h} }

// Invoke serves one event given as JSON and returns the response's JSON.
// An event that is not JSON, or whose body is not the base64 it claims to
// be, fails the invocation (API Gateway never sends one).
func (b *Bridge) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	d, err := decodeEvent(payload)
	if err == errBadBase64 {
		return nil, err
	}
	if err != nil {
		return nil, errors.New("gateway: the event is not an HTTP API payload 2.0 event: " + err.Error())
	}
	w := b.serve(ctx, &d.ev)
	d.release()
	defer w.release()
	return w.appendJSON(make([]byte, 0, w.jsonSize())), nil
}

// Event is Invoke for an event already decoded (the local gateway's path).
func (b *Bridge) Event(ctx context.Context, in events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	ev := event{RawPath: in.RawPath, RawQueryString: in.RawQueryString, Cookies: in.Cookies, Body: in.Body,
		Headers: make([]headerField, 0, len(in.Headers))}
	for k, v := range in.Headers {
		ev.Headers = append(ev.Headers, headerField{k, v})
	}
	if in.IsBase64Encoded {
		raw, err := base64.StdEncoding.DecodeString(in.Body)
		if err != nil {
			return events.APIGatewayV2HTTPResponse{}, errBadBase64
		}
		ev.Body = string(raw)
	}
	ev.RequestContext.DomainName = in.RequestContext.DomainName
	ev.RequestContext.RequestID = in.RequestContext.RequestID
	ev.RequestContext.HTTP.Method = in.RequestContext.HTTP.Method
	ev.RequestContext.HTTP.Path = in.RequestContext.HTTP.Path
	ev.RequestContext.HTTP.SourceIP = in.RequestContext.HTTP.SourceIP
	w := b.serve(ctx, &ev)
	defer w.release()
	resp := events.APIGatewayV2HTTPResponse{StatusCode: w.status, Headers: make(map[string]string, len(w.header))}
	for k, vs := range w.header {
		if k == "Set-Cookie" {
			resp.Cookies = append(resp.Cookies, vs...)
		} else if len(vs) > 0 {
			resp.Headers[k] = strings.Join(vs, ",")
		}
	}
	if body := w.body.Bytes(); utf8.Valid(body) {
		resp.Body = string(body)
	} else {
		resp.Body, resp.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	}
	return resp, nil
}

// errBadBase64 fails an event whose body is not the base64 it claims to be.
var errBadBase64 = errors.New("gateway: the event's body is not valid base64")

// serve builds the request of ev, runs the handler and returns its
// response (to release once read).
func (b *Bridge) serve(ctx context.Context, ev *event) *responseWriter {
	r := newRequest(ctx, ev)
	w := writers.Get().(*responseWriter)
	b.h.ServeHTTP(w, r)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if r.Method == http.MethodHead {
		w.body.Reset()
	}
	return w
}

// newRequest builds the *http.Request of an event.
func newRequest(ctx context.Context, ev *event) *http.Request {
	path := ev.RawPath
	if path == "" {
		path = ev.RequestContext.HTTP.Path
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	// The request, its URL and its body in one allocation.
	x := &struct {
		r    http.Request
		u    url.URL
		body bodyReader
	}{}
	x.body.Reset(ev.Body)

	// One allocation for every header's value slice.
	values := make([]string, len(ev.Headers)+1)
	header := make(http.Header, len(ev.Headers)+1)
	i := 0
	for _, h := range ev.Headers {
		if strings.EqualFold(h.name, "cookie") {
			continue // the cookies array holds them
		}
		values[i] = h.value
		header[canonicalKey(h.name)] = values[i : i+1 : i+1]
		i++
	}
	if len(ev.Cookies) > 0 {
		values[i] = strings.Join(ev.Cookies, "; ")
		header["Cookie"] = values[i : i+1 : i+1]
	}
	host := ev.RequestContext.DomainName
	if host == "" {
		host = ev.header("host")
	}
	method := ev.RequestContext.HTTP.Method
	if method == "" {
		method = http.MethodGet
	}

	x.u = url.URL{Scheme: "https", Host: host, Path: path, RawQuery: ev.RawQueryString}
	x.r = http.Request{
		Method: strings.ToUpper(method), URL: &x.u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: header, Body: &x.body, ContentLength: int64(x.body.Len()), Host: host,
		RemoteAddr: ev.RequestContext.HTTP.SourceIP,
	}
	x.r.RequestURI = x.u.RequestURI()
	if id := ev.RequestContext.RequestID; id != "" {
		ctx = web.WithRequestID(ctx, id)
	}
	return x.r.WithContext(ctx)
}

// bodyReader is a request body read from a string.
type bodyReader struct{ strings.Reader }

func (*bodyReader) Close() error { return nil }

// commonHeaders are the canonical forms of the header names requests
// usually carry, so that the lower-case names API Gateway sends need no
// new string.
var commonHeaders = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"Accept", "Accept-Encoding", "Accept-Language", "Authorization", "Cache-Control",
		"Content-Length", "Content-Type", "Content-Encoding", "Host", "Origin", "Referer", "User-Agent",
		"X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Requested-With",
		"X-Service-Key", web.OriginVerifyHeader, web.ViewerAddressHeader, "If-None-Match", "Sec-Fetch-Site",
		"Sec-Fetch-Mode", "Sec-Fetch-Dest", "Access-Control-Request-Method", "Access-Control-Request-Headers"} {
		k = textproto.CanonicalMIMEHeaderKey(k)
		m[strings.ToLower(k)] = k
	}
	return m
}()

func canonicalKey(k string) string {
	if c, ok := commonHeaders[k]; ok {
		return c
	}
	return textproto.CanonicalMIMEHeaderKey(k)
}

// responseWriter collects a handler's response; they are pooled.
type responseWriter struct {
	header http.Header
	body   bytes.Buffer
	status int
}

var writers = sync.Pool{New: func() any { return &responseWriter{header: http.Header{}} }}

// maxPooledBody is the largest body buffer a released writer keeps.
const maxPooledBody = 64 << 10

func (w *responseWriter) release() {
	if w.body.Cap() > maxPooledBody {
		return
	}
	clear(w.header)
	w.body.Reset()
	w.status = 0
	writers.Put(w)
}

func (w *responseWriter) Header() http.Header { return w.header }

// WriteHeader keeps the first status, as net/http does.
func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if _, ok := w.header["Content-Type"]; !ok {
		w.header.Set("Content-Type", http.DetectContentType(p))
	}
	return w.body.Write(p)
}

// jsonSize is about the length of the response's JSON: its members, its
// headers and its body as they are unless they need escapes, base64's
// length if the body is binary.
func (w *responseWriter) jsonSize() int {
	n := 96 + w.body.Len()*4/3
	for k, vs := range w.header {
		n += len(k) + 8
		for _, v := range vs {
			n += len(v) + 1
		}
	}
	return n
}

// appendJSON appends the payload 2.0 response to dst.
func (w *responseWriter) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"statusCode":`...)
	dst = strconv.AppendInt(dst, int64(w.status), 10)
	dst = append(dst, `,"headers":{`...)
	first := true
	for k, vs := range w.header {
		if k == "Set-Cookie" || len(vs) == 0 {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = jsontext.AppendString(dst, k)
		dst = append(dst, `:"`...)
		for i, v := range vs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsontext.AppendEscaped(dst, v)
		}
		dst = append(dst, '"')
	}
	dst = append(dst, '}')
	if cookies := w.header["Set-Cookie"]; len(cookies) > 0 {
		dst = append(dst, `,"cookies":[`...)
		for i, c := range cookies {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsontext.AppendString(dst, c)
		}
		dst = append(dst, ']')
	}
	body := w.body.Bytes()
	dst = append(dst, `,"body":"`...)
	if utf8.Valid(body) {
		dst = jsontext.AppendEscaped(dst, body)
		dst = append(dst, `","isBase64Encoded":false}`...)
	} else {
		dst = base64.StdEncoding.AppendEncode(dst, body)
		dst = append(dst, `","isBase64Encoded":true}`...)
	}
	return dst
}
