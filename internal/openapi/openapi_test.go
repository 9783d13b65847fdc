package openapi

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"sentinel/docs"
	"sentinel/internal/routes/all"
)

// The checked-in document is what the route table and the handlers' types
// make now: run `make openapi` after changing either.
func TestCheckedInDocumentIsCurrent(t *testing.T) {
	want, err := JSON(all.Routes)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(docs.OpenAPI, want) {
		t.Fatal("docs/openapi.json is stale: run make openapi")
	}
}

// ops describes exactly the routes of the table: none missing, none extra.
func TestOpsCoverTheRouteTable(t *testing.T) {
	keys := map[string]bool{}
	for _, r := range all.Routes {
		keys[r.Key()] = true
		if _, ok := ops[r.Key()]; !ok {
			t.Errorf("route %s has no entry in ops", r.Key())
		}
	}
	for k := range ops {
		if !keys[k] {
			t.Errorf("ops describes %s, which is not in the route table", k)
		}
	}
}

// The document is valid OpenAPI as kin-openapi loads it, declares the
// version, and every operation lists its tier's statuses and 503 with
// Retry-After when it touches a dependency.
func TestDocumentIsValid(t *testing.T) {
	b, err := JSON(all.Routes)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != Version {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	n := 0
	for _, r := range all.Routes {
		op := doc.Paths.Find(r.Path).GetOperation(r.Method)
		if op == nil {
			t.Fatalf("%s missing", r.Key())
		}
		n++
		for _, st := range tierStatuses(r.Tier()) {
			if op.Responses.Status(st) == nil {
				t.Errorf("%s: tier status %d not listed", r.Key(), st)
			}
		}
		if dependent(r) {
			resp := op.Responses.Status(503)
			if resp == nil || resp.Value.Headers["Retry-After"] == nil {
				t.Errorf("%s: no 503 with Retry-After", r.Key())
			}
		}
	}
	if n != len(all.Routes) || n == 0 {
		t.Fatalf("%d operations for %d routes", n, len(all.Routes))
	}
}

// Response objects are closed: a field the type does not have is an
// error, and a field added to a type shows up in the document.
func TestSchemasComeFromTheTypes(t *testing.T) {
	type sample struct {
		ID    string  `json:"id"`
		Extra *string `json:"extra"`
	}
	s, err := schemaOf(sample{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Value.AdditionalProperties.Has == nil || *s.Value.AdditionalProperties.Has {
		t.Fatal("object schema is not closed")
	}
	if !slices.Equal(s.Value.Properties["extra"].Value.Type.Slice(), []string{"string", "null"}) {
		t.Fatalf("pointer field type = %v", s.Value.Properties["extra"].Value.Type.Slice())
	}
	if err := s.Value.VisitJSON(map[string]any{"id": "x", "other": 1}); err == nil {
		t.Fatal("an undocumented field passed")
	}
	if err := s.Value.VisitJSON(map[string]any{"id": "x", "extra": nil}); err != nil {
		t.Fatal(err)
	}
}
