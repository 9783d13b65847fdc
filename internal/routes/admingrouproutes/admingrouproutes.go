// Package admingrouproutes is the admin of groups (api.md section 8): the
// admin-groups function.
package admingrouproutes

import (
	"sentinel/internal/app"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/wire/adminwire"
	"sentinel/internal/wire/directorywire"
	"sentinel/internal/wire/permissionswire"
)

// Dependents are purged before a group is deleted: permissions (shares to
// the group).
var Dependents = &app.Service[[]directory.Dependent]{Name: "group dependents", Build: func(e *app.Env) ([]directory.Dependent, error) {
	perms, err := permissionswire.Store.Get(e)
	if err != nil {
		return nil, err
	}
	return []directory.Dependent{perms}, nil
}}

// Handlers is the directory with its dependents.
var Handlers = directorywire.Purging("group admin", Dependents)

var access = []routes.Access{routes.Write(dynamo.Directory), routes.Write(dynamo.Activity), routes.Write(dynamo.Permissions)}

var route = routes.For("admin-groups", adminwire.Admin, access, Handlers)

// Routes of a workspace's groups and their members.
var Routes = []routes.Route{
	route("GET", "/admin/workspaces/{id}/groups", directory.Handlers.ListGroups),
	route("POST", "/admin/workspaces/{id}/groups", directory.Handlers.CreateGroup),
	route("GET", "/admin/groups/{gid}", directory.Handlers.GetGroup),
	route("PATCH", "/admin/groups/{gid}", directory.Handlers.UpdateGroup),
	route("DELETE", "/admin/groups/{gid}", directory.Handlers.DeleteGroup),
	route("GET", "/admin/groups/{gid}/members", directory.Handlers.ListGroupMembers),
	route("POST", "/admin/groups/{gid}/members/{user_id}", directory.Handlers.AddGroupMember),
	route("DELETE", "/admin/groups/{gid}/members/{user_id}", directory.Handlers.RemoveGroupMember),
}
