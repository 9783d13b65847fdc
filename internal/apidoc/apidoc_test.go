package apidoc_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"sentinel/docs"
	"sentinel/internal/apidoc"
	"sentinel/internal/apitest"
)

// GET /openapi.json answers the checked-in document, without credentials,
// cacheable.
func TestServesTheCheckedInDocument(t *testing.T) {
	api := apitest.New(t)
	res := api.Do(apitest.Request{Method: "GET", Path: "/openapi.json"})
	if res.Status != 200 {
		t.Fatalf("GET /openapi.json: %d %s", res.Status, res.Body)
	}
	var want bytes.Buffer
	if err := json.Compact(&want, docs.OpenAPI); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Body, want.Bytes()) {
		t.Fatalf("served %d bytes, not the checked-in document (%d bytes compacted)", len(res.Body), want.Len())
	}
	if got := res.Header.Get("Cache-Control"); got != "public, max-age=300" {
		t.Errorf("Cache-Control %q", got)
	}
	if got := res.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q", got)
	}
}

func TestRefusesADocumentThatIsNotJSON(t *testing.T) {
	if _, err := apidoc.New([]byte(`{"openapi": `)); err == nil {
		t.Fatal("New accepted a truncated document")
	}
}
