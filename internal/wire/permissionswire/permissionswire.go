// Package permissionswire builds the resource ACL store in the shapes
// functions use it.
package permissionswire

import (
	"sentinel/internal/app"
	"sentinel/internal/dynamo"
	"sentinel/internal/permissions"
	"sentinel/internal/wire/activitywire"
	"sentinel/internal/wire/directorywire"
)

// Store is the ACL store of the backend's calls (not recorded: they come at
// request rates) and of the purges the directory asks for; it reads no
// directory.
var Store = &app.Service[*permissions.Store]{Name: "permissions store", Build: func(e *app.Env) (*permissions.Store, error) {
	table, err := e.Table(dynamo.Permissions)
	if err != nil {
		return nil, err
	}
	return permissions.NewStore(e.DB, table, nil, e.Now), nil
}}

// Directory is what sharing and the enriched view read of the directory:
// its reader; tests put a fake here.
var Directory = &app.Service[permissions.Directory]{Name: "permissions' directory", Build: func(e *app.Env) (permissions.Directory, error) {
	return directorywire.Reader.Get(e)
}}

// Backend is the handler set of the backend's routes that read no directory.
var Backend = &app.Service[permissions.Handlers]{Name: "permissions", Build: func(e *app.Env) (permissions.Handlers, error) {
	s, err := Store.Get(e)
	return permissions.Handlers{Store: s}, err
}}

// Sharing is the handler set of the backend's routes that read the
// directory: sharing (grantees must be members or groups of the
// workspace) and the enriched view (names).
var Sharing = &app.Service[permissions.Handlers]{Name: "permissions with the directory", Build: func(e *app.Env) (permissions.Handlers, error) {
	s, err := Store.Get(e)
	if err != nil {
		return permissions.Handlers{}, err
	}
	dir, err := Directory.Get(e)
	return permissions.Handlers{Store: s.WithDirectory(dir)}, err
}}

// Logged is the ACL store recording an admin's changes, without the
// directory: the admin's, and the purge of a deleted service app's data.
var Logged = &app.Service[*permissions.Store]{Name: "permissions admin store", Build: func(e *app.Env) (*permissions.Store, error) {
	table, err := e.Table(dynamo.Permissions)
	if err != nil {
		return nil, err
	}
	log, err := activitywire.Log.Get(e)
	if err != nil {
		return nil, err
	}
	return permissions.NewStore(e.DB, table, log, e.Now), nil
}}

// Admin is the admin's handler set: recorded, with the directory.
var Admin = &app.Service[permissions.Handlers]{Name: "permission admin", Build: func(e *app.Env) (permissions.Handlers, error) {
	s, err := Logged.Get(e)
	if err != nil {
		return permissions.Handlers{}, err
	}
	dir, err := Directory.Get(e)
	if err != nil {
		return permissions.Handlers{}, err
	}
	return permissions.Handlers{Store: s.WithDirectory(dir)}, nil
}}
