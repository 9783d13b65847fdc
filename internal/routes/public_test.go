package routes_test

import (
	"testing"

	"sentinel/internal/apitest"
)

// What the original project's pentest suite checks of every answer: no
// framing (X-Frame-Options next to the CSP), HTTPS only (HSTS), and a public
// health check that tells nothing but that the API is up.
func TestPublicAnswersAndSecurityHeaders(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	health := api.Do(apitest.Request{Method: "GET", Path: "/health"})
	if health.Status != 200 || string(health.Body) != `{"status":"ok"}` {
		t.Errorf("GET /health = %d %s, want 200 {\"status\":\"ok\"}", health.Status, health.Body)
	}
	answers := map[string]*apitest.Response{
		"health":               health,
		"jwks":                 api.Do(apitest.Request{Method: "GET", Path: "/.well-known/jwks.json"}),
		"service route, 401":   api.Key("GET", "/service/whoami", "", nil),
		"dual route, 401":      api.Key("POST", "/permissions/check", "sk_test_nope", map[string]any{}),
		"admin route":          admin.Do("GET", "/admin/service-apps", nil),
		"admin route, 401":     api.Do(apitest.Request{Method: "GET", Path: "/admin/service-apps"}),
		"unrouted path, 404":   api.Do(apitest.Request{Method: "GET", Path: "/nowhere"}),
		"wrong method, 405":    api.Do(apitest.Request{Method: "DELETE", Path: "/health"}),
		"authz preflight, 401": api.Do(apitest.Request{Method: "OPTIONS", Path: "/authz/resolve", Header: map[string]string{"Origin": "https://evil.example"}}),
	}
	if api.Deployed() {
		// Behind API Gateway these never reach a function: it answers
		// them itself, without the functions' headers (README, Known limits).
		delete(answers, "unrouted path, 404")
		delete(answers, "wrong method, 405")
	}
	want := map[string]string{
		"X-Frame-Options":           "DENY",
		"Strict-Transport-Security": "max-age=31536000; includeSubDomains",
		"Content-Security-Policy":   "default-src 'none'; frame-ancestors 'none'",
		"X-Content-Type-Options":    "nosniff",
	}
	for name, res := range answers {
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s (%d): %s = %q, want %q", name, res.Status, k, got, v)
			}
		}
	}
}
