// Package systemroutes is the admin site's system pages: the admin-system
// function (GET /admin/health, GET /admin/settings).
package systemroutes

import (
	"sentinel/internal/app"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/idp"
	"sentinel/internal/routes"
	"sentinel/internal/system"
	"sentinel/internal/token"
	"sentinel/internal/wire/adminwire"
	"sentinel/internal/wire/secretswire"
)

// Handlers checks every table, both key rings' public keys and the
// identity providers the deployment configures.
var Handlers = &app.Service[system.Handlers]{Name: "system", Build: func(e *app.Env) (system.Handlers, error) {
	h := system.Handlers{Config: e.Config, Rings: map[token.RingName]*token.Ring{}, IdPs: idp.New(e.Config.OIDCProviders, nil, e.Now), Now: e.Now}
	for _, t := range dynamo.All {
		name, err := e.Table(t)
		if err != nil {
			return system.Handlers{}, err
		}
		h.Tables = append(h.Tables, system.Table{Name: t.ID, Repo: dynamo.Repo{DB: e.DB, Table: name}, Key: system.ProbeKey(t)})
	}
	for r, svc := range map[token.RingName]*app.Service[*token.Ring]{token.UserRing: secretswire.UserKeys, token.AdminRing: secretswire.AdminKeys} {
		ring, err := svc.Get(e)
		if err != nil {
			return system.Handlers{}, err
		}
		h.Rings[r] = ring
	}
	return h, nil
}}

// access: one GetItem per table.
var access = func() []routes.Access {
	var out []routes.Access
	for _, t := range dynamo.All {
		out = append(out, routes.Probe(t))
	}
	return out
}()

// settings: the identity providers, the rate limits and the TOTP rule the
// pages report.
var settings = append([]string{config.EnvAuthFailureLimit, config.EnvAdminRequireTOTP}, config.AuthzSettings...)

// Routes: GET /admin/health and GET /admin/settings (api.md section 8).
var Routes = []routes.Route{
	{Method: "GET", Path: "/admin/health", Function: "admin-system", Guard: adminwire.Admin, Access: access, Keys: token.VerifyUser, Settings: settings, Handler: routes.Bind(Handlers, system.Handlers.Health)},
	{Method: "GET", Path: "/admin/settings", Function: "admin-system", Guard: adminwire.Admin, Access: access, Keys: token.VerifyUser, Settings: settings, Handler: routes.Bind(Handlers, system.Handlers.Settings)},
}
