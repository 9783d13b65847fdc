// Package adminadminroutes is the team of admins (api.md section 8): the
// admin-admins function. It signs no one in: it holds no signing key and
// no lockout counter, only the accounts and the activity log.
package adminadminroutes

import (
	"sentinel/internal/adminauth"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/wire/adminwire"
)

// access: the accounts, and the activity log every change is recorded in.
var access = []routes.Access{routes.Write(dynamo.Admins), routes.Write(dynamo.Activity)}

var route = routes.For("admin-admins", adminwire.Admin, access, adminwire.Accounts)

// Routes of the admins.
var Routes = []routes.Route{
	route("GET", "/admin/admins", (*adminauth.Service).ListHandler),
	route("POST", "/admin/admins", (*adminauth.Service).CreateHandler),
	route("POST", "/admin/admins/{email}/deactivate", (*adminauth.Service).DeactivateHandler),
	route("POST", "/admin/admins/{email}/reactivate", (*adminauth.Service).ReactivateHandler),
	route("POST", "/admin/admins/{email}/reset-totp", (*adminauth.Service).ResetTOTPHandler),
}
