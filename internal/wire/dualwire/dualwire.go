// Package dualwire builds the dual tier: a service key and a user token
// whose user the directory says is active.
package dualwire

import (
	"net/http"

	"sentinel/internal/app"
	"sentinel/internal/authtier"
	"sentinel/internal/routes"
	"sentinel/internal/wire/appswire"
	"sentinel/internal/wire/directorywire"
	"sentinel/internal/wire/limitswire"
	"sentinel/internal/wire/secretswire"
)

// DualAuthenticator authenticates a service key with a user token whose
// user the directory says is active, counting failures per client IP in
// the Limits table.
var DualAuthenticator = &app.Service[*authtier.Authenticator]{Name: "dual authenticator", Build: func(e *app.Env) (*authtier.Authenticator, error) {
	apps, err := appswire.Lookups.Get(e)
	if err != nil {
		return nil, err
	}
	keys, err := secretswire.UserKeys.Get(e)
	if err != nil {
		return nil, err
	}
	users, err := directorywire.Reader.Get(e)
	if err != nil {
		return nil, err
	}
	failures, err := limitswire.Limiter.Get(e)
	if err != nil {
		return nil, err
	}
	return appswire.FailureLimited(e, authtier.New(apps, keys, users, failures, e.Now)), nil
}}

// Dual is the service key + user token tier.
var Dual = routes.Guard{Tier: authtier.Dual, Build: func(e *app.Env) (func(http.Handler) http.Handler, error) {
	a, err := DualAuthenticator.Get(e)
	if err != nil {
		return nil, err
	}
	return a.Dual, nil
}}
