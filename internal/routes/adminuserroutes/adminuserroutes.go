// Package adminuserroutes is the admin of users (api.md section 8): the
// admin-users function.
package adminuserroutes

import (
	"sentinel/internal/app"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/wire/adminwire"
	"sentinel/internal/wire/directorywire"
	"sentinel/internal/wire/rbacwire"
)

// Roles names the roles a user holds in each membership: RBAC.
var Roles = &app.Service[directory.RoleSource]{Name: "user roles", Build: func(e *app.Env) (directory.RoleSource, error) {
	return rbacwire.Store.Get(e)
}}

// Handlers is the directory of the user admin, with RBAC's roles.
var Handlers = directorywire.Admin("user admin", func(e *app.Env, s *directory.Store) (*directory.Store, error) {
	roles, err := Roles.Get(e)
	return s.WithRoles(roles), err
})

// access: the directory and the activity log; the user detail reads RBAC.
var access = []routes.Access{routes.Write(dynamo.Directory), routes.Write(dynamo.Activity), routes.Read(dynamo.RBAC)}

var route = routes.For("admin-users", adminwire.Admin, access, Handlers)

// Routes of the users.
var Routes = []routes.Route{
	route("GET", "/admin/users", directory.Handlers.ListUsers),
	route("POST", "/admin/users", directory.Handlers.CreateUser),
	route("GET", "/admin/users/{id}", directory.Handlers.GetUser),
	route("PATCH", "/admin/users/{id}", directory.Handlers.UpdateUser),
}
