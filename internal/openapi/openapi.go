// Package openapi builds the OpenAPI document of the API (docs/openapi.json)
// from the route table: paths, methods and auth tiers come from
// all.Routes, each route's summary, request and response types and own
// error statuses from ops (ops.go), and the schemas from the handlers' real
// Go types by reflection (openapi3gen), so a field added to a type shows up
// in the document. `make openapi` writes it; a test fails when the
// checked-in file is stale.
package openapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"

	"sentinel/internal/authtier"
	"sentinel/internal/idempotency"
	"sentinel/internal/routes"
)

// Version is the OpenAPI version the document declares.
const Version = "3.1.0"

// Security scheme names, one per way a caller proves who it is.
const (
	schemeKey    = "serviceKey"
	schemeBearer = "bearer"
	schemeAdmin  = "adminCookie"
	schemeOrigin = "origin"
)

// tierSecurity is what each tier accepts: alternatives, any one suffices.
func tierSecurity(t authtier.Tier) *openapi3.SecurityRequirements {
	req := func(names ...string) *openapi3.SecurityRequirements {
		s := openapi3.SecurityRequirements{}
		for _, n := range names {
			s = append(s, openapi3.SecurityRequirement{n: []string{}})
		}
		return &s
	}
	switch t {
	case authtier.Public, authtier.AdminLogin:
		return req()
	case authtier.ServiceKey:
		return req(schemeKey)
	case authtier.Dual:
		// The key alone, or the key with the user's bearer token.
		s := openapi3.SecurityRequirements{
			{schemeKey: []string{}},
			{schemeKey: []string{}, schemeBearer: []string{}},
		}
		return &s
	case authtier.KeyOrOrig:
		return req(schemeKey, schemeOrigin)
	case authtier.Admin:
		return req(schemeAdmin)
	}
	panic("openapi: unknown tier " + string(t))
}

// tierStatuses are the error statuses a tier's authentication answers.
func tierStatuses(t authtier.Tier) []int {
	switch t {
	case authtier.Public:
		return nil
	case authtier.AdminLogin:
		// Missing X-Requested-With, wrong password, too many attempts.
		return []int{403, 401, 429}
	case authtier.Admin:
		return []int{401, 403}
	}
	// The key tiers: a missing or wrong credential, too many failures.
	return []int{401, 403, 429}
}

var statusText = map[int]string{
	400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
	409: "Conflict", 413: "Body too large", 415: "Not JSON", 422: "Invalid input",
	429: "Too many requests", 500: "Internal error (the detail names the request id of the logged cause)", 503: "A dependency is unavailable; retry later",
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// Document builds the document for a route table.
func Document(table []routes.Route) (*openapi3.T, error) {
	doc := &openapi3.T{
		OpenAPI: Version,
		Info: &openapi3.Info{
			Title:       "Sentinel",
			Version:     "1",
			Description: "Authorization service: service apps, directory, resource permissions, RBAC and authz mode. The contract in prose is docs/api.md; this document is generated from the route table (make openapi).",
		},
		// The deployment's address is its stack's ApiUrl output; make dev
		// serves the API on port 9003.
		Servers: openapi3.Servers{{
			URL:         "{baseUrl}",
			Description: "A Sentinel deployment (its stack's ApiUrl output), or the local stack",
			Variables:   map[string]*openapi3.ServerVariable{"baseUrl": {Default: "http://localhost:9003"}},
		}},
		Paths: openapi3.NewPaths(),
		Components: &openapi3.Components{
			Schemas: openapi3.Schemas{
				"Error": openapi3.NewSchemaRef("", &openapi3.Schema{
					Type:                 &openapi3.Types{"object"},
					Required:             []string{"detail"},
					Properties:           openapi3.Schemas{"detail": openapi3.NewSchemaRef("", openapi3.NewStringSchema())},
					AdditionalProperties: openapi3.AdditionalProperties{Has: ptr(false)},
				}),
			},
			SecuritySchemes: openapi3.SecuritySchemes{
				schemeKey:    {Value: &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "X-Service-Key", Description: "A service app's API key."}},
				schemeBearer: {Value: &openapi3.SecurityScheme{Type: "http", Scheme: "bearer", BearerFormat: "JWT", Description: "A user's access token (RS256), sent along with the service key."}},
				schemeAdmin:  {Value: &openapi3.SecurityScheme{Type: "apiKey", In: "cookie", Name: "admin_token", Description: "The admin session set by POST /admin/auth/login; writes also need X-Requested-With."}},
				schemeOrigin: {Value: &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "Origin", Description: "A browser frontend, identified by an allowed origin of a service app."}},
			},
		},
	}
	for _, r := range table {
		o, ok := ops[r.Key()]
		if !ok {
			return nil, fmt.Errorf("openapi: route %s has no description in ops", r.Key())
		}
		op, err := operation(r, o)
		if err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", r.Key(), err)
		}
		item := doc.Paths.Value(r.Path)
		if item == nil {
			item = &openapi3.PathItem{}
			doc.Paths.Set(r.Path, item)
		}
		item.SetOperation(r.Method, op)
	}
	return doc, nil
}

// idempotencyDoc describes the Idempotency-Key header (docs/api.md).
const idempotencyDoc = "Makes the create safe to retry: the same key from the same caller within 24 hours " +
	"is the same create. A service app's create, met again, answers 409 naming the app created (its api_key is " +
	"shown once and not kept); the key sent with another request body answers 422."

func operation(r routes.Route, o op) (*openapi3.Operation, error) {
	op := &openapi3.Operation{
		OperationID: operationID(r),
		Summary:     o.summary,
		Tags:        []string{tag(r.Path)},
		Security:    tierSecurity(r.Tier()),
		Responses:   openapi3.NewResponses(),
	}
	op.Responses.Delete("default")
	for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: openapi3.NewPathParameter(m[1]).WithSchema(openapi3.NewStringSchema())})
	}
	for _, q := range o.query {
		s := openapi3.NewStringSchema()
		if q == "limit" || q == "grace_period_seconds" {
			s = openapi3.NewIntegerSchema()
		}
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: openapi3.NewQueryParameter(q).WithSchema(s)})
	}
	if o.idempotent {
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: openapi3.NewHeaderParameter(idempotency.Header).
			WithDescription(idempotencyDoc).WithSchema(openapi3.NewStringSchema().WithMinLength(1).WithMaxLength(idempotency.MaxLen))})
	}
	statuses := slices.Clone(tierStatuses(r.Tier()))
	if o.req != nil {
		s, err := schemaOf(o.req)
		if err != nil {
			return nil, err
		}
		op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().
			WithRequired(!o.optionalBody).WithJSONSchemaRef(s)}
		statuses = append(statuses, 400, 413, 415, 422)
	}
	if len(o.query) > 0 {
		statuses = append(statuses, 400, 422)
	}
	if strings.Contains(r.Path, "{") {
		statuses = append(statuses, 404)
	}
	statuses = append(statuses, o.errs...)
	if dependent(r) {
		statuses = append(statuses, 503)
	}
	// Any route can fail unexpectedly: the answer carries only the request
	// id its log line has.
	statuses = append(statuses, 500)
	ok := openapi3.NewResponse().WithDescription(http.StatusText(o.status))
	if o.status != 204 {
		s, err := o.response()
		if err != nil {
			return nil, err
		}
		ok.WithJSONSchemaRef(s)
	}
	op.Responses.Set(strconv.Itoa(o.status), &openapi3.ResponseRef{Value: ok})
	slices.Sort(statuses)
	for _, st := range slices.Compact(statuses) {
		resp := openapi3.NewResponse().WithDescription(statusText[st]).
			WithJSONSchemaRef(openapi3.NewSchemaRef("#/components/schemas/Error", nil))
		if st == 429 || st == 503 {
			resp.Headers = openapi3.Headers{"Retry-After": &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
				Description: "Seconds to wait before retrying.", Required: true, Schema: openapi3.NewSchemaRef("", openapi3.NewIntegerSchema()),
			}}}}
		}
		op.Responses.Set(strconv.Itoa(st), &openapi3.ResponseRef{Value: resp})
	}
	return op, nil
}

// dependent reports whether a route touches a dependency (a table or the
// key store), and so can answer 503 with Retry-After.
func dependent(r routes.Route) bool {
	return r.Tier() != authtier.Public || len(r.Access) > 0 || r.Keys != 0
}

func operationID(r routes.Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.Method))
	for _, part := range strings.FieldsFunc(pathParam.ReplaceAllString(r.Path, "by-$1"), func(c rune) bool { return c == '/' || c == '-' || c == '_' || c == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func tag(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if parts[0] == "admin" && len(parts) > 1 {
		return "admin " + parts[1]
	}
	return parts[0]
}

// schemaOf makes the inline schema of a Go value's type: objects closed
// (additionalProperties: false) so an undocumented field fails validation,
// pointers nullable the OpenAPI 3.1 way (a "null" type).
func schemaOf(v any) (*openapi3.SchemaRef, error) {
	return schemaWith(v, closeObjects)
}

// answerSchemaOf is schemaOf for an answer: also every field the encoder
// always writes (no omitempty) is required, so an answer missing one fails
// validation too.
func answerSchemaOf(v any) (*openapi3.SchemaRef, error) {
	return schemaWith(v, func(name string, t reflect.Type, tag reflect.StructTag, s *openapi3.Schema) error {
		if err := closeObjects(name, t, tag, s); err != nil {
			return err
		}
		s.Required = alwaysWritten(t)
		return nil
	})
}

func schemaWith(v any, c openapi3gen.SchemaCustomizerFn) (*openapi3.SchemaRef, error) {
	ref, err := openapi3gen.NewSchemaRefForValue(v, nil, openapi3gen.SchemaCustomizer(c))
	if err != nil {
		return nil, err
	}
	nullable(ref, map[*openapi3.Schema]bool{})
	return ref, nil
}

func closeObjects(_ string, t reflect.Type, _ reflect.StructTag, s *openapi3.Schema) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct && s.Type.Is("object") && s.Format == "" {
		s.AdditionalProperties = openapi3.AdditionalProperties{Has: ptr(false)}
	}
	return nil
}

// alwaysWritten are the JSON names of a struct's fields that encoding/json
// writes whatever their value, in name order.
func alwaysWritten(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || (f.Anonymous && f.Type.Kind() == reflect.Struct) {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" || slices.Contains(strings.Split(opts, ","), "omitempty") || slices.Contains(strings.Split(opts, ","), "omitzero") {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func nullable(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	s := ref.Value
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	if s.Nullable {
		s.Nullable = false
		if s.Type != nil && !s.Type.IncludesNull() {
			t := append(s.Type.Slice(), "null")
			s.Type = (*openapi3.Types)(&t)
		}
	}
	for _, p := range s.Properties {
		nullable(p, seen)
	}
	if s.Items != nil {
		nullable(s.Items, seen)
	}
	if s.AdditionalProperties.Schema != nil {
		nullable(s.AdditionalProperties.Schema, seen)
	}
}

// JSON is the document as checked in: indented, with a final newline.
func JSON(table []routes.Route) ([]byte, error) {
	doc, err := Document(table)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func ptr[T any](v T) *T { return &v }
