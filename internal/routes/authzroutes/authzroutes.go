// Package authzroutes is the route of the authz-resolve function (api.md
// section 7): an IdP token in, the user's workspaces or an authz token out.
package authzroutes

import (
	"sentinel/internal/app"
	"sentinel/internal/authz"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/idp"
	"sentinel/internal/routes"
	"sentinel/internal/token"
	"sentinel/internal/wire/appswire"
	"sentinel/internal/wire/directorywire"
	"sentinel/internal/wire/limitswire"
	"sentinel/internal/wire/rbacwire"
	"sentinel/internal/wire/secretswire"
)

// Directory is the directory as resolve reads and provisions it: its
// just-in-time users are recorded in the activity log.
var Directory = &app.Service[authz.Directory]{Name: "authz directory", Build: func(e *app.Env) (authz.Directory, error) {
	s, err := directorywire.Writer.Get(e)
	return directoryAdapter{s}, err
}}

// RBAC gives the authz token its actions.
var RBAC = &app.Service[authz.RBAC]{Name: "authz RBAC", Build: func(e *app.Env) (authz.RBAC, error) {
	s, err := rbacwire.Store.Get(e)
	return rbacAdapter{s}, err
}}

// Service resolves users and signs their authz tokens.
var Service = &app.Service[*authz.Service]{Name: "authz", Build: func(e *app.Env) (*authz.Service, error) {
	dir, err := Directory.Get(e)
	if err != nil {
		return nil, err
	}
	roles, err := RBAC.Get(e)
	if err != nil {
		return nil, err
	}
	limits, err := limitswire.Limiter.Get(e)
	if err != nil {
		return nil, err
	}
	keys, err := secretswire.UserKeys.Get(e)
	if err != nil {
		return nil, err
	}
	origins, err := appswire.Origins.Get(e)
	if err != nil {
		return nil, err
	}
	apps, err := appswire.Lookups.Get(e)
	if err != nil {
		return nil, err
	}
	return authz.New(authz.Options{
		Directory: dir, RBAC: roles, Verifier: idp.New(e.Config.OIDCProviders, nil, e.Now), Apps: apps, Keys: keys, Origins: origins,
		Limits: limits, TokenTTL: e.Config.AuthzTokenTTL, RateLimit: e.Config.AuthzRateLimit, Now: e.Now,
	})
}}

// Routes: the per-IP rate limit counters, the directory (just-in-time
// users and identity links, with their activity entries) and RBAC (the
// token's actions). A browser frontend is identified by its Origin, a
// backend by its key.
var Routes = []routes.Route{
	{Method: "POST", Path: "/authz/resolve", Function: "authz-resolve", Guard: appswire.KeyOrOrigin,
		Access: []routes.Access{routes.Write(dynamo.Limits), routes.Write(dynamo.Directory), routes.Write(dynamo.Activity), routes.Read(dynamo.RBAC)},
		Keys:   token.SignUser, Settings: config.AuthzSettings, MemoryMB: routes.SignMemoryMB, Handler: routes.Bind(Service, (*authz.Service).ResolveHandler)},
}
