package routes

import (
	"net/http"
	"slices"

	"sentinel/internal/app"
	"sentinel/internal/dynamo"
	"sentinel/internal/identity"
	"sentinel/internal/serviceapps"
	"sentinel/internal/stats"
	"sentinel/internal/web"
)

// h adapts a handler constructor that needs the deps.
func h(f func(d *app.Deps) web.Func) func(*app.Deps) http.Handler {
	return func(d *app.Deps) http.Handler { return f(d) }
}

// area adapts the handler methods of one area: build makes the area's
// handler set from the deps, once per function; each route names a method.
func area[H any](build func(*app.Deps) H) func(method func(H, *http.Request) (int, any, error)) func(*app.Deps) http.Handler {
	return func(method func(H, *http.Request) (int, any, error)) func(*app.Deps) http.Handler {
		return h(func(d *app.Deps) web.Func {
			hs := build(d)
			return func(r *http.Request) (int, any, error) { return method(hs, r) }
		})
	}
}

var apps = area(func(d *app.Deps) serviceapps.Handlers { return serviceapps.Handlers{Store: d.Apps} })

// Admin resources share a function each (see architecture.md: a function
// per admin route would pass CloudFormation's resource limit).
var (
	adminApps = []Access{Write(dynamo.ServiceApps), Write(dynamo.Activity)}
	adminAuth = []Access{Write(dynamo.Admins), Write(dynamo.Limits), Write(dynamo.Activity)}
)

// Table is every endpoint of the API: the foundation's routes and each
// area's, declared in the area's own file.
var Table = slices.Concat(foundationRoutes, directoryRoutes, permissionRoutes, rbacRoutes, authzRoutes)

// foundationRoutes: health, JWKS, whoami, admin auth, service apps, activity.
var foundationRoutes = []Route{
	{Method: "GET", Path: "/health", Function: "health", Tier: Public, Handler: h(func(d *app.Deps) web.Func {
		return func(*http.Request) (int, any, error) {
			return 200, map[string]string{"status": "ok", "version": d.Config.Version}, nil
		}
	})},
	{Method: "GET", Path: "/.well-known/jwks.json", Function: "jwks", Tier: Public, Keys: true, Handler: func(d *app.Deps) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=300")
			web.JSON(w, 200, d.Keys.JWKS(d.Now()))
		})
	}},
	{Method: "GET", Path: "/service/whoami", Function: "service-whoami", Tier: ServiceKey, Handler: h(func(d *app.Deps) web.Func {
		return func(r *http.Request) (int, any, error) {
			s, _ := identity.ServiceFrom(r.Context())
			var exp *string
			if s.KeyExpiresAt != nil {
				v := dynamo.FormatTime(*s.KeyExpiresAt)
				exp = &v
			}
			return 200, map[string]any{"service_name": s.ServiceName, "name": s.Name, "key_prefix": s.KeyPrefix, "key_expires_at": exp}, nil
		}
	})},

	{Method: "POST", Path: "/admin/auth/login", Function: "admin-auth", Tier: AdminLogin, Access: adminAuth, Keys: true,
		Handler: func(d *app.Deps) http.Handler { return http.HandlerFunc(d.Admins.LoginHandler) }},
	{Method: "POST", Path: "/admin/auth/logout", Function: "admin-auth", Tier: Admin, Access: adminAuth,
		Handler: func(d *app.Deps) http.Handler { return http.HandlerFunc(d.Admins.LogoutHandler) }},
	{Method: "GET", Path: "/admin/auth/me", Function: "admin-auth", Tier: Admin, Access: adminAuth,
		Handler: func(d *app.Deps) http.Handler { return web.Func(d.Admins.MeHandler) }},

	{Method: "GET", Path: "/admin/service-apps", Function: "admin-service-apps", Tier: Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.List)},
	{Method: "POST", Path: "/admin/service-apps", Function: "admin-service-apps", Tier: Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.Create)},
	{Method: "GET", Path: "/admin/service-apps/{id}", Function: "admin-service-apps", Tier: Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.Get)},
	{Method: "PATCH", Path: "/admin/service-apps/{id}", Function: "admin-service-apps", Tier: Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.Update)},
	{Method: "POST", Path: "/admin/service-apps/{id}/rotate-key", Function: "admin-service-apps", Tier: Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.Rotate)},
	{Method: "POST", Path: "/admin/service-apps/{id}/revoke-previous-key", Function: "admin-service-apps", Tier: Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.RevokePrevious)},
	{Method: "DELETE", Path: "/admin/service-apps/{id}", Function: "admin-service-apps", Tier: Admin, Access: adminApps, Handler: apps(serviceapps.Handlers.Delete)},

	{Method: "GET", Path: "/admin/stats", Function: "admin-stats", Tier: Admin, Access: []Access{Read(dynamo.Directory), Read(dynamo.ServiceApps), Read(dynamo.Permissions)},
		Handler: area(func(d *app.Deps) stats.Handlers {
			return stats.Handlers{Directory: d.Directory, Apps: d.Apps, Permissions: d.Permissions}
		})(stats.Handlers.Get)},
	{Method: "GET", Path: "/admin/activity", Function: "admin-activity", Tier: Admin, Access: []Access{Read(dynamo.Activity)},
		Handler: func(d *app.Deps) http.Handler { return d.Activity.ListHandler() }},
}
