// Package routes is the shape of the route table: a route's method, path,
// function, auth tier, table access and handler, and what is derived from
// them per function (IAM access, keys, settings) and per request (the
// route that serves a path).
//
// The table itself is one package per group of functions under this one
// (healthroutes, permissionroutes, adminworkspaceroutes, ...), so that a
// function's binary links only the areas its own routes use;
// internal/routes/all assembles them for the CDK stack, the local gateway
// and the tests.
package routes

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"

	"sentinel/internal/app"
	"sentinel/internal/authtier"
	"sentinel/internal/budget"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/metrics"
	"sentinel/internal/token"
	"sentinel/internal/web"
)

// Route is one endpoint.
type Route struct {
	Method   string
	Path     string // API Gateway syntax: /admin/service-apps/{id}
	Function string // the directory under functions/ that serves it
	// Guard is the route's auth tier and its middleware.
	Guard  Guard
	Access []Access
	// Keys is what the handler does with the signing keys beyond what its
	// tier does (Tier.Keys): sign user tokens, sign admin sessions, publish
	// the user ring's public keys. It decides which key secrets the
	// function may read (token.Use.Sources).
	Keys token.Use
	// Settings are the environment variables the handler reads beyond the
	// shared ones (stage, issuer, tables, keys); the stack sets those the
	// deployment configures on this route's function only.
	Settings []string
	// MemoryMB is the function memory the route needs beyond its tier's
	// (tierMemory): SignMemoryMB for a route that signs a token or hashes
	// a password on every request. Zero: its tier's.
	MemoryMB int
	Handler  Constructor
}

// Function memory. Lambda gives a function CPU in proportion to its
// memory, one vCPU at 1769 MB, and bills memory × duration; a function
// gets the least memory whose CPU share keeps its measured CPU per warm
// request near a millisecond or two (README, Performance: memory per
// function).
const (
	// MemoryMB is every function's unless its tier or routes need more: a
	// warm request of the public, key and dual tiers costs ~0.1–0.2 ms of
	// one core (BenchmarkLambdaCheck), about 2 ms at 128 MB.
	MemoryMB = 128
	// AdminMemoryMB is the admin tiers': each request verifies the admin
	// session (RS256-3072, ~0.17 ms of one core, BenchmarkVerify) before its
	// handler's work, ~2–3 ms at 256 MB.
	AdminMemoryMB = 256
	// SignMemoryMB is for routes that sign an RS256-3072 token (~2.5 ms of
	// one core, BenchmarkSign) or check a bcrypt password (cost 12, ~0.25 s
	// of one core) per request: ~9 ms and ~0.9 s at 512 MB.
	SignMemoryMB = 512
)

// Memory is the memory the route needs: its own or its tier's, the larger.
func (r Route) Memory() int {
	m := MemoryMB
	if t := r.Tier(); t == authtier.Admin || t == authtier.AdminLogin {
		m = AdminMemoryMB
	}
	return max(m, r.MemoryMB)
}

// Budget is how long a request to the route may take: the admin budget
// for the admin tiers, the service budget for the others.
func (r Route) Budget(c config.Config) time.Duration {
	return c.Budget(r.Tier() == authtier.Admin || r.Tier() == authtier.AdminLogin)
}

// Metrics is what the route's EMF lines say about it (internal/metrics).
func (r Route) Metrics(function string) metrics.Route {
	return metrics.Route{Function: function, Key: r.Key(), Group: r.Group(), Tier: string(r.Tier())}
}

// Group is the route's group for latency alarms: "check" for the service
// tiers (the hot path of backends), "authz" for resolve, "admin" for the
// admin API, "public" for the rest.
func (r Route) Group() string {
	switch r.Tier() {
	case authtier.ServiceKey, authtier.Dual:
		return "check"
	case authtier.KeyOrOrig:
		return "authz"
	case authtier.Admin, authtier.AdminLogin:
		return "admin"
	}
	return "public"
}

// Key is the API Gateway route key, "GET /health".
func (r Route) Key() string { return r.Method + " " + r.Path }

// Tier is the route's auth tier.
func (r Route) Tier() authtier.Tier { return r.Guard.Tier }

// Constructor builds a route's handler at the function's cold start.
type Constructor func(*app.Env) (http.Handler, error)

// Bind is the one handler shape of the table: a method of an area's
// handler set (a web.Func), the set built by svc.
func Bind[H any](svc *app.Service[H], method func(H, *http.Request) (int, any, error)) Constructor {
	return func(e *app.Env) (http.Handler, error) {
		hs, err := svc.Get(e)
		if err != nil {
			return nil, err
		}
		return web.Func(func(r *http.Request) (int, any, error) { return method(hs, r) }), nil
	}
}

// For returns the routes of one function whose routes share their guard,
// table access and handler set: each names its method, path and handler.
func For[H any](function string, guard Guard, access []Access, hs *app.Service[H]) func(method, path string, handler func(H, *http.Request) (int, any, error)) Route {
	return func(method, path string, handler func(H, *http.Request) (int, any, error)) Route {
		return Route{Method: method, Path: path, Function: function, Guard: guard, Access: access, Handler: Bind(hs, handler)}
	}
}

// Guard is an auth tier as functions apply it: the middleware that
// authenticates a route's requests, built at cold start. Each tier's guard
// is declared once, next to the services it needs (internal/wire/...).
type Guard struct {
	Tier  authtier.Tier
	Build func(*app.Env) (func(http.Handler) http.Handler, error)
}

// Public is the tier of routes anyone may call.
var Public = Guard{Tier: authtier.Public, Build: func(*app.Env) (func(http.Handler) http.Handler, error) {
	return func(h http.Handler) http.Handler { return h }, nil
}}

// Function is a Lambda function and everything derived for it from its routes.
type Function struct {
	Name   string
	Routes []Route
	// Access merges the routes' declared and tier-implied table access.
	Access []Access
	// Keys merges the routes' and their tiers' key use.
	Keys token.Use
	// Settings merges the routes' settings, sorted.
	Settings []string
	// MemoryMB is the largest memory its routes need (Route.Memory).
	MemoryMB int
	// ViewerIP reports whether the function counts per client IP behind the
	// admin site (the sign-in route): the stack gives it the origin secret
	// that proves CloudFront-Viewer-Address (web.BehindCloudFront).
	ViewerIP bool
}

// Tables lists the tables the function uses.
func (f Function) Tables() []dynamo.Table {
	var ts []dynamo.Table
	for _, a := range f.Access {
		ts = append(ts, a.Table)
	}
	return ts
}

// Handler builds the router of a function: each of its routes behind its
// tier and its deadline (the route's budget, tier included), all behind the
// shared middleware. Any route whose services cannot be built fails the
// whole function (its cold start).
func Handler(fn Function, e *app.Env) (http.Handler, error) {
	rt := &web.Router{}
	for _, r := range fn.Routes {
		if r.Guard.Build == nil || r.Handler == nil {
			return nil, fmt.Errorf("route %s has no guard or handler", r.Key())
		}
		guard, err := r.Guard.Build(e)
		if err != nil {
			return nil, fmt.Errorf("function %s, route %s, tier %s: %w", fn.Name, r.Key(), r.Tier(), err)
		}
		h, err := r.Handler(e)
		if err != nil {
			return nil, fmt.Errorf("function %s, route %s: %w", fn.Name, r.Key(), err)
		}
		rt.Handle(r.Method, r.Path, e.Metrics.Handler(r.Metrics(fn.Name), budget.Within(r.Budget(e.Config), guard(h))))
	}
	return web.Middleware(rt), nil
}

// Functions groups a table by function, in name order.
func Functions(table []Route) []Function {
	byName := map[string]*Function{}
	for _, r := range table {
		f := byName[r.Function]
		if f == nil {
			f = &Function{Name: r.Function}
			byName[r.Function] = f
		}
		f.Routes = append(f.Routes, r)
		f.Keys |= r.Keys | r.Tier().Keys()
		f.MemoryMB = max(f.MemoryMB, r.Memory())
		f.ViewerIP = f.ViewerIP || r.Tier() == authtier.AdminLogin
		for _, s := range r.Settings {
			if !slices.Contains(f.Settings, s) {
				f.Settings = append(f.Settings, s)
			}
		}
		for _, a := range append(implied(r.Tier()), r.Access...) {
			f.Access = mergeAccess(f.Access, a)
		}
	}
	var out []Function
	for _, f := range byName {
		sort.Slice(f.Access, func(i, j int) bool { return f.Access[i].Table.ID < f.Access[j].Table.ID })
		slices.Sort(f.Settings)
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func mergeAccess(list []Access, a Access) []Access {
	for i := range list {
		if list[i].Table.ID == a.Table.ID {
			for _, act := range a.Actions {
				if !slices.Contains(list[i].Actions, act) {
					list[i].Actions = append(list[i].Actions, act)
				}
			}
			return list
		}
	}
	return append(list, Access{Table: a.Table, Actions: slices.Clone(a.Actions)})
}

// FunctionNamed returns a function of the table by name.
func FunctionNamed(table []Route, name string) (Function, bool) {
	var routes []Route
	for _, r := range table {
		if r.Function == name {
			routes = append(routes, r)
		}
	}
	if len(routes) == 0 {
		return Function{}, false
	}
	return Functions(routes)[0], true
}

// Match finds the route serving a method and path, for the local gateway
// and the tests: the most specific of the routes that match, as in the
// functions' routers. found reports whether any route has the path (so a
// miss is a 405, not 404).
func Match(table []Route, method, path string) (route Route, params map[string]string, found, ok bool) {
	return NewMatcher(table).Match(method, path)
}

// Matcher matches requests against a table whose patterns it split once
// (the local gateway matches every request).
type Matcher struct {
	table    []Route
	patterns []web.Pattern
}

// NewMatcher prepares table for Match.
func NewMatcher(table []Route) *Matcher {
	m := &Matcher{table: table, patterns: make([]web.Pattern, len(table))}
	for i, r := range table {
		m.patterns[i] = web.ParsePattern(r.Path)
	}
	return m
}

// Match is the package's Match over the matcher's table.
func (m *Matcher) Match(method, path string) (route Route, params map[string]string, found, ok bool) {
	var segments [16]string
	segs := web.PathSegments(segments[:0], path)
	best := -1
	for i, p := range m.patterns {
		ps, matched := p.Match(segs)
		if !matched {
			continue
		}
		found = true
		if m.table[i].Method == method && (best < 0 || p.MoreSpecific(m.patterns[best])) {
			best, params = i, ps
		}
	}
	if best < 0 {
		return Route{}, nil, found, false
	}
	return m.table[best], params, found, true
}

// Unrouted answers the requests no route of the table serves: a JSON 405
// with Allow when the path exists with other methods, else a JSON 404 —
// what the functions' own routers answer, so that API Gateway's and the
// local gateway's misses look the same as a function's. It knows every
// route but serves none.
func Unrouted(table []Route) http.Handler {
	rt := &web.Router{}
	for _, r := range table {
		rt.Handle(r.Method, r.Path, http.NotFoundHandler())
	}
	return web.Middleware(rt)
}
