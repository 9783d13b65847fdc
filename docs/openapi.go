// Package docs carries the API's OpenAPI document (openapi.json, written
// by `make openapi`) into the binaries that serve or check it.
package docs

import _ "embed"

// OpenAPI is docs/openapi.json as checked in.
//
//go:embed openapi.json
var OpenAPI []byte
