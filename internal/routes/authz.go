package routes

import (
	"sentinel/internal/app"
	"sentinel/internal/authtier"
	"sentinel/internal/authz"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/token"
)

var (
	resolve   = area(func(d *app.Deps) *authz.Service { return d.Authz })
	preflight = area(func(d *app.Deps) authz.CORS { return authz.CORS{Origins: d.Auth} })
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
	{Method: "POST", Path: "/authz/resolve", Function: "authz-resolve", Tier: authtier.KeyOrOrig, Access: authzResolve, Keys: token.SignUser, Settings: config.AuthzSettings,
		Handler: resolve((*authz.Service).ResolveHandler)},
	{Method: "OPTIONS", Path: "/authz/resolve", Function: "authz-resolve-preflight", Tier: authtier.KeyOrOrig, Handler: preflight(authz.CORS.Preflight)},
}
