package routes

import (
	"net/http"

	"sentinel/internal/adminauth"
	"sentinel/internal/app"
	"sentinel/internal/authtier"
	"sentinel/internal/web"
)

// wrap puts a handler behind its tier's authentication.
func wrap(t authtier.Tier, d *app.Deps, h http.Handler) http.Handler {
	switch t {
	case authtier.Public:
		return h
	case authtier.ServiceKey:
		return d.Auth.KeyOnly(h)
	case authtier.Dual:
		return d.Auth.Dual(h)
	case authtier.KeyOrOrig:
		return d.Auth.KeyOrOrigin(h)
	case authtier.Admin:
		return d.Admins.Require(h)
	case authtier.AdminLogin:
		// The per-IP sign-in limit sees the viewer behind the admin site.
		return adminauth.RequireXRW(web.BehindCloudFront(d.Config.OriginSecret, h))
	}
	panic("routes: unknown tier " + string(t))
}
