package routes

import (
	"net/http"

	"sentinel/internal/adminauth"
	"sentinel/internal/app"
)

// wrap puts a handler behind the tier's authentication.
func (t Tier) wrap(d *app.Deps, h http.Handler) http.Handler {
	switch t {
	case Public:
		return h
	case ServiceKey:
		return d.Auth.KeyOnly(h)
	case Dual:
		return d.Auth.Dual(h)
	case KeyOrOrig:
		return d.Auth.KeyOrOrigin(h)
	case Admin:
		return d.Admins.Require(h)
	case AdminLogin:
		return adminauth.RequireXRW(h)
	}
	panic("routes: unknown tier " + string(t))
}
