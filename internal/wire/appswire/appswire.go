// Package appswire builds the service apps store and the tiers that
// authenticate a service key or a browser Origin.
package appswire

import (
	"net/http"

	"sentinel/internal/app"
	"sentinel/internal/authtier"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/serviceapps"
	"sentinel/internal/wire/activitywire"
	"sentinel/internal/wire/limitswire"
)

// Lookups is the store as the tiers and the statistics read it: key and
// origin lookups, counts, the key's last_used_at. It records nothing.
var Lookups = &app.Service[*serviceapps.Store]{Name: "service apps lookups", Build: func(e *app.Env) (*serviceapps.Store, error) {
	table, err := e.Table(dynamo.ServiceApps)
	if err != nil {
		return nil, err
	}
	return serviceapps.NewStore(e.DB, table, nil, e.Now, e.Config.KeyPrefix()), nil
}}

// Logged is the store of the service apps admin, which records its
// changes (the admin function adds the areas its deletes purge).
var Logged = &app.Service[*serviceapps.Store]{Name: "service apps admin store", Build: func(e *app.Env) (*serviceapps.Store, error) {
	table, err := e.Table(dynamo.ServiceApps)
	if err != nil {
		return nil, err
	}
	log, err := activitywire.Log.Get(e)
	if err != nil {
		return nil, err
	}
	return serviceapps.NewStore(e.DB, table, log, e.Now, e.Config.KeyPrefix()), nil
}}

// Origins authenticates browser Origins and the keys /authz/resolve is
// called with (the key-or-origin tier, whose rate limit is authz mode's
// own), and answers CORS lookups.
var Origins = &app.Service[*authtier.Authenticator]{Name: "origin authenticator", Build: func(e *app.Env) (*authtier.Authenticator, error) {
	apps, err := Lookups.Get(e)
	if err != nil {
		return nil, err
	}
	return authtier.New(apps, nil, nil, nil, e.Now), nil
}}

// Keys authenticates service keys, counting failures per client IP in the
// Limits table (the service-key tier, whoami).
var Keys = &app.Service[*authtier.Authenticator]{Name: "key authenticator", Build: func(e *app.Env) (*authtier.Authenticator, error) {
	apps, err := Lookups.Get(e)
	if err != nil {
		return nil, err
	}
	failures, err := limitswire.Limiter.Get(e)
	if err != nil {
		return nil, err
	}
	return FailureLimited(e, authtier.New(apps, nil, nil, failures, e.Now)), nil
}}

// FailureLimited returns a with the configured per-IP limit of failed
// authentications ($SENTINEL_AUTH_FAILURE_LIMIT; authtier.FailureLimit
// when unset).
func FailureLimited(e *app.Env, a *authtier.Authenticator) *authtier.Authenticator {
	if e.Config.AuthFailureLimit > 0 {
		a.SetFailureLimit(e.Config.AuthFailureLimit)
	}
	return a
}

// KeyOnly is the service-key tier.
var KeyOnly = routes.Guard{Tier: authtier.ServiceKey, Build: func(e *app.Env) (func(http.Handler) http.Handler, error) {
	a, err := Keys.Get(e)
	if err != nil {
		return nil, err
	}
	return a.KeyOnly, nil
}}

// KeyOrOrigin is the tier of /authz/resolve: a key, else an allowed Origin.
var KeyOrOrigin = routes.Guard{Tier: authtier.KeyOrOrig, Build: func(e *app.Env) (func(http.Handler) http.Handler, error) {
	a, err := Origins.Get(e)
	if err != nil {
		return nil, err
	}
	return a.KeyOrOrigin, nil
}}
