// Package adminauthroutes is the admin sign-in routes (api.md section 8):
// the admin-auth function.
package adminauthroutes

import (
	"sentinel/internal/adminauth"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/token"
	"sentinel/internal/wire/adminwire"
)

// access: the accounts and revoked sessions, the lockout counters, the
// activity log (sign-ins, failures, sign-outs).
var access = []routes.Access{routes.Write(dynamo.Admins), routes.Write(dynamo.Limits), routes.Write(dynamo.Activity)}

// Routes of signing in and out.
var Routes = []routes.Route{
	{Method: "POST", Path: "/admin/auth/login", Function: "admin-auth", Guard: adminwire.Login, Access: access, Keys: token.SignAdmin, MemoryMB: routes.SignMemoryMB, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).LoginHandler)},
	{Method: "POST", Path: "/admin/auth/logout", Function: "admin-auth", Guard: adminwire.Admin, Access: access, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).LogoutHandler)},
	{Method: "GET", Path: "/admin/auth/me", Function: "admin-auth", Guard: adminwire.Admin, Access: access, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).MeHandler)},
}
