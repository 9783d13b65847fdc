// Package preflightroutes is the route of the authz-resolve-preflight
// function: a route of its own so that API Gateway passes the browser's
// preflight to a function that answers CORS for each app's allowed
// origins.
package preflightroutes

import (
	"sentinel/internal/app"
	"sentinel/internal/authz"
	"sentinel/internal/routes"
	"sentinel/internal/wire/appswire"
)

// CORS answers preflights from the apps' allowed origins.
var CORS = &app.Service[authz.CORS]{Name: "authz CORS", Build: func(e *app.Env) (authz.CORS, error) {
	origins, err := appswire.Origins.Get(e)
	return authz.CORS{Origins: origins}, err
}}

// Routes: OPTIONS /authz/resolve (api.md section 7).
var Routes = []routes.Route{
	{Method: "OPTIONS", Path: "/authz/resolve", Function: "authz-resolve-preflight", Guard: appswire.KeyOrOrigin, Handler: routes.Bind(CORS, authz.CORS.Preflight)},
}
