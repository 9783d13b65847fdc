package routes

import (
	"slices"

	"sentinel/internal/app"
	"sentinel/internal/authtier"
	"sentinel/internal/dynamo"
	"sentinel/internal/rbac"
)

// rbacHandler adapts the RBAC handlers (internal/rbac).
var rbacHandler = area(func(d *app.Deps) rbac.Handlers { return rbac.Handlers{Store: d.RBAC} })

// The checks only read RBAC; registration and the admin functions write it.
// The admin functions also read the directory (members, workspaces) and
// check the membership in an assignment's transaction; the key-only check
// reads the membership of the user it names.
var (
	rbacRead  = []Access{Read(dynamo.RBAC)}
	rbacAdmin = []Access{Write(dynamo.RBAC), Write(dynamo.Activity), directoryGuard}
)

// rbacRoutes: roles and service actions (issue: RBAC; api.md sections 5 and 8).
var rbacRoutes = []Route{
	{Method: "POST", Path: "/roles/actions/register", Function: "roles-actions-register", Tier: authtier.ServiceKey, Access: []Access{Write(dynamo.RBAC)}, Handler: rbacHandler(rbac.Handlers.Register)},
	{Method: "POST", Path: "/roles/check-action", Function: "roles-check-action", Tier: authtier.Dual, Access: rbacRead, Handler: rbacHandler(rbac.Handlers.CheckAction)},
	{Method: "GET", Path: "/roles/user-actions", Function: "roles-user-actions", Tier: authtier.Dual, Access: rbacRead, Handler: rbacHandler(rbac.Handlers.UserActions)},
	{Method: "POST", Path: "/roles/check", Function: "roles-check", Tier: authtier.ServiceKey, Access: slices.Concat(rbacRead, directoryReads), Handler: rbacHandler(rbac.Handlers.Check)},

	{Method: "GET", Path: "/admin/workspaces/{id}/roles", Function: "admin-roles", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.ListRoles)},
	{Method: "POST", Path: "/admin/workspaces/{id}/roles", Function: "admin-roles", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.CreateRole)},
	{Method: "PATCH", Path: "/admin/roles/{rid}", Function: "admin-roles", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.UpdateRole)},
	{Method: "DELETE", Path: "/admin/roles/{rid}", Function: "admin-roles", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.DeleteRole)},
	{Method: "GET", Path: "/admin/roles/{rid}/actions", Function: "admin-roles", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.ListActions)},
	{Method: "POST", Path: "/admin/roles/{rid}/actions", Function: "admin-roles", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.AddActions)},
	{Method: "DELETE", Path: "/admin/roles/{rid}/actions/{action_id}", Function: "admin-roles", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.RemoveAction)},
	{Method: "GET", Path: "/admin/roles/{rid}/members", Function: "admin-roles", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.ListMembers)},
	{Method: "POST", Path: "/admin/roles/{rid}/members/{user_id}", Function: "admin-roles", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.AddMember)},
	{Method: "DELETE", Path: "/admin/roles/{rid}/members/{user_id}", Function: "admin-roles", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.RemoveMember)},

	{Method: "GET", Path: "/admin/service-actions", Function: "admin-service-actions", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.ListServiceActions)},
	{Method: "DELETE", Path: "/admin/service-actions/{id}", Function: "admin-service-actions", Tier: authtier.Admin, Access: rbacAdmin, Handler: rbacHandler(rbac.Handlers.DeleteServiceAction)},
}
