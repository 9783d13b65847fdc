// Package whoamiroutes is the route of the service-whoami function.
package whoamiroutes

import (
	"sentinel/internal/authtier"
	"sentinel/internal/routes"
	"sentinel/internal/wire/appswire"
)

// Routes: GET /service/whoami (api.md section 2).
var Routes = []routes.Route{
	{Method: "GET", Path: "/service/whoami", Function: "service-whoami", Guard: appswire.KeyOnly, Handler: routes.Bind(appswire.Keys, (*authtier.Authenticator).Whoami)},
}
