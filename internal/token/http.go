package token

import (
	"net/http"
	"time"

	"sentinel/internal/web"
)

// Publisher publishes the ring's public keys.
type Publisher struct {
	Keys *Ring
	Now  func() time.Time
}

// JWKS serves GET /.well-known/jwks.json: the current and previous public
// keys, cacheable by clients for five minutes.
func (p Publisher) JWKS(r *http.Request) (int, any, error) {
	web.Header(r).Set("Cache-Control", "public, max-age=300")
	return 200, p.Keys.JWKS(p.Now()), nil
}
