package authz

import (
	"log/slog"
	"net/http"

	"sentinel/internal/apperr"
	"sentinel/internal/identity"
	"sentinel/internal/metrics"
	"sentinel/internal/web"
)

// CORS answer of /authz/resolve (api.md section 7).
const (
	allowMethods = "POST, OPTIONS"
	allowHeaders = "Content-Type, Authorization, X-Service-Key"
	// exposeHeaders lets a browser read the rate limit's wait and the
	// request id of an error.
	exposeHeaders = "Retry-After, X-Request-Id"
	// preflightMaxAge is how long, in seconds, a browser may reuse a
	// preflight answer: short, so an origin removed from an app stops
	// passing preflights soon.
	preflightMaxAge = "600"
)

// ResolveHandler serves POST /authz/resolve behind the key-or-origin tier:
// the CORS headers for an allowed origin, the per-IP rate limit, then
// Resolve for the calling service.
func (s *Service) ResolveHandler(r *http.Request) (int, any, error) {
	if s.cors.set(r) {
		web.Header(r).Set("Access-Control-Expose-Headers", exposeHeaders)
	}
	ctx := r.Context()
	wait, err := s.limits.Allow(ctx, "AUTHZ#IP#"+web.ClientIP(r), s.rule)
	if err != nil {
		return 0, nil, err
	}
	if wait > 0 {
		metrics.Limited(ctx, "authz_resolve")
		return 0, nil, &apperr.Error{Code: apperr.RateLimited, Message: "Too many requests; try again later", RetryAfter: wait}
	}
	var in Request
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	if err := in.validate(); err != nil {
		return 0, nil, err
	}
	svc, _ := identity.ServiceFrom(ctx)
	out, err := s.Resolve(ctx, svc, in)
	outcome := "issued"
	if err != nil {
		outcome = "error"
		if e, ok := apperr.As(err); ok {
			outcome = string(e.Code)
		}
	}
	metrics.Resolve(ctx, outcome)
	return 200, out, err
}

// CORS answers browsers for /authz/resolve: the preflight, and the CORS
// headers of the call itself.
type CORS struct {
	// Origins finds an Origin's app (authtier.Authenticator.Origin).
	Origins Origins
}

// Preflight serves OPTIONS /authz/resolve behind the key-or-origin tier. A
// browser's preflight carries no key, so the origin tier decides: an
// origin that is not an active app's allowed origin was already answered
// 401 by the tier, without CORS headers (the browser then refuses the
// call, as it would for a 2xx without them); an allowed origin gets 204
// with the CORS headers.
func (c CORS) Preflight(r *http.Request) (int, any, error) {
	if c.set(r) {
		web.Header(r).Set("Access-Control-Max-Age", preflightMaxAge)
	}
	return http.StatusNoContent, nil, nil
}

// set sets the CORS headers when the request's Origin is an allowed origin
// of the calling app, and reports whether it did. Through the origin tier
// that is already proven; with a service key, the Origin (if any) is
// looked up and must belong to the key's own app. Other origins get no
// CORS headers at all.
func (c CORS) set(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	svc, ok := identity.ServiceFrom(r.Context())
	if origin == "" || !ok {
		return false
	}
	if !svc.ViaOrigin {
		app, err := c.Origins.Origin(r.Context(), origin)
		if err != nil && !apperr.Is(err, apperr.Unauthorized) {
			slog.Warn("look up origin for CORS", "request_id", web.RequestID(r.Context()), "err", err)
		}
		if err != nil || app.AppID != svc.AppID {
			return false
		}
	}
	h := web.Header(r)
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Allow-Methods", allowMethods)
	h.Set("Access-Control-Allow-Headers", allowHeaders)
	return true
}
