package routes

import (
	"sentinel/internal/app"
	"sentinel/internal/authtier"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
)

// dir adapts the directory handlers (internal/directory).
var dir = area(func(d *app.Deps) directory.Handlers { return directory.Handlers{Store: d.Directory} })

// Deleting a workspace, a member or a group first asks the directory's
// Dependents (RBAC, permissions) to purge what they hold about it: their
// areas add their tables to adminWorkspaces and, when they hold data about
// groups (permissions: shares to a group), to adminGroups.
var (
	adminWorkspaces = []Access{Write(dynamo.Directory), Write(dynamo.Activity), Write(dynamo.RBAC), Write(dynamo.Permissions)}
	adminGroups     = []Access{Write(dynamo.Directory), Write(dynamo.Activity), Write(dynamo.Permissions)}
	adminUsers      = []Access{Write(dynamo.Directory), Write(dynamo.Activity)}
	directoryReads  = []Access{Read(dynamo.Directory)}
	// directoryGuard is for grants: they check the membership (or group)
	// in their own transaction (directory.Guard).
	directoryGuard = Guarded(dynamo.Directory)
)

// directoryRoutes: users, workspaces, memberships, groups (issue: directory).
var directoryRoutes = []Route{
	{Method: "GET", Path: "/admin/workspaces", Function: "admin-workspaces", Tier: authtier.Admin, Access: adminWorkspaces, Handler: dir(directory.Handlers.ListWorkspaces)},
	{Method: "POST", Path: "/admin/workspaces", Function: "admin-workspaces", Tier: authtier.Admin, Access: adminWorkspaces, Handler: dir(directory.Handlers.CreateWorkspace)},
	{Method: "GET", Path: "/admin/workspaces/{id}", Function: "admin-workspaces", Tier: authtier.Admin, Access: adminWorkspaces, Handler: dir(directory.Handlers.GetWorkspace)},
	{Method: "PATCH", Path: "/admin/workspaces/{id}", Function: "admin-workspaces", Tier: authtier.Admin, Access: adminWorkspaces, Handler: dir(directory.Handlers.UpdateWorkspace)},
	{Method: "DELETE", Path: "/admin/workspaces/{id}", Function: "admin-workspaces", Tier: authtier.Admin, Access: adminWorkspaces, Handler: dir(directory.Handlers.DeleteWorkspace)},
	{Method: "GET", Path: "/admin/workspaces/{id}/members", Function: "admin-workspaces", Tier: authtier.Admin, Access: adminWorkspaces, Handler: dir(directory.Handlers.ListMembers)},
	{Method: "POST", Path: "/admin/workspaces/{id}/members", Function: "admin-workspaces", Tier: authtier.Admin, Access: adminWorkspaces, Handler: dir(directory.Handlers.AddMember)},
	{Method: "PATCH", Path: "/admin/workspaces/{id}/members/{user_id}", Function: "admin-workspaces", Tier: authtier.Admin, Access: adminWorkspaces, Handler: dir(directory.Handlers.UpdateMember)},
	{Method: "DELETE", Path: "/admin/workspaces/{id}/members/{user_id}", Function: "admin-workspaces", Tier: authtier.Admin, Access: adminWorkspaces, Handler: dir(directory.Handlers.RemoveMember)},

	{Method: "GET", Path: "/admin/workspaces/{id}/groups", Function: "admin-groups", Tier: authtier.Admin, Access: adminGroups, Handler: dir(directory.Handlers.ListGroups)},
	{Method: "POST", Path: "/admin/workspaces/{id}/groups", Function: "admin-groups", Tier: authtier.Admin, Access: adminGroups, Handler: dir(directory.Handlers.CreateGroup)},
	{Method: "PATCH", Path: "/admin/groups/{gid}", Function: "admin-groups", Tier: authtier.Admin, Access: adminGroups, Handler: dir(directory.Handlers.UpdateGroup)},
	{Method: "DELETE", Path: "/admin/groups/{gid}", Function: "admin-groups", Tier: authtier.Admin, Access: adminGroups, Handler: dir(directory.Handlers.DeleteGroup)},
	{Method: "GET", Path: "/admin/groups/{gid}/members", Function: "admin-groups", Tier: authtier.Admin, Access: adminGroups, Handler: dir(directory.Handlers.ListGroupMembers)},
	{Method: "POST", Path: "/admin/groups/{gid}/members/{user_id}", Function: "admin-groups", Tier: authtier.Admin, Access: adminGroups, Handler: dir(directory.Handlers.AddGroupMember)},
	{Method: "DELETE", Path: "/admin/groups/{gid}/members/{user_id}", Function: "admin-groups", Tier: authtier.Admin, Access: adminGroups, Handler: dir(directory.Handlers.RemoveGroupMember)},

	{Method: "GET", Path: "/admin/users", Function: "admin-users", Tier: authtier.Admin, Access: adminUsers, Handler: dir(directory.Handlers.ListUsers)},
	{Method: "POST", Path: "/admin/users", Function: "admin-users", Tier: authtier.Admin, Access: adminUsers, Handler: dir(directory.Handlers.CreateUser)},
	{Method: "GET", Path: "/admin/users/{id}", Function: "admin-users", Tier: authtier.Admin, Access: adminUsers, Handler: dir(directory.Handlers.GetUser)},
	{Method: "PATCH", Path: "/admin/users/{id}", Function: "admin-users", Tier: authtier.Admin, Access: adminUsers, Handler: dir(directory.Handlers.UpdateUser)},

	{Method: "GET", Path: "/workspaces/{id}/members", Function: "workspace-members", Tier: authtier.Dual, Access: directoryReads, Handler: dir(directory.Handlers.WorkspaceMembers)},
	{Method: "GET", Path: "/workspaces/{id}/groups", Function: "workspace-groups", Tier: authtier.Dual, Access: directoryReads, Handler: dir(directory.Handlers.WorkspaceGroups)},
	{Method: "GET", Path: "/workspaces/{id}/groups/{gid}/members", Function: "workspace-group-members", Tier: authtier.Dual, Access: directoryReads, Handler: dir(directory.Handlers.WorkspaceGroupMembers)},
}
