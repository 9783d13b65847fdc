// Package adminworkspaceroutes is the admin of workspaces and their
// members (api.md section 8): the admin-workspaces function.
package adminworkspaceroutes

import (
	"sentinel/internal/app"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/wire/adminwire"
	"sentinel/internal/wire/directorywire"
	"sentinel/internal/wire/permissionswire"
	"sentinel/internal/wire/rbacwire"
)

// Dependents are purged before a workspace or a member is removed: RBAC
// (roles, assignments) and permissions (resource ACLs, shares).
var Dependents = &app.Service[[]directory.Dependent]{Name: "workspace dependents", Build: func(e *app.Env) ([]directory.Dependent, error) {
	roles, err := rbacwire.Store.Get(e)
	if err != nil {
		return nil, err
	}
	perms, err := permissionswire.Store.Get(e)
	if err != nil {
		return nil, err
	}
	return []directory.Dependent{roles, perms}, nil
}}

// Handlers is the directory with its dependents.
var Handlers = directorywire.Purging("workspace admin", Dependents)

// access: the directory and the activity log, and the dependents' tables.
var access = []routes.Access{routes.Write(dynamo.Directory), routes.Write(dynamo.Activity), routes.Write(dynamo.RBAC), routes.Write(dynamo.Permissions)}

var route = routes.For("admin-workspaces", adminwire.Admin, access, Handlers)

// Routes of the workspaces and their members.
var Routes = []routes.Route{
	route("GET", "/admin/workspaces", directory.Handlers.ListWorkspaces),
	route("POST", "/admin/workspaces", directory.Handlers.CreateWorkspace),
	route("GET", "/admin/workspaces/{id}", directory.Handlers.GetWorkspace),
	route("PATCH", "/admin/workspaces/{id}", directory.Handlers.UpdateWorkspace),
	route("DELETE", "/admin/workspaces/{id}", directory.Handlers.DeleteWorkspace),
	route("GET", "/admin/workspaces/{id}/members", directory.Handlers.ListMembers),
	route("POST", "/admin/workspaces/{id}/members", directory.Handlers.AddMember),
	route("PATCH", "/admin/workspaces/{id}/members/{user_id}", directory.Handlers.UpdateMember),
	route("DELETE", "/admin/workspaces/{id}/members/{user_id}", directory.Handlers.RemoveMember),
}
