package token

import (
	"fmt"
	"net/http"
	"time"

	"sentinel/internal/web"
)

// Publisher publishes the ring's public keys.
type Publisher struct {
	Keys *Ring
	Now  func() time.Time
}

// JWKS serves GET /.well-known/jwks.json: the published keys (current,
// next, previous), cacheable by clients for JWKSMaxAge — which the rotation
// protocol's PublishLead allows for.
func (p Publisher) JWKS(r *http.Request) (int, any, error) {
	web.Header(r).Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(JWKSMaxAge/time.Second)))
	return 200, p.Keys.JWKS(p.Now()), nil
}
