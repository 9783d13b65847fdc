// Package apidoc serves the API's OpenAPI document (GET /openapi.json).
package apidoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"sentinel/internal/web"
)

// MaxAge is how long clients and caches may keep the document: it changes
// only with a deployment.
const MaxAge = 5 * time.Minute

// Handlers serves one document.
type Handlers struct {
	doc json.RawMessage
}

// New serves doc, which must be a JSON document; it is served compacted.
func New(doc []byte) (Handlers, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, doc); err != nil {
		return Handlers{}, fmt.Errorf("openapi document: %w", err)
	}
	return Handlers{doc: b.Bytes()}, nil
}

// Get serves GET /openapi.json: public and cacheable.
func (h Handlers) Get(r *http.Request) (int, any, error) {
	web.Header(r).Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(MaxAge/time.Second)))
	return 200, h.doc, nil
}
