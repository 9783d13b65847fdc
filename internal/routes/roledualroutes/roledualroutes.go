// Package roledualroutes is the backend's RBAC routes of the dual tier
// (service key and user token; api.md section 5), a function each.
package roledualroutes

import (
	"sentinel/internal/dynamo"
	"sentinel/internal/rbac"
	"sentinel/internal/routes"
	"sentinel/internal/wire/dualwire"
	"sentinel/internal/wire/rbacwire"
)

// The checks only read RBAC.
var read = []routes.Access{routes.Read(dynamo.RBAC)}

// Routes of the checks for the token's user.
var Routes = []routes.Route{
	{Method: "POST", Path: "/roles/check-action", Function: "roles-check-action", Guard: dualwire.Dual, Access: read, Handler: routes.Bind(rbacwire.Checks, rbac.Handlers.CheckAction)},
	{Method: "GET", Path: "/roles/user-actions", Function: "roles-user-actions", Guard: dualwire.Dual, Access: read, Handler: routes.Bind(rbacwire.Checks, rbac.Handlers.UserActions)},
}
