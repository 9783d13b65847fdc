// Package adminpermissionroutes is the admin of resource ACLs (api.md
// section 8): the admin-permissions function.
package adminpermissionroutes

import (
	"sentinel/internal/dynamo"
	"sentinel/internal/permissions"
	"sentinel/internal/routes"
	"sentinel/internal/wire/adminwire"
	"sentinel/internal/wire/permissionswire"
)

// access: the ACLs, the activity log, and the directory (grantees, checked
// again in a share's transaction; names).
var access = []routes.Access{routes.Write(dynamo.Permissions), routes.Write(dynamo.Activity), routes.Guarded(dynamo.Directory)}

var route = routes.For("admin-permissions", adminwire.Admin, access, permissionswire.Admin)

// Routes of the permission records, their shares and visibility.
var Routes = []routes.Route{
	route("GET", "/admin/permissions", permissions.Handlers.List),
	route("GET", "/admin/permissions/{id}", permissions.Handlers.Get),
	route("PATCH", "/admin/permissions/{id}/visibility", permissions.Handlers.Visibility),
	route("POST", "/admin/permissions/{id}/share", permissions.Handlers.Share),
	route("DELETE", "/admin/permissions/{id}/share", permissions.Handlers.Unshare),
	route("DELETE", "/admin/permissions/service/{service_name}", permissions.Handlers.PurgeService),
}
