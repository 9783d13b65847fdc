// Package statsroutes is the admin's dashboard counts: the admin-stats
// function.
package statsroutes

import (
	"sentinel/internal/app"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/stats"
	"sentinel/internal/wire/adminwire"
	"sentinel/internal/wire/appswire"
	"sentinel/internal/wire/directorywire"
	"sentinel/internal/wire/permissionswire"
)

// Handlers counts in the stores that hold the records.
var Handlers = &app.Service[stats.Handlers]{Name: "statistics", Build: func(e *app.Env) (stats.Handlers, error) {
	dir, err := directorywire.Reader.Get(e)
	if err != nil {
		return stats.Handlers{}, err
	}
	apps, err := appswire.Lookups.Get(e)
	if err != nil {
		return stats.Handlers{}, err
	}
	perms, err := permissionswire.Store.Get(e)
	if err != nil {
		return stats.Handlers{}, err
	}
	return stats.Handlers{Directory: dir, Apps: apps, Permissions: perms}, nil
}}

// Routes: GET /admin/stats.
var Routes = []routes.Route{
	{Method: "GET", Path: "/admin/stats", Function: "admin-stats", Guard: adminwire.Admin,
		Access:  []routes.Access{routes.Read(dynamo.Directory), routes.Read(dynamo.ServiceApps), routes.Read(dynamo.Permissions)},
		Handler: routes.Bind(Handlers, stats.Handlers.Get)},
}
