// Package healthroutes is the route of the health function.
package healthroutes

import (
	"sentinel/internal/app"
	"sentinel/internal/health"
	"sentinel/internal/routes"
)

// Handlers answers the health check.
var Handlers = &app.Service[health.Handlers]{Name: "health", Build: func(*app.Env) (health.Handlers, error) {
	return health.Handlers{}, nil
}}

// Routes: GET /health (api.md section 9).
var Routes = []routes.Route{
	{Method: "GET", Path: "/health", Function: "health", Guard: routes.Public, Handler: routes.Bind(Handlers, health.Handlers.Get)},
}
