package routes

import (
	"net/http"

	"sentinel/internal/app"
	"sentinel/internal/web"
)

// Table is every endpoint of the API.
var Table = []Route{
	{Method: "GET", Path: "/health", Function: "health", Tier: Public, Handler: func(d *app.Deps) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			web.JSON(w, 200, map[string]string{"status": "ok", "version": d.Config.Version})
		})
	}},
}
