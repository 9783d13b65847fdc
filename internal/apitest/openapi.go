package apitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"sentinel/docs"
	"sentinel/internal/routes"
	"sentinel/internal/routes/all"
)

// document is the checked-in OpenAPI document (docs/openapi.json), the one
// GET /openapi.json serves; a test of internal/openapi keeps it current.
var document = sync.OnceValues(func() (*openapi3.T, error) {
	return openapi3.NewLoader().LoadFromData(docs.OpenAPI)
})

// validate checks one exchange against the OpenAPI document: the request,
// unless the test marks it Invalid, and always the response, whose status
// the route must list and whose body must match the documented schema, with
// no undocumented field. Requests no route serves (the router's 404 and
// 405) are not the document's.
func validate(t testing.TB, req Request, body []byte, res *Response) {
	t.Helper()
	doc, err := document()
	if err != nil {
		t.Errorf("openapi document: %v", err)
		return
	}
	path, _, _ := strings.Cut(req.Path, "?")
	route, params, _, ok := routes.Match(all.Routes, req.Method, path)
	if !ok {
		return
	}
	item := doc.Paths.Find(route.Path)
	if item == nil || item.GetOperation(route.Method) == nil {
		t.Errorf("openapi: %s is not in docs/openapi.json (make openapi)", route.Key())
		return
	}
	hr := httptest.NewRequest(req.Method, req.Path, bytes.NewReader(body))
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    hr,
		PathParams: params,
		Route: &routers.Route{Spec: doc, Path: route.Path, PathItem: item,
			Method: route.Method, Operation: item.GetOperation(route.Method)},
		Options: opts,
	}
	ctx := context.Background()
	if !req.Invalid {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Errorf("openapi: request %s %s does not match the document (mark a deliberately bad request Invalid): %s", req.Method, short(req.Path), short(err.Error()))
		}
	}
	header := res.Header
	if header == nil {
		header = http.Header{}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.Status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(res.Body)),
		Options:                opts,
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("openapi: response %d to %s %s does not match the document: %s\nbody: %s", res.Status, req.Method, short(req.Path), short(err.Error()), short(string(res.Body)))
	}
}

// validating checks every exchange h serves against the OpenAPI document,
// for the clients that call the API over HTTP (URL).
func (a *API) validating(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if len(b) > 0 {
				body = b
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		req := Request{Method: r.Method, Path: r.URL.RequestURI(), Header: map[string]string{}}
		for k := range r.Header {
			req.Header[k] = r.Header.Get(k)
		}
		validate(a.t, req, body, &Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()})
	})
}

// short cuts what a failure prints: the validator's errors quote the whole
// schema and value, and some tests send megabytes on purpose.
func short(s string) string {
	const max = 600
	if len(s) <= max {
		return s
	}
	return s[:max] + fmt.Sprintf("… (%d bytes)", len(s))
}
