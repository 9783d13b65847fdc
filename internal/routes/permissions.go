package routes

import (
	"slices"

	"sentinel/internal/app"
	"sentinel/internal/authtier"
	"sentinel/internal/dynamo"
	"sentinel/internal/permissions"
)

// perms adapts the permission handlers (internal/permissions).
var perms = area(func(d *app.Deps) permissions.Handlers { return permissions.Handlers{Store: d.Permissions} })

var (
	permRead  = []Access{Read(dynamo.Permissions)}
	permWrite = []Access{Write(dynamo.Permissions)}
	// The admin function also writes the activity log; it, sharing and the
	// enriched view read the directory (grantees, names).
	adminPerms = []Access{Write(dynamo.Permissions), Write(dynamo.Activity), directoryGuard}
)

// permissionRoutes: resource ACLs (api.md sections 4 and 8). Addressed by
// permission id, the scope is the record's service; visibility and
// revocation stay key-tier even though the original SDK sends a bearer
// token along (it is ignored).
var permissionRoutes = []Route{
	{Method: "POST", Path: "/permissions/register", Function: "permissions-register", Tier: authtier.ServiceKey, Access: permWrite, Handler: perms(permissions.Handlers.Register)},
	{Method: "POST", Path: "/permissions/check", Function: "permissions-check", Tier: authtier.Dual, Access: permRead, Handler: perms(permissions.Handlers.Check)},
	{Method: "POST", Path: "/permissions/accessible", Function: "permissions-accessible", Tier: authtier.Dual, Access: permRead, Handler: perms(permissions.Handlers.Accessible)},
	{Method: "POST", Path: "/permissions/{id}/share", Function: "permissions-share", Tier: authtier.Dual, Access: append(slices.Clone(permWrite), directoryGuard), Handler: perms(permissions.Handlers.Share)},
	{Method: "DELETE", Path: "/permissions/{id}/share", Function: "permissions-unshare", Tier: authtier.ServiceKey, Access: permWrite, Handler: perms(permissions.Handlers.Unshare)},
	{Method: "PATCH", Path: "/permissions/{id}/visibility", Function: "permissions-visibility", Tier: authtier.ServiceKey, Access: permWrite, Handler: perms(permissions.Handlers.Visibility)},
	{Method: "GET", Path: "/permissions/resource/{service}/{type}/{resource_id}", Function: "permissions-resource-get", Tier: authtier.ServiceKey, Access: permRead, Handler: perms(permissions.Handlers.Resource)},
	{Method: "GET", Path: "/permissions/resource/{service}/{type}/{resource_id}/enriched", Function: "permissions-resource-enriched", Tier: authtier.ServiceKey, Access: slices.Concat(permRead, directoryReads), Handler: perms(permissions.Handlers.Enriched)},
	{Method: "DELETE", Path: "/permissions/resource/{service}/{type}/{resource_id}", Function: "permissions-resource-delete", Tier: authtier.ServiceKey, Access: permWrite, Handler: perms(permissions.Handlers.Deregister)},

	{Method: "GET", Path: "/admin/permissions", Function: "admin-permissions", Tier: authtier.Admin, Access: adminPerms, Handler: perms(permissions.Handlers.List)},
	{Method: "GET", Path: "/admin/permissions/{id}", Function: "admin-permissions", Tier: authtier.Admin, Access: adminPerms, Handler: perms(permissions.Handlers.Get)},
	{Method: "PATCH", Path: "/admin/permissions/{id}/visibility", Function: "admin-permissions", Tier: authtier.Admin, Access: adminPerms, Handler: perms(permissions.Handlers.Visibility)},
	{Method: "POST", Path: "/admin/permissions/{id}/share", Function: "admin-permissions", Tier: authtier.Admin, Access: adminPerms, Handler: perms(permissions.Handlers.Share)},
	{Method: "DELETE", Path: "/admin/permissions/{id}/share", Function: "admin-permissions", Tier: authtier.Admin, Access: adminPerms, Handler: perms(permissions.Handlers.Unshare)},
	{Method: "DELETE", Path: "/admin/permissions/service/{service_name}", Function: "admin-permissions", Tier: authtier.Admin, Access: adminPerms, Handler: perms(permissions.Handlers.PurgeService)},
}
