// Package activityroutes is the activity log's admin route: the
// admin-activity function, which only reads.
package activityroutes

import (
	"sentinel/internal/activity"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/wire/activitywire"
	"sentinel/internal/wire/adminwire"
)

// Routes: GET /admin/activity (api.md section 8).
var Routes = []routes.Route{
	{Method: "GET", Path: "/admin/activity", Function: "admin-activity", Guard: adminwire.Admin, Access: []routes.Access{routes.Read(dynamo.Activity)}, Handler: routes.Bind(activitywire.Log, (*activity.Log).ListHandler)},
}
