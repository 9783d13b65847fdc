package web

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"sentinel/internal/apperr"
)

// Router matches API Gateway style paths ("/admin/service-apps/{id}") and
// answers unknown paths with a JSON 404 and known paths with another method
// with a JSON 405 and an Allow header. Path parameters are set on the request
// (r.PathValue). When several patterns match, the most specific wins (see
// Pattern.MoreSpecific), whatever the order they were registered in.
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

func split(p string) []string { return appendSegments(nil, p) }

// appendSegments appends the segments of p (strings.Split of p trimmed of
// slashes) to dst.
func appendSegments(dst []string, p string) []string {
	p = strings.Trim(p, "/")
	for {
		i := strings.IndexByte(p, '/')
		if i < 0 {
			return append(dst, p)
		}
		dst = append(dst, p[:i])
		p = p[i+1:]
	}
}

// Pattern is a path pattern split into its segments once, to be matched
// against many paths (the local gateway's route table).
type Pattern []string

// ParsePattern splits pattern ("/admin/service-apps/{id}").
func ParsePattern(pattern string) Pattern { return split(pattern) }

// PathSegments appends the segments of path to dst (give it a small array's
// slice: a request's path is split once, without allocating).
func PathSegments(dst []string, path string) []string { return appendSegments(dst, path) }

// Match reports the pattern parameters when the pattern matches the path's
// segments (PathSegments).
func (p Pattern) Match(segments []string) (map[string]string, bool) { return match(p, segments) }

// MoreSpecific reports whether p beats q when both match a path, as API
// Gateway chooses: at the first segment where they differ, a literal beats
// a parameter. (DELETE /admin/permissions/service/share is the purge of
// service "share", not a share of permission "service".)
func (p Pattern) MoreSpecific(q Pattern) bool { return moreSpecific(p, q) }

func match(pattern, path []string) (map[string]string, bool) {
	if len(pattern) != len(path) {
		return nil, false
	}
	var params map[string]string
	for i, p := range pattern {
		if isParam(p) {
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

func moreSpecific(a, b []string) bool {
	for i := range min(len(a), len(b)) {
		pa, pb := isParam(a[i]), isParam(b[i])
		if pa != pb {
			return pb
		}
	}
	return false
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var segments [16]string
	path := appendSegments(segments[:0], r.URL.Path)
	var allowed []string
	var best *entry
	var bestParams map[string]string
	for i := range rt.routes {
		e := &rt.routes[i]
		params, ok := match(e.parts, path)
		if !ok {
			continue
		}
		if e.method != r.Method {
			allowed = append(allowed, e.method)
			continue
		}
		if best == nil || moreSpecific(e.parts, best.parts) {
			best, bestParams = e, params
		}
	}
	if best != nil {
		for k, v := range bestParams {
			r.SetPathValue(k, v)
		}
		best.handler.ServeHTTP(w, r)
		return
	}
	if len(allowed) > 0 {
		sort.Strings(allowed)
		allowed = slices.Compact(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		Error(w, r, apperr.New(apperr.MethodNotAllowed, "Method %s not allowed", r.Method))
		return
	}
	Error(w, r, apperr.New(apperr.NotFound, "Not found"))
}
