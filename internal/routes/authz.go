package routes

import (
	"net/http"

	"sentinel/internal/app"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
)

// authzResolve is what POST /authz/resolve touches: the per-IP rate limit
// counters, the directory (just-in-time users and identity links, with
// their activity entries) and RBAC (the token's actions).
var authzResolve = []Access{Write(dynamo.Limits), Write(dynamo.Directory), Write(dynamo.Activity), Read(dynamo.RBAC)}

// authzRoutes: authz mode (api.md section 7). A browser frontend is
// identified by its Origin, a backend by its key; the preflight is a route
// of its own so that API Gateway passes it to a function that answers CORS
// for each app's allowed origins.
var authzRoutes = []Route{
	{Method: "POST", Path: "/authz/resolve", Function: "authz-resolve", Tier: KeyOrOrig, Access: authzResolve, Keys: true, Settings: config.AuthzSettings,
		Handler: func(d *app.Deps) http.Handler { return d.Authz.ResolveHandler() }},
	{Method: "OPTIONS", Path: "/authz/resolve", Function: "authz-resolve-preflight", Tier: KeyOrOrig,
		Handler: func(d *app.Deps) http.Handler { return d.Authz.PreflightHandler() }},
}
