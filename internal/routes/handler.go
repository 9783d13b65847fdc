package routes

import (
	"net/http"
	"sync"

	"sentinel/internal/app"
	"sentinel/internal/budget"
	"sentinel/internal/web"
)

// Handler builds the router of one function: each of its routes behind its
// tier and its deadline (the route's budget, tier included), all behind the
// shared middleware.
func Handler(fn Function, d *app.Deps) http.Handler {
	rt := &web.Router{}
	for _, r := range fn.Routes {
		rt.Handle(r.Method, r.Path, budget.Within(r.Budget(d.Config), wrap(r.Tier, d, r.Handler(d))))
	}
	return web.Middleware(rt)
}

// Unrouted answers a request no route serves: a JSON 405 with Allow when
// the path exists with other methods, else a JSON 404 — what the functions'
// own routers answer, so API Gateway's and the local gateway's misses look
// the same as a function's.
func Unrouted(w http.ResponseWriter, r *http.Request) { unrouted().ServeHTTP(w, r) }

// unrouted knows every route but serves none: Unrouted is only called for
// requests that match no route and method, so the router only ever answers
// 404 or 405.
var unrouted = sync.OnceValue(func() http.Handler {
	rt := &web.Router{}
	for _, route := range Table {
		rt.Handle(route.Method, route.Path, nil)
	}
	return web.Middleware(rt)
})

// Match finds the route serving a method and path, for the local gateway:
// the most specific of the routes that match, as in the functions' routers.
// found reports whether any route has the path (so a miss is a 405, not 404).
func Match(method, path string) (route Route, params map[string]string, found, ok bool) {
	for _, r := range Table {
		p, m := web.Match(r.Path, path)
		if !m {
			continue
		}
		found = true
		if r.Method == method && (!ok || web.MoreSpecific(r.Path, route.Path)) {
			route, params, ok = r, p, true
		}
	}
	return route, params, found, ok
}
