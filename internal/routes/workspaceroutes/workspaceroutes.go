// Package workspaceroutes is the backend's reads of the directory (api.md
// section 6), a function each.
package workspaceroutes

import (
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/wire/directorywire"
	"sentinel/internal/wire/dualwire"
)

var read = []routes.Access{routes.Read(dynamo.Directory)}

// Routes of a workspace's members and groups, for a member's token.
var Routes = []routes.Route{
	{Method: "GET", Path: "/workspaces/{id}/members", Function: "workspace-members", Guard: dualwire.Dual, Access: read, Handler: routes.Bind(directorywire.Backend, directory.Handlers.WorkspaceMembers)},
	{Method: "GET", Path: "/workspaces/{id}/groups", Function: "workspace-groups", Guard: dualwire.Dual, Access: read, Handler: routes.Bind(directorywire.Backend, directory.Handlers.WorkspaceGroups)},
	{Method: "GET", Path: "/workspaces/{id}/groups/{gid}/members", Function: "workspace-group-members", Guard: dualwire.Dual, Access: read, Handler: routes.Bind(directorywire.Backend, directory.Handlers.WorkspaceGroupMembers)},
}
