// Package routes is the one route table: every endpoint with its method,
// path, the function that serves it, its auth tier, the tables it touches
// and its handler. The CDK stack, the local gateway, the Lambda entry
// points and the tests all read it.
package routes

import (
	"slices"
	"sort"
	"time"

	"sentinel/internal/authtier"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/token"
)

// Route is one endpoint.
type Route struct {
	Method   string
	Path     string // API Gateway syntax: /admin/service-apps/{id}
	Function string // the directory under functions/ that serves it
	Tier     authtier.Tier
	Access   []Access
	// Keys is what the handler does with the signing keys beyond what its
	// tier does (Tier.Keys): sign user tokens, sign admin sessions, publish
	// the user ring's public keys. It decides which key secrets the
	// function may read (token.Use.Sources).
	Keys token.Use
	// Settings are the environment variables the handler reads beyond the
	// shared ones (stage, issuer, tables, keys); the stack sets those the
	// deployment configures on this route's function only.
	Settings []string
	Handler  Constructor
}

// Budget is how long a request to the route may take: the admin budget
// for the admin tiers, the service budget for the others.
func (r Route) Budget(c config.Config) time.Duration {
	return c.Budget(r.Tier == authtier.Admin || r.Tier == authtier.AdminLogin)
}

// Key is the API Gateway route key, "GET /health".
func (r Route) Key() string { return r.Method + " " + r.Path }

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

// Functions groups the table by function, in name order.
func Functions() []Function {
	byName := map[string]*Function{}
	for _, r := range Table {
		f := byName[r.Function]
		if f == nil {
			f = &Function{Name: r.Function}
			byName[r.Function] = f
		}
		f.Routes = append(f.Routes, r)
		f.Keys |= r.Keys | r.Tier.Keys()
		f.ViewerIP = f.ViewerIP || r.Tier == authtier.AdminLogin
		for _, s := range r.Settings {
			if !slices.Contains(f.Settings, s) {
				f.Settings = append(f.Settings, s)
			}
		}
		for _, a := range append(implied(r.Tier), r.Access...) {
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

// FunctionNamed returns a function by name.
func FunctionNamed(name string) (Function, bool) {
	for _, f := range Functions() {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}
