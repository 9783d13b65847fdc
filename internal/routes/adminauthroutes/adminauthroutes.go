// Package adminauthroutes is the admin sign-in routes (api.md section 8):
// the admin-auth function.
package adminauthroutes

import (
	"sentinel/internal/adminauth"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/token"
	"sentinel/internal/wire/adminwire"
)

// access: the accounts and revoked sessions, the lockout counters, the
// activity log (sign-ins, failures, sign-outs).
var access = []routes.Access{routes.Write(dynamo.Admins), routes.Write(dynamo.Limits), routes.Write(dynamo.Activity)}

// settings: whether every admin must use TOTP decides a sign-in's steps.
var settings = []string{config.EnvAdminRequireTOTP}

// Routes of signing in and out. A session of a sign-in not finished yet
// opens only its step's routes, me and logout.
var Routes = []routes.Route{
	{Method: "POST", Path: "/admin/auth/login", Function: "admin-auth", Guard: adminwire.Login, Access: access, Keys: token.SignAdmin, MemoryMB: routes.SignMemoryMB, Settings: settings, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).LoginHandler)},
	{Method: "POST", Path: "/admin/auth/logout", Function: "admin-auth", Guard: adminwire.AdminAt(adminauth.AnyStep...), Access: access, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).LogoutHandler)},
	{Method: "GET", Path: "/admin/auth/me", Function: "admin-auth", Guard: adminwire.AdminAt(adminauth.AnyStep...), Access: access, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).MeHandler)},
	{Method: "POST", Path: "/admin/auth/change-password", Function: "admin-auth", Guard: adminwire.AdminAt("", adminauth.StepChangePassword), Access: access, Keys: token.SignAdmin, MemoryMB: routes.SignMemoryMB, Settings: settings, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).ChangePasswordHandler)},
	{Method: "POST", Path: "/admin/auth/totp/verify", Function: "admin-auth", Guard: adminwire.AdminAt(adminauth.StepTOTP), Access: access, Keys: token.SignAdmin, MemoryMB: routes.SignMemoryMB, Settings: settings, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).VerifyHandler)},
	{Method: "POST", Path: "/admin/auth/totp/enrol", Function: "admin-auth", Guard: adminwire.AdminAt("", adminauth.StepEnrolTOTP), Access: access, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).EnrolHandler)},
	{Method: "POST", Path: "/admin/auth/totp/disable", Function: "admin-auth", Guard: adminwire.AdminAt(""), Access: access, Settings: settings, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).DisableHandler)},
	{Method: "POST", Path: "/admin/auth/totp/recovery-codes", Function: "admin-auth", Guard: adminwire.AdminAt(""), Access: access, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).RecoveryCodesHandler)},
	{Method: "POST", Path: "/admin/auth/totp/confirm", Function: "admin-auth", Guard: adminwire.AdminAt("", adminauth.StepEnrolTOTP), Access: access, Keys: token.SignAdmin, MemoryMB: routes.SignMemoryMB, Settings: settings, Handler: routes.Bind(adminwire.Service, (*adminauth.Service).ConfirmHandler)},
}
