// Package statsroutes is the admin's dashboard counts: the admin-stats
// function (the counts, and the activity log's entries per day).
package statsroutes

import (
	"sentinel/internal/activity"
	"sentinel/internal/app"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/stats"
	"sentinel/internal/wire/activitywire"
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

// Days counts the activity log's entries per day, keeping settled days'
// counts in the Limits table (the function may not write the log itself).
var Days = &app.Service[*activity.Days]{Name: "activity per day", Build: func(e *app.Env) (*activity.Days, error) {
	log, err := activitywire.Log.Get(e)
	if err != nil {
		return nil, err
	}
	limits, err := e.Table(dynamo.Limits)
	if err != nil {
		return nil, err
	}
	return activity.NewDays(log, limits), nil
}}

// Routes: GET /admin/stats and GET /admin/stats/activity (api.md section 8).
var Routes = []routes.Route{
	{Method: "GET", Path: "/admin/stats", Function: "admin-stats", Guard: adminwire.Admin,
		Access:  []routes.Access{routes.Read(dynamo.Directory), routes.Read(dynamo.ServiceApps), routes.Read(dynamo.Permissions)},
		Handler: routes.Bind(Handlers, stats.Handlers.Get)},
	{Method: "GET", Path: "/admin/stats/activity", Function: "admin-stats", Guard: adminwire.Admin,
		Access:  []routes.Access{routes.Read(dynamo.Activity), routes.Keep(dynamo.Limits)},
		Handler: routes.Bind(Days, (*activity.Days).Handler)},
}
