package sdktest_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	sentinel "sentinel/sdk/go"

	"sentinel/docs"
)

// The SDK's answer types read exactly what the OpenAPI document says the
// API answers: every field the SDK decodes is documented with a matching
// JSON type, and every field the API always writes has a place in the SDK
// type (so a field added to the API shows up here as a test failure until
// the SDK gains it). Its requests are checked against the document by every
// SDK test (apitest serves API.URL through the document's validator).
func TestSDKTypesMatchTheOpenAPIDocument(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(docs.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	answer := func(method, path string) *openapi3.Schema {
		op := doc.Paths.Find(path).GetOperation(method)
		for _, status := range []int{200, 201} {
			if r := op.Responses.Status(status); r != nil {
				return r.Value.Content.Get("application/json").Schema.Value
			}
		}
		t.Fatalf("%s %s has no 200 or 201 answer", method, path)
		return nil
	}
	items := func(s *openapi3.Schema) *openapi3.Schema { return s.Items.Value }
	prop := func(s *openapi3.Schema, name string) *openapi3.Schema { return s.Properties[name].Value }
	resource := "/permissions/resource/{service}/{type}/{resource_id}"
	cases := []struct {
		sdk    any
		schema *openapi3.Schema
		// partial: the SDK type is one of several answers (a oneOf) or
		// leaves out what it has no use for; only its fields are checked.
		partial bool
	}{
		{sentinel.Whoami{}, answer("GET", "/service/whoami"), false},
		{sentinel.Resource{}, answer("POST", "/permissions/register"), false},
		{sentinel.Resource{}, answer("GET", resource), false},
		{sentinel.EnrichedResource{}, answer("GET", resource+"/enriched"), false},
		{sentinel.CheckResult{}, items(prop(answer("POST", "/permissions/check"), "results")), false},
		{sentinel.AccessiblePage{}, answer("POST", "/permissions/accessible"), false},
		{sentinel.ServiceAction{}, items(answer("POST", "/roles/actions/register")), false},
		{sentinel.RoleDecision{}, answer("POST", "/roles/check"), false},
		{sentinel.RoleDecision{}, answer("POST", "/roles/check-action"), true},
		{sentinel.Member{}, items(answer("GET", "/workspaces/{id}/members")), false},
		{sentinel.Group{}, items(answer("GET", "/workspaces/{id}/groups")), false},
		{sentinel.GroupMember{}, items(answer("GET", "/workspaces/{id}/groups/{gid}/members")), false},
		{sentinel.Resolution{}, answer("POST", "/authz/resolve"), true},
	}
	for _, tc := range cases {
		name := reflect.TypeOf(tc.sdk).Name()
		t.Run(name, func(t *testing.T) {
			for _, m := range mismatches(name, reflect.TypeOf(tc.sdk), tc.schema, tc.partial) {
				t.Error(m)
			}
		})
	}
}

var timeType = reflect.TypeFor[time.Time]()

// mismatches compares a Go type with a schema, recursively. An answer that
// is one of several (oneOf) fits when each of the SDK's fields fits one of
// them: the SDK decodes both into one type.
func mismatches(at string, typ reflect.Type, s *openapi3.Schema, partial bool) []string {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if len(s.OneOf) > 0 {
		return oneOfMismatches(at, typ, s.OneOf)
	}
	want := ""
	switch {
	case typ == timeType || typ.Kind() == reflect.String:
		want = "string"
	case typ.Kind() == reflect.Bool:
		want = "boolean"
	case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Uint64:
		want = "integer"
	case typ.Kind() == reflect.Slice:
		want = "array"
	case typ.Kind() == reflect.Struct:
		want = "object"
	default:
		return []string{fmt.Sprintf("%s: no JSON type for %s", at, typ)}
	}
	if s.Type == nil || !s.Type.Includes(want) {
		return []string{fmt.Sprintf("%s: the SDK decodes a %s (%s), the document says %v", at, want, typ, s.Type)}
	}
	switch want {
	case "array":
		return mismatches(at+"[]", typ.Elem(), s.Items.Value, partial)
	case "object":
		var out []string
		fields := jsonFields(typ)
		for name, ft := range fields {
			p, ok := s.Properties[name]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: the SDK reads a field the document does not have", at, name))
				continue
			}
			out = append(out, mismatches(at+"."+name, ft, p.Value, partial)...)
		}
		if !partial {
			for _, name := range s.Required {
				if _, ok := fields[name]; !ok {
					out = append(out, fmt.Sprintf("%s.%s: the API always answers it, the SDK type has no field for it", at, name))
				}
			}
		}
		return out
	}
	return nil
}

func oneOfMismatches(at string, typ reflect.Type, alternatives openapi3.SchemaRefs) []string {
	if typ.Kind() != reflect.Struct {
		for _, a := range alternatives {
			if mismatches(at, typ, a.Value, true) == nil {
				return nil
			}
		}
		return []string{fmt.Sprintf("%s: %s fits none of the document's alternatives", at, typ)}
	}
	var out []string
	for name, ft := range jsonFields(typ) {
		fits := false
		for _, a := range alternatives {
			if p, ok := a.Value.Properties[name]; ok && mismatches(at+"."+name, ft, p.Value, true) == nil {
				fits = true
				break
			}
		}
		if !fits {
			out = append(out, fmt.Sprintf("%s.%s: fits none of the document's alternatives", at, name))
		}
	}
	return out
}

// jsonFields are a struct's JSON field names (embedded structs' promoted).
func jsonFields(typ reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(typ) {
		if !f.IsExported() || (f.Anonymous && f.Type.Kind() == reflect.Struct) {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
