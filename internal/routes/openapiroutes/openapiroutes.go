// Package openapiroutes is the route of the openapi function.
package openapiroutes

import (
	"sentinel/docs"
	"sentinel/internal/apidoc"
	"sentinel/internal/app"
	"sentinel/internal/routes"
)

// Handlers serves the checked-in document.
var Handlers = &app.Service[apidoc.Handlers]{Name: "OpenAPI document", Build: func(*app.Env) (apidoc.Handlers, error) {
	return apidoc.New(docs.OpenAPI)
}}

// Routes: GET /openapi.json (api.md section 9).
var Routes = []routes.Route{
	{Method: "GET", Path: "/openapi.json", Function: "openapi", Guard: routes.Public, Handler: routes.Bind(Handlers, apidoc.Handlers.Get)},
}
