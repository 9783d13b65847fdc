// Package adminwire builds admin sign-in and the admin tiers.
package adminwire

import (
	"net/http"

	"sentinel/internal/adminauth"
	"sentinel/internal/app"
	"sentinel/internal/authtier"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/web"
	"sentinel/internal/wire/activitywire"
	"sentinel/internal/wire/secretswire"
)

// Sessions checks admin sessions (the Admins table, the signing keys).
var Sessions = &app.Service[*adminauth.Sessions]{Name: "admin sessions", Build: func(e *app.Env) (*adminauth.Sessions, error) {
	table, err := e.Table(dynamo.Admins)
	if err != nil {
		return nil, err
	}
	keys, err := secretswire.AdminKeys.Get(e)
	if err != nil {
		return nil, err
	}
	return adminauth.NewSessions(e.DB, table, keys, e.Now), nil
}}

// Service signs admins in and out: sessions, the lockout counters in the
// Limits table, the activity log.
var Service = &app.Service[*adminauth.Service]{Name: "admin sign-in", Build: func(e *app.Env) (*adminauth.Service, error) {
	admins, err := e.Table(dynamo.Admins)
	if err != nil {
		return nil, err
	}
	limits, err := e.Table(dynamo.Limits)
	if err != nil {
		return nil, err
	}
	log, err := activitywire.Log.Get(e)
	if err != nil {
		return nil, err
	}
	keys, err := secretswire.AdminKeys.Get(e)
	if err != nil {
		return nil, err
	}
	return adminauth.New(adminauth.Options{
		DB: e.DB, AdminsTable: admins, LimitsTable: limits, Log: log, Keys: keys, Now: e.Now,
		PasswordCost: e.Config.PasswordCost, SecureCookies: !e.Config.Local(), RequireTOTP: e.Config.AdminRequireTOTP, Stage: e.Config.Stage,
	}), nil
}}

// Admin is the admin tier: a signed-in admin's session cookie (and
// X-Requested-With on writes).
var Admin = routes.Guard{Tier: authtier.Admin, Build: func(e *app.Env) (func(http.Handler) http.Handler, error) {
	s, err := Sessions.Get(e)
	if err != nil {
		return nil, err
	}
	return s.Require, nil
}}

// AdminAt is the admin tier of the routes a session at one of steps may
// use ("" for a full session; see adminauth's Step constants): the routes
// of a sign-in not finished yet.
func AdminAt(steps ...string) routes.Guard {
	return routes.Guard{Tier: authtier.Admin, Build: func(e *app.Env) (func(http.Handler) http.Handler, error) {
		s, err := Sessions.Get(e)
		if err != nil {
			return nil, err
		}
		return s.RequireStep(steps...), nil
	}}
}

// Login is the tier of the sign-in route: no session yet, X-Requested-With;
// the per-IP sign-in limit sees the viewer behind the admin site.
var Login = routes.Guard{Tier: authtier.AdminLogin, Build: func(e *app.Env) (func(http.Handler) http.Handler, error) {
	secret, err := secretswire.OriginSecret.Get(e)
	if err != nil {
		return nil, err
	}
	return func(h http.Handler) http.Handler {
		return adminauth.RequireXRW(web.BehindCloudFront(secret, h))
	}, nil
}}

// Accounts creates admins and tells whether one exists, for the operator
// tools (`sentinel admin create`, make dev's first admin): the Admins
// table and the activity log. It signs no one in, so it holds neither the
// signing keys nor the lockout counters.
var Accounts = &app.Service[*adminauth.Service]{Name: "admin accounts", Build: func(e *app.Env) (*adminauth.Service, error) {
	admins, err := e.Table(dynamo.Admins)
	if err != nil {
		return nil, err
	}
	log, err := activitywire.Log.Get(e)
	if err != nil {
		return nil, err
	}
	return adminauth.New(adminauth.Options{DB: e.DB, AdminsTable: admins, Log: log, Now: e.Now, PasswordCost: e.Config.PasswordCost}), nil
}}
