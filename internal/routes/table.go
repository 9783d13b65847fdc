package routes

import (
	"net/http"
	"slices"

	"sentinel/internal/activity"
	"sentinel/internal/adminauth"
	"sentinel/internal/app"
	"sentinel/internal/authtier"
	"sentinel/internal/dynamo"
	"sentinel/internal/health"
	"sentinel/internal/serviceapps"
	"sentinel/internal/stats"
	"sentinel/internal/token"
	"sentinel/internal/web"
)

// Constructor builds a route's handler from the function's deps, once per
// cold start.
type Constructor func(*app.Deps) http.Handler

// area binds the handlers of one area: build makes the area's handler set
// from the deps, and each route names one of its methods, all of the one
// shape web.Func serves.
func area[H any](build func(*app.Deps) H) func(method func(H, *http.Request) (int, any, error)) Constructor {
	return func(method func(H, *http.Request) (int, any, error)) Constructor {
		return func(d *app.Deps) http.Handler {
			hs := build(d)
			return web.Func(func(r *http.Request) (int, any, error) { return method(hs, r) })
		}
	}
}

var (
	apps       = area(func(d *app.Deps) serviceapps.Handlers { return serviceapps.Handlers{Store: d.Apps} })
	healthArea = area(func(*app.Deps) health.Handlers { return health.Handlers{} })
	jwks       = area(func(d *app.Deps) token.Publisher { return token.Publisher{Keys: d.Keys.User, Now: d.Now} })
	keyTier    = area(func(d *app.Deps) *authtier.Authenticator { return d.Auth })
	admins     = area(func(d *app.Deps) *adminauth.Service { return d.Admins })
	activityH  = area(func(d *app.Deps) *activity.Log { return d.Activity })
	statsH     = area(func(d *app.Deps) stats.Handlers {
		return stats.Handlers{Directory: d.Directory, Apps: d.Apps, Permissions: d.Permissions}
	})
)

// Admin resources share a function each (see architecture.md: a function
// per admin route would pass CloudFormation's resource limit).
var (
	// Deleting a service app purges what it registered under its service
	// name, and so does creating an app that reuses a deleted app's name
	// (serviceapps.ServiceData: permissions and RBAC).
	adminApps = []Access{Write(dynamo.ServiceApps), Write(dynamo.Activity), Write(dynamo.Permissions), Write(dynamo.RBAC)}
	adminAuth = []Access{Write(dynamo.Admins), Write(dynamo.Limits), Write(dynamo.Activity)}
)

// Table is every endpoint of the API: the foundation's routes and each
// area's, declared in the area's own file.
var Table = slices.Concat(foundationRoutes, directoryRoutes, permissionRoutes, rbacRoutes, authzRoutes)

// foundationRoutes: health, JWKS, whoami, admin auth, service apps, activity.
var foundationRoutes = []Route{
	{Method: "GET", Path: "/health", Function: "health", Tier: authtier.Public, Handler: healthArea(health.Handlers.Get)},
	{Method: "GET", Path: "/.well-known/jwks.json", Function: "jwks", Tier: authtier.Public, Keys: token.VerifyUser, Handler: jwks(token.Publisher.JWKS)},
	{Method: "GET", Path: "/service/whoami", Function: "service-whoami", Tier: authtier.ServiceKey, Handler: keyTier((*authtier.Authenticator).Whoami)},

	{Method: "POST", Path: "/admin/auth/login", Function: "admin-auth", Tier: authtier.AdminLogin, Access: adminAuth, Keys: token.SignAdmin, Handler: admins((*adminauth.Service).LoginHandler)},
	{Method: "POST", Path: "/admin/auth/logout", Function: "admin-auth", Tier: authtier.Admin, Access: adminAuth, Handler: admins((*adminauth.Service).LogoutHandler)},
	{Method: "GET", Path: "/admin/auth/me", Function: "admin-auth", Tier: authtier.Admin, Access: adminAuth, Handler: admins((*adminauth.Service).MeHandler)},

	{Method: "GET", Path: "/admin/service-apps", Function: "admin-service-apps", Tier: authtier.Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.List)},
	{Method: "POST", Path: "/admin/service-apps", Function: "admin-service-apps", Tier: authtier.Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.Create)},
	{Method: "GET", Path: "/admin/service-apps/{id}", Function: "admin-service-apps", Tier: authtier.Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.Get)},
	{Method: "PATCH", Path: "/admin/service-apps/{id}", Function: "admin-service-apps", Tier: authtier.Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.Update)},
	{Method: "POST", Path: "/admin/service-apps/{id}/rotate-key", Function: "admin-service-apps", Tier: authtier.Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.Rotate)},
	{Method: "POST", Path: "/admin/service-apps/{id}/revoke-previous-key", Function: "admin-service-apps", Tier: authtier.Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.RevokePrevious)},
	{Method: "DELETE", Path: "/admin/service-apps/{id}", Function: "admin-service-apps", Tier: authtier.Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.Delete)},

	{Method: "GET", Path: "/admin/stats", Function: "admin-stats", Tier: authtier.Admin, Access: []Access{Read(dynamo.Directory), Read(dynamo.ServiceApps), Read(dynamo.Permissions)}, Handler: statsH(stats.Handlers.Get)},
	{Method: "GET", Path: "/admin/activity", Function: "admin-activity", Tier: authtier.Admin, Access: []Access{Read(dynamo.Activity)}, Handler: activityH((*activity.Log).ListHandler)},
}
