// Package directorywire builds the directory in the shapes functions use
// it.
package directorywire

import (
	"sentinel/internal/app"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/wire/activitywire"
)

// Reader is the directory of functions that only read it: the dual tier,
// RBAC's and permissions' lookups, the backend's member lists, the
// statistics. It has no activity log, dependents or roles.
var Reader = &app.Service[*directory.Store]{Name: "directory reader", Build: func(e *app.Env) (*directory.Store, error) {
	table, err := e.Table(dynamo.Directory)
	if err != nil {
		return nil, err
	}
	return directory.NewStore(e.DB, table, nil, e.Now), nil
}}

// Writer is the directory of a function that changes it: its changes are
// recorded in the activity log.
var Writer = &app.Service[*directory.Store]{Name: "directory", Build: func(e *app.Env) (*directory.Store, error) {
	table, err := e.Table(dynamo.Directory)
	if err != nil {
		return nil, err
	}
	log, err := activitywire.Log.Get(e)
	if err != nil {
		return nil, err
	}
	return directory.NewStore(e.DB, table, log, e.Now), nil
}}

// Admin is the handler set of a directory admin function: the Writer
// with the peers its routes need (peers returns it with them).
func Admin(name string, peers func(*app.Env, *directory.Store) (*directory.Store, error)) *app.Service[directory.Handlers] {
	return &app.Service[directory.Handlers]{Name: name, Build: func(e *app.Env) (directory.Handlers, error) {
		s, err := Writer.Get(e)
		if err != nil {
			return directory.Handlers{}, err
		}
		s, err = peers(e, s)
		return directory.Handlers{Store: s}, err
	}}
}

// Purging is the handler set of a directory admin function whose
// removals first have deps purge what they hold.
func Purging(name string, deps *app.Service[[]directory.Dependent]) *app.Service[directory.Handlers] {
	return Admin(name, func(e *app.Env, s *directory.Store) (*directory.Store, error) {
		d, err := deps.Get(e)
		return s.WithDependents(d...), err
	})
}

// Backend is the handler set of the backend's reads (api.md section 6).
var Backend = &app.Service[directory.Handlers]{Name: "directory reads", Build: func(e *app.Env) (directory.Handlers, error) {
	s, err := Reader.Get(e)
	return directory.Handlers{Store: s}, err
}}
