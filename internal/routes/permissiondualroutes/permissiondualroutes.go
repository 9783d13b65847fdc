// Package permissiondualroutes is the backend's resource ACL routes of the
// dual tier (service key and user token; api.md section 4), a function
// each.
package permissiondualroutes

import (
	"sentinel/internal/dynamo"
	"sentinel/internal/permissions"
	"sentinel/internal/routes"
	"sentinel/internal/wire/dualwire"
	"sentinel/internal/wire/permissionswire"
)

var (
	read = []routes.Access{routes.Read(dynamo.Permissions)}
	// Sharing checks the grantee in the directory, again in the share's
	// transaction (directory.Guard).
	share = []routes.Access{routes.Write(dynamo.Permissions), routes.Guarded(dynamo.Directory)}
)

// Routes of the checks, for the token's user, and of sharing.
var Routes = []routes.Route{
	{Method: "POST", Path: "/permissions/check", Function: "permissions-check", Guard: dualwire.Dual, Access: read, Handler: routes.Bind(permissionswire.Backend, permissions.Handlers.Check)},
	{Method: "POST", Path: "/permissions/accessible", Function: "permissions-accessible", Guard: dualwire.Dual, Access: read, Handler: routes.Bind(permissionswire.Backend, permissions.Handlers.Accessible)},
	{Method: "POST", Path: "/permissions/{id}/share", Function: "permissions-share", Guard: dualwire.Dual, Access: share, Handler: routes.Bind(permissionswire.Sharing, permissions.Handlers.Share)},
}
