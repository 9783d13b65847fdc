// Package permissionroutes is the backend's resource ACL routes of the
// service-key tier (api.md section 4), a function each; those of the dual
// tier are permissiondualroutes (apart, so that these functions link no
// token verification).
package permissionroutes

import (
	"net/http"

	"sentinel/internal/dynamo"
	"sentinel/internal/permissions"
	"sentinel/internal/routes"
	"sentinel/internal/wire/appswire"
	"sentinel/internal/wire/permissionswire"
)

var (
	read  = []routes.Access{routes.Read(dynamo.Permissions)}
	write = []routes.Access{routes.Write(dynamo.Permissions)}
	// The enriched view names people from the directory.
	enriched = []routes.Access{routes.Read(dynamo.Permissions), routes.Read(dynamo.Directory)}
)

// backend binds a handler of the routes that read no directory.
func backend(m func(permissions.Handlers, *http.Request) (int, any, error)) routes.Constructor {
	return routes.Bind(permissionswire.Backend, m)
}

// Routes: addressed by permission id, the scope is the record's service;
// visibility and revocation stay key-tier even though the original SDK
// sends a bearer token along (it is ignored).
var Routes = []routes.Route{
	{Method: "POST", Path: "/permissions/register", Function: "permissions-register", Guard: appswire.KeyOnly, Access: write, Handler: backend(permissions.Handlers.Register)},
	{Method: "DELETE", Path: "/permissions/{id}/share", Function: "permissions-unshare", Guard: appswire.KeyOnly, Access: write, Handler: backend(permissions.Handlers.Unshare)},
	{Method: "PATCH", Path: "/permissions/{id}/visibility", Function: "permissions-visibility", Guard: appswire.KeyOnly, Access: write, Handler: backend(permissions.Handlers.Visibility)},
	{Method: "GET", Path: "/permissions/resource/{service}/{type}/{resource_id}", Function: "permissions-resource-get", Guard: appswire.KeyOnly, Access: read, Handler: backend(permissions.Handlers.Resource)},
	{Method: "GET", Path: "/permissions/resource/{service}/{type}/{resource_id}/enriched", Function: "permissions-resource-enriched", Guard: appswire.KeyOnly, Access: enriched, Handler: routes.Bind(permissionswire.Sharing, permissions.Handlers.Enriched)},
	{Method: "DELETE", Path: "/permissions/resource/{service}/{type}/{resource_id}", Function: "permissions-resource-delete", Guard: appswire.KeyOnly, Access: write, Handler: backend(permissions.Handlers.Deregister)},
}
