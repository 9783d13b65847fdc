// Package adminroleroutes is the admin of roles and registered actions
// (api.md section 8): the admin-roles and admin-service-actions functions.
package adminroleroutes

import (
	"sentinel/internal/dynamo"
	"sentinel/internal/rbac"
	"sentinel/internal/routes"
	"sentinel/internal/wire/adminwire"
	"sentinel/internal/wire/rbacwire"
)

var (
	// Roles are created in existing workspaces and held by their members:
	// the role admin reads the directory, and checks the membership in an
	// assignment's transaction (directory.Guard).
	roleAccess   = []routes.Access{routes.Write(dynamo.RBAC), routes.Write(dynamo.Activity), routes.Guarded(dynamo.Directory)}
	actionAccess = []routes.Access{routes.Write(dynamo.RBAC), routes.Write(dynamo.Activity)}
)

var (
	role   = routes.For("admin-roles", adminwire.Admin, roleAccess, rbacwire.Roles)
	action = routes.For("admin-service-actions", adminwire.Admin, actionAccess, rbacwire.ServiceActions)
)

// Routes of the roles and of the registered actions.
var Routes = []routes.Route{
	role("GET", "/admin/workspaces/{id}/roles", rbac.Handlers.ListRoles),
	role("POST", "/admin/workspaces/{id}/roles", rbac.Handlers.CreateRole),
	role("PATCH", "/admin/roles/{rid}", rbac.Handlers.UpdateRole),
	role("DELETE", "/admin/roles/{rid}", rbac.Handlers.DeleteRole),
	role("GET", "/admin/roles/{rid}/actions", rbac.Handlers.ListActions),
	role("POST", "/admin/roles/{rid}/actions", rbac.Handlers.AddActions),
	role("DELETE", "/admin/roles/{rid}/actions/{action_id}", rbac.Handlers.RemoveAction),
	role("GET", "/admin/roles/{rid}/members", rbac.Handlers.ListMembers),
	role("POST", "/admin/roles/{rid}/members/{user_id}", rbac.Handlers.AddMember),
	role("DELETE", "/admin/roles/{rid}/members/{user_id}", rbac.Handlers.RemoveMember),

	action("GET", "/admin/service-actions", rbac.Handlers.ListServiceActions),
	action("DELETE", "/admin/service-actions/{id}", rbac.Handlers.DeleteServiceAction),
}
