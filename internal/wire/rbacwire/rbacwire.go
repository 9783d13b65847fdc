// Package rbacwire builds RBAC's store in the shapes functions use it.
package rbacwire

import (
	"sentinel/internal/app"
	"sentinel/internal/dynamo"
	"sentinel/internal/rbac"
	"sentinel/internal/wire/activitywire"
	"sentinel/internal/wire/directorywire"
)

// Store is RBAC without the activity log or the directory: the checks,
// the backend's action registration, purges when the directory removes a
// workspace or member, the roles of the user detail, authz tokens'
// actions. None of them records or reads the directory.
var Store = &app.Service[*rbac.Store]{Name: "rbac store", Build: func(e *app.Env) (*rbac.Store, error) {
	table, err := e.Table(dynamo.RBAC)
	if err != nil {
		return nil, err
	}
	return rbac.NewStore(e.DB, table, nil, e.Now), nil
}}

// Directory is the directory the role admin reads (memberships, users,
// workspaces): the directory's reader; tests put a fake here.
var Directory = &app.Service[rbac.Directory]{Name: "rbac's directory", Build: func(e *app.Env) (rbac.Directory, error) {
	return directorywire.Reader.Get(e)
}}

// Logged is RBAC recording admin changes in the activity log.
var Logged = &app.Service[*rbac.Store]{Name: "rbac admin store", Build: func(e *app.Env) (*rbac.Store, error) {
	table, err := e.Table(dynamo.RBAC)
	if err != nil {
		return nil, err
	}
	log, err := activitywire.Log.Get(e)
	if err != nil {
		return nil, err
	}
	return rbac.NewStore(e.DB, table, log, e.Now), nil
}}

// Checks is the handler set of the backend's routes (api.md section 5).
var Checks = &app.Service[rbac.Handlers]{Name: "rbac checks", Build: func(e *app.Env) (rbac.Handlers, error) {
	s, err := Store.Get(e)
	return rbac.Handlers{Store: s}, err
}}

// MemberChecks is the handler set of the key-only check, which names its
// user: it reads the membership in the directory.
var MemberChecks = &app.Service[rbac.Handlers]{Name: "rbac member checks", Build: func(e *app.Env) (rbac.Handlers, error) {
	s, err := Store.Get(e)
	if err != nil {
		return rbac.Handlers{}, err
	}
	dir, err := Directory.Get(e)
	return rbac.Handlers{Store: s.WithDirectory(dir)}, err
}}

// Roles is the role admin: recorded, with the directory.
var Roles = &app.Service[rbac.Handlers]{Name: "role admin", Build: func(e *app.Env) (rbac.Handlers, error) {
	dir, err := Directory.Get(e)
	if err != nil {
		return rbac.Handlers{}, err
	}
	s, err := Logged.Get(e)
	if err != nil {
		return rbac.Handlers{}, err
	}
	return rbac.Handlers{Store: s.WithDirectory(dir)}, nil
}}

// ServiceActions is the admin of registered actions: recorded; it never
// reads the directory.
var ServiceActions = &app.Service[rbac.Handlers]{Name: "service action admin", Build: func(e *app.Env) (rbac.Handlers, error) {
	s, err := Logged.Get(e)
	return rbac.Handlers{Store: s}, err
}}
