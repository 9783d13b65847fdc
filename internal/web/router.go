package web

import (
	"net/http"
	"sort"
	"strings"

	"sentinel/internal/apperr"
)

// Router matches API Gateway style paths ("/admin/service-apps/{id}") and
// answers unknown paths with a JSON 404 and known paths with another method
// with a JSON 405 and an Allow header. Path parameters are set on the request
// (r.PathValue).
type Router struct {
	routes []entry
}

type entry struct {
	method  string
	parts   []string
	handler http.Handler
}

// Handle registers a handler for a method and a path pattern.
func (rt *Router) Handle(method, pattern string, h http.Handler) {
	rt.routes = append(rt.routes, entry{method: method, parts: split(pattern), handler: h})
}

func split(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }

// Match reports the pattern parameters when pattern matches path.
func Match(pattern, path string) (map[string]string, bool) {
	return match(split(pattern), split(path))
}

func match(pattern, path []string) (map[string]string, bool) {
	if len(pattern) != len(path) {
		return nil, false
	}
	var params map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if path[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = path[i]
			continue
		}
		if p != path[i] {
			return nil, false
		}
	}
	return params, true
}

func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := split(r.URL.Path)
	var allowed []string
	for _, e := range rt.routes {
		params, ok := match(e.parts, path)
		if !ok {
			continue
		}
		if e.method != r.Method {
			allowed = append(allowed, e.method)
			continue
		}
		for k, v := range params {
			r.SetPathValue(k, v)
		}
		e.handler.ServeHTTP(w, r)
		return
	}
	if len(allowed) > 0 {
		sort.Strings(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		Error(w, r, apperr.New(apperr.MethodNotAllowed, "Method %s not allowed", r.Method))
		return
	}
	Error(w, r, apperr.New(apperr.NotFound, "Not found"))
}
