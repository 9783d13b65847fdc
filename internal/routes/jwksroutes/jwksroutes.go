// Package jwksroutes is the route of the jwks function.
package jwksroutes

import (
	"sentinel/internal/app"
	"sentinel/internal/routes"
	"sentinel/internal/token"
	"sentinel/internal/wire/secretswire"
)

// Publisher publishes the signing keys' public halves.
var Publisher = &app.Service[token.Publisher]{Name: "JWKS", Build: func(e *app.Env) (token.Publisher, error) {
	keys, err := secretswire.UserKeys.Get(e)
	return token.Publisher{Keys: keys, Now: e.Now}, err
}}

// Routes: GET /.well-known/jwks.json (api.md section 2).
var Routes = []routes.Route{
	{Method: "GET", Path: "/.well-known/jwks.json", Function: "jwks", Guard: routes.Public, Keys: token.VerifyUser, Handler: routes.Bind(Publisher, token.Publisher.JWKS)},
}
