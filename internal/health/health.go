// Package health answers GET /health (api.md section 9).
package health

import "net/http"

// Handlers serves the health check of a deployment.
type Handlers struct {
	// Version is the deployed build (config.Config.Version).
	Version string
}

// Get serves GET /health: the function runs and knows its version. It
// reads nothing, so it stays up while a dependency is down.
func (h Handlers) Get(*http.Request) (int, any, error) {
	return 200, map[string]string{"status": "ok", "version": h.Version}, nil
}
