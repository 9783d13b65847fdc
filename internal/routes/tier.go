package routes

import (
	"net/http"

	"sentinel/internal/app"
)

// wrap puts a handler behind the tier's authentication.
func (t Tier) wrap(d *app.Deps, h http.Handler) http.Handler {
	switch t {
	case Public:
		return h
	}
	panic("routes: tier " + string(t) + " not wired")
}
