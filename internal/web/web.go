// Package web holds the HTTP plumbing every handler shares: the JSON writer,
// the one error writer, body decoding with its limits, the router with JSON
// 404/405 answers, request ids, security headers and the client IP.
package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/budget"
)

// MaxBody is the largest request body accepted (api.md section 1).
const MaxBody = 256 << 10

type ctxKey int

const (
	requestIDKey ctxKey = iota
	headerKey
)

// WithRequestID returns ctx carrying the request's id: API Gateway's, which
// the gateway's bridge puts there for Middleware to use.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the id of the request being served ("" outside one).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// ClientIP is the caller's address as API Gateway saw it (the adapter puts
// the event's sourceIp in RemoteAddr; the local gateway does the same).
// Forwarding headers such as X-Forwarded-For are deliberately ignored: a
// client can set them to anything.
func ClientIP(r *http.Request) string {
	if _, err := netip.ParseAddr(r.RemoteAddr); err == nil {
		return r.RemoteAddr // an address without a port (API Gateway's sourceIp)
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// JSON writes v as a JSON response with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only unsupported types fail here: a programming error.
		slog.Error("encode response", "err", err)
		status, body = 500, []byte(`{"detail":"Internal server error"}`)
	}
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// jsonContentType is JSON's Content-Type header value, shared by every
// answer (net/http's Header methods replace or append, never write into
// a value slice).
var jsonContentType = []string{"application/json"}

// NoContent writes a 204.
func NoContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// Error writes err as {"detail": ...} with the status of its code. Errors
// without an application code are internal: their cause is logged with the
// request id and the client sees only a generic message and that id.
//
// A dependency's failure (apperr.Unavailable, or a deadline that ran out)
// is a 503 with its public message, the request id and Retry-After
// (budget.RetryAfter unless the error says).
func Error(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := apperr.As(err)
	if !ok && errors.Is(err, context.DeadlineExceeded) {
		e, ok = budget.ErrTimeout, true
	}
	if !ok || e.Code == apperr.Internal || e.Code == apperr.Unavailable {
		rid := RequestID(r.Context())
		slog.Error("request failed", "request_id", rid, "method", r.Method, "path", r.URL.Path, "err", err)
		if ok && e.Code == apperr.Unavailable {
			retryAfter := e.RetryAfter
			if retryAfter <= 0 {
				retryAfter = budget.RetryAfter
			}
			w.Header().Set("Retry-After", fmt.Sprint(retryAfter))
			JSON(w, http.StatusServiceUnavailable, map[string]string{"detail": e.Message + " (request id " + rid + ")"})
			return
		}
		JSON(w, 500, map[string]string{"detail": "Internal server error (request id " + rid + ")"})
		return
	}
	if e.Code == apperr.RateLimited && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(e.RetryAfter))
	}
	JSON(w, apperr.Status(e.Code), map[string]string{"detail": e.Message})
}

// Decode reads a JSON body into v: 415 unless the Content-Type is JSON,
// 413 over MaxBody, 400 for malformed JSON, 422 for a field of the wrong type.
// Unknown fields are ignored (api.md section 1).
func Decode(r *http.Request, v any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	return decodeJSON(r, body, v)
}

// DecodeFast is Decode with a fast path for a hot route's body: fast reads
// the body when it has the shape fast knows (and reads it as
// encoding/json would), else it reports false and encoding/json reads it,
// with Decode's errors.
func DecodeFast(r *http.Request, v any, fast func(body []byte) bool) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if err := jsonContent(r); err != nil {
		return err
	}
	if fast(body) {
		return nil
	}
	return DecodeBytes(body, v)
}

// DecodeOptional is Decode for bodies that may be absent: an empty body
// (whatever its Content-Type) leaves v unchanged.
func DecodeOptional(r *http.Request, v any) error {
	body, err := readBody(r)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return err
	}
	return decodeJSON(r, body, v)
}

// readBody reads up to MaxBody+1 bytes of the body (io.ReadAll of an
// io.LimitReader) into a buffer of the Content-Length's size when it has one.
func readBody(r *http.Request) ([]byte, error) {
	size := 512
	if r.ContentLength > 0 && r.ContentLength <= MaxBody {
		size = int(r.ContentLength) + 1 // room for the read that sees the end
	}
	body := make([]byte, 0, size)
	for len(body) <= MaxBody {
		if len(body) == cap(body) {
			body = append(body, 0)[:len(body)]
		}
		room := body[len(body):min(cap(body), MaxBody+1)]
		n, err := r.Body.Read(room)
		body = body[:len(body)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, apperr.New(apperr.BadRequest, "Could not read request body")
		}
	}
	if len(body) > MaxBody {
		return nil, apperr.New(apperr.TooLarge, "Request body exceeds %d bytes", MaxBody)
	}
	return body, nil
}

func decodeJSON(r *http.Request, body []byte, v any) error {
	if err := jsonContent(r); err != nil {
		return err
	}
	return DecodeBytes(body, v)
}

// jsonContent is the 415 of a request whose Content-Type is not JSON.
func jsonContent(r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" { // else what ParseMediaType would say
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return apperr.New(apperr.UnsupportedMedia, "Content-Type must be application/json")
		}
	}
	return nil
}

// DecodeBytes unmarshals a JSON document with the same error mapping as Decode.
func DecodeBytes(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.New(apperr.BadRequest, "Request body is required")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			field := typeErr.Field
			if field == "" {
				field = "body"
			}
			return apperr.Field(field, "must be "+jsonKind(typeErr.Type.Kind().String()))
		}
		return apperr.New(apperr.BadRequest, "Malformed JSON body")
	}
	return nil
}

func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "a number"
	case goKind == "bool":
		return "a boolean"
	case goKind == "slice", goKind == "array":
		return "an array"
	case goKind == "struct", goKind == "map", goKind == "ptr":
		return "an object"
	}
	return "a " + goKind
}

// securityHeaders are on every API answer, with Cache-Control: no
// sniffing, no framing (CSP frame-ancestors and X-Frame-Options for older
// browsers), HTTPS only for a year (browsers ignore HSTS over plain http,
// so the local stack is unaffected), no referrer, no caching. Their names
// are canonical and their values shared (see jsonContentType).
var securityHeaders = []struct {
	name  string
	value []string
}{
	{"Cache-Control", []string{"no-store"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Content-Security-Policy", []string{"default-src 'none'; frame-ancestors 'none'"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Strict-Transport-Security", []string{"max-age=31536000; includeSubDomains"}},
	{"Referrer-Policy", []string{"no-referrer"}},
}

// Middleware wraps every function's router: a request id (API Gateway's,
// when there is one), security headers, the body size limit, and a recover
// so that a panic is answered with a JSON 500 rather than a bare 502.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rid := RequestID(r.Context())
		if rid == "" {
			rid = uuid.NewString()
			r = r.WithContext(WithRequestID(r.Context(), rid))
		}
		h := w.Header()
		h["X-Request-Id"] = []string{rid}
		for _, sh := range securityHeaders {
			h[sh.name] = sh.value
		}
		defer func() {
			if p := recover(); p != nil {
				Error(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		if r.ContentLength > MaxBody {
			Error(w, r, apperr.New(apperr.TooLarge, "Request body exceeds %d bytes", MaxBody))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody+1)
		next.ServeHTTP(w, r)
	})
}

// Every admin list pages with ?limit= from 1 to MaxListLimit, ListLimit
// when absent: one cap for all areas, the largest page the admin site asks
// for, so each page stays one bounded read.
const (
	ListLimit    = 50
	MaxListLimit = 100
)

// ParseListLimit reads an admin list's ?limit= (see ListLimit).
func ParseListLimit(r *http.Request) (int, error) { return ParseLimit(r, ListLimit, MaxListLimit) }

// ParseLimit reads ?limit= as an integer from 1 to max (def when absent).
func ParseLimit(r *http.Request, def, max int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, apperr.Field("limit", fmt.Sprintf("must be an integer from 1 to %d", max))
	}
	return n, nil
}

// Func is the one handler shape: it returns its answer, a status and a
// value to write as JSON (nil with 204), or an error for Error to write.
// A handler that sets headers or cookies (caching, sessions, CORS) puts
// them in Header(r); they go out with the answer, errors included.
type Func func(r *http.Request) (int, any, error)

func (f Func) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithValue(r.Context(), headerKey, w.Header()))
	status, v, err := f(r)
	switch {
	case err != nil:
		Error(w, r, err)
	case status == http.StatusNoContent:
		NoContent(w)
	default:
		JSON(w, status, v)
	}
}

// Header is the header of the response a Func handler is answering r with
// (a throwaway header outside one).
func Header(r *http.Request) http.Header {
	if h, ok := r.Context().Value(headerKey).(http.Header); ok {
		return h
	}
	return http.Header{}
}

// SetCookie adds a Set-Cookie header to the answer to r.
func SetCookie(r *http.Request, c *http.Cookie) {
	if v := c.String(); v != "" {
		Header(r).Add("Set-Cookie", v)
	}
}
