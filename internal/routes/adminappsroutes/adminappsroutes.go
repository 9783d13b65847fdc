// Package adminappsroutes is the admin of service apps (api.md section 3):
// the admin-service-apps function.
package adminappsroutes

import (
	"context"

	"sentinel/internal/app"
	"sentinel/internal/dynamo"
	"sentinel/internal/permissions"
	"sentinel/internal/routes"
	"sentinel/internal/serviceapps"
	"sentinel/internal/wire/adminwire"
	"sentinel/internal/wire/appswire"
	"sentinel/internal/wire/permissionswire"
	"sentinel/internal/wire/rbacwire"
)

// Deleting a service app purges what it registered under its service name,
// and so does creating an app that reuses a deleted app's name
// (serviceapps.ServiceData: permissions and RBAC).
var access = []routes.Access{routes.Write(dynamo.ServiceApps), routes.Write(dynamo.Activity), routes.Write(dynamo.Permissions), routes.Write(dynamo.RBAC)}

// Handlers is the admin of service apps: recorded, and its deletes purge
// the service's resources and their ACLs, and its service actions.
var Handlers = &app.Service[serviceapps.Handlers]{Name: "service apps admin", Build: func(e *app.Env) (serviceapps.Handlers, error) {
	s, err := appswire.Logged.Get(e)
	if err != nil {
		return serviceapps.Handlers{}, err
	}
	roles, err := rbacwire.Logged.Get(e)
	if err != nil {
		return serviceapps.Handlers{}, err
	}
	perms, err := permissionswire.Logged.Get(e)
	if err != nil {
		return serviceapps.Handlers{}, err
	}
	return serviceapps.Handlers{Store: s.WithServiceData(roles, servicePermissions{perms})}, nil
}}

// servicePermissions purges a deleted service app's resources and their
// ACLs (serviceapps.ServiceData).
type servicePermissions struct{ *permissions.Store }

func (p servicePermissions) PurgeService(ctx context.Context, serviceName string) error {
	_, err := p.Store.PurgeService(ctx, serviceName)
	return err
}

var route = routes.For("admin-service-apps", adminwire.Admin, access, Handlers)

// Routes of the service apps, their keys and origins.
var Routes = []routes.Route{
	route("GET", "/admin/service-apps", serviceapps.Handlers.List),
	route("POST", "/admin/service-apps", serviceapps.Handlers.Create),
	route("GET", "/admin/service-apps/{id}", serviceapps.Handlers.Get),
	route("PATCH", "/admin/service-apps/{id}", serviceapps.Handlers.Update),
	route("POST", "/admin/service-apps/{id}/rotate-key", serviceapps.Handlers.Rotate),
	route("POST", "/admin/service-apps/{id}/revoke-previous-key", serviceapps.Handlers.RevokePrevious),
	route("DELETE", "/admin/service-apps/{id}", serviceapps.Handlers.Delete),
}
