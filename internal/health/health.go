// Package health answers GET /health (api.md section 9).
package health

import "net/http"

// Handlers serves the health check of a deployment.
type Handlers struct{}

// Get serves GET /health: the function runs. It reads nothing, so it stays
// up while a dependency is down, and it says nothing else (not the build's
// version, unlike api.md section 9): the route is public.
func (Handlers) Get(*http.Request) (int, any, error) {
	return 200, map[string]string{"status": "ok"}, nil
}
