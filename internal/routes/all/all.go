// Package all assembles the route table: every group's routes, for the CDK
// stack, the local gateway, the operator tools and the tests. A function's
// binary never imports it (functions/<name>/main.go imports its own group).
package all

import (
	"sentinel/internal/routes"
	"sentinel/internal/routes/activityroutes"
	"sentinel/internal/routes/adminadminroutes"
	"sentinel/internal/routes/adminappsroutes"
	"sentinel/internal/routes/adminauthroutes"
	"sentinel/internal/routes/admingrouproutes"
	"sentinel/internal/routes/adminpermissionroutes"
	"sentinel/internal/routes/adminroleroutes"
	"sentinel/internal/routes/adminuserroutes"
	"sentinel/internal/routes/adminworkspaceroutes"
	"sentinel/internal/routes/authzroutes"
	"sentinel/internal/routes/healthroutes"
	"sentinel/internal/routes/jwksroutes"
	"sentinel/internal/routes/openapiroutes"
	"sentinel/internal/routes/permissiondualroutes"
	"sentinel/internal/routes/permissionroutes"
	"sentinel/internal/routes/preflightroutes"
	"sentinel/internal/routes/roledualroutes"
	"sentinel/internal/routes/roleroutes"
	"sentinel/internal/routes/statsroutes"
	"sentinel/internal/routes/systemroutes"
	"sentinel/internal/routes/whoamiroutes"
	"sentinel/internal/routes/workspaceroutes"
)

// Group is one package of the table: functions/<name>/main.go starts its
// function with its group's Routes.
type Group struct {
	Package string // under internal/routes
	Routes  []routes.Route
}

// Groups is the table, package by package.
var Groups = []Group{
	{"healthroutes", healthroutes.Routes},
	{"jwksroutes", jwksroutes.Routes},
	{"openapiroutes", openapiroutes.Routes},
	{"whoamiroutes", whoamiroutes.Routes},
	{"permissionroutes", permissionroutes.Routes},
	{"permissiondualroutes", permissiondualroutes.Routes},
	{"roleroutes", roleroutes.Routes},
	{"roledualroutes", roledualroutes.Routes},
	{"workspaceroutes", workspaceroutes.Routes},
	{"authzroutes", authzroutes.Routes},
	{"preflightroutes", preflightroutes.Routes},
	{"adminauthroutes", adminauthroutes.Routes},
	{"adminadminroutes", adminadminroutes.Routes},
	{"adminappsroutes", adminappsroutes.Routes},
	{"activityroutes", activityroutes.Routes},
	{"statsroutes", statsroutes.Routes},
	{"systemroutes", systemroutes.Routes},
	{"adminworkspaceroutes", adminworkspaceroutes.Routes},
	{"admingrouproutes", admingrouproutes.Routes},
	{"adminuserroutes", adminuserroutes.Routes},
	{"adminroleroutes", adminroleroutes.Routes},
	{"adminpermissionroutes", adminpermissionroutes.Routes},
}

// Routes is every endpoint of the API.
var Routes = func() []routes.Route {
	var out []routes.Route
	for _, g := range Groups {
		out = append(out, g.Routes...)
	}
	return out
}()

// Functions groups the table by function, in name order.
func Functions() []routes.Function { return routes.Functions(Routes) }

// Function returns a function of the table by name.
func Function(name string) (routes.Function, bool) { return routes.FunctionNamed(Routes, name) }
