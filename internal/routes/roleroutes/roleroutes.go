// Package roleroutes is the backend's RBAC routes of the service-key tier
// (api.md section 5), a function each; those of the dual tier are
// roledualroutes.
package roleroutes

import (
	"sentinel/internal/dynamo"
	"sentinel/internal/rbac"
	"sentinel/internal/routes"
	"sentinel/internal/wire/appswire"
	"sentinel/internal/wire/rbacwire"
)

// Routes of the action registration and the key-only check.
var Routes = []routes.Route{
	{Method: "POST", Path: "/roles/actions/register", Function: "roles-actions-register", Guard: appswire.KeyOnly, Access: []routes.Access{routes.Write(dynamo.RBAC)}, Handler: routes.Bind(rbacwire.Checks, rbac.Handlers.Register)},
	// The key-only check names its user: it reads the membership.
	{Method: "POST", Path: "/roles/check", Function: "roles-check", Guard: appswire.KeyOnly, Access: []routes.Access{routes.Read(dynamo.RBAC), routes.Read(dynamo.Directory)},
		Handler: routes.Bind(rbacwire.MemberChecks, rbac.Handlers.Check)},
}
