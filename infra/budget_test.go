package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sentinel/internal/authtier"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/routes/all"
	"sentinel/internal/token"
)

// resourceBudget leaves headroom under CloudFormation's 500 resources per
// stack for what the full API will add besides functions and routes
// (alarms, a custom domain, ...).
const resourceBudget = 450

// specRoute is one route of the API contract with its auth tier; keys
// is what the routes that sign tokens or publish the JWKS do with the keys.
type specRoute struct {
	key  string
	tier authtier.Tier
	keys token.Use
}

// specRoutes is every route of the contract, transcribed from
// docs/api.md sections 2–9 (TestSpecFixtureMatchesAPIDoc keeps them equal).
var specRoutes = []specRoute{
	// 2. Authentication tiers: the service identity check.
	{"GET /service/whoami", authtier.ServiceKey, 0},

	// 3. Service apps.
	{"GET /admin/service-apps", authtier.Admin, 0},
	{"POST /admin/service-apps", authtier.Admin, 0},
	{"GET /admin/service-apps/{id}", authtier.Admin, 0},
	{"PATCH /admin/service-apps/{id}", authtier.Admin, 0},
	{"POST /admin/service-apps/{id}/rotate-key", authtier.Admin, 0},
	{"POST /admin/service-apps/{id}/revoke-previous-key", authtier.Admin, 0},
	{"DELETE /admin/service-apps/{id}", authtier.Admin, 0},

	// 4. Permissions.
	{"POST /permissions/register", authtier.ServiceKey, 0},
	{"POST /permissions/check", authtier.Dual, 0},
	{"POST /permissions/accessible", authtier.Dual, 0},
	{"POST /permissions/{id}/share", authtier.Dual, 0},
	{"DELETE /permissions/{id}/share", authtier.ServiceKey, 0},
	{"PATCH /permissions/{id}/visibility", authtier.ServiceKey, 0},
	{"GET /permissions/resource/{service}/{type}/{resource_id}", authtier.ServiceKey, 0},
	{"GET /permissions/resource/{service}/{type}/{resource_id}/enriched", authtier.ServiceKey, 0},
	{"DELETE /permissions/resource/{service}/{type}/{resource_id}", authtier.ServiceKey, 0},

	// 5. RBAC.
	{"POST /roles/actions/register", authtier.ServiceKey, 0},
	{"POST /roles/check-action", authtier.Dual, 0},
	{"GET /roles/user-actions", authtier.Dual, 0},
	{"POST /roles/check", authtier.ServiceKey, 0},

	// 6. Directory reads for backends.
	{"GET /workspaces/{id}/members", authtier.Dual, 0},
	{"GET /workspaces/{id}/groups", authtier.Dual, 0},
	{"GET /workspaces/{id}/groups/{gid}/members", authtier.Dual, 0},

	// 7. AuthZ mode and tokens.
	{"POST /authz/resolve", authtier.KeyOrOrig, token.SignUser},
	{"OPTIONS /authz/resolve", authtier.KeyOrOrig, 0},
	{"GET /.well-known/jwks.json", authtier.Public, token.VerifyUser},

	// 8. Admin API.
	{"POST /admin/auth/login", authtier.AdminLogin, token.SignAdmin},
	{"POST /admin/auth/logout", authtier.Admin, 0},
	{"GET /admin/auth/me", authtier.Admin, 0},
	{"POST /admin/auth/change-password", authtier.Admin, token.SignAdmin},
	{"POST /admin/auth/totp/verify", authtier.Admin, token.SignAdmin},
	{"POST /admin/auth/totp/enrol", authtier.Admin, 0},
	{"POST /admin/auth/totp/confirm", authtier.Admin, token.SignAdmin},
	{"POST /admin/auth/totp/disable", authtier.Admin, 0},
	{"POST /admin/auth/totp/recovery-codes", authtier.Admin, 0},
	{"GET /admin/admins", authtier.Admin, 0},
	{"POST /admin/admins", authtier.Admin, 0},
	{"POST /admin/admins/{email}/deactivate", authtier.Admin, 0},
	{"POST /admin/admins/{email}/reactivate", authtier.Admin, 0},
	{"POST /admin/admins/{email}/reset-totp", authtier.Admin, 0},
	{"GET /admin/workspaces", authtier.Admin, 0},
	{"POST /admin/workspaces", authtier.Admin, 0},
	{"GET /admin/workspaces/{id}", authtier.Admin, 0},
	{"PATCH /admin/workspaces/{id}", authtier.Admin, 0},
	{"DELETE /admin/workspaces/{id}", authtier.Admin, 0},
	{"GET /admin/workspaces/{id}/members", authtier.Admin, 0},
	{"POST /admin/workspaces/{id}/members", authtier.Admin, 0},
	{"PATCH /admin/workspaces/{id}/members/{user_id}", authtier.Admin, 0},
	{"DELETE /admin/workspaces/{id}/members/{user_id}", authtier.Admin, 0},
	{"GET /admin/users", authtier.Admin, 0},
	{"POST /admin/users", authtier.Admin, 0},
	{"GET /admin/users/{id}", authtier.Admin, 0},
	{"PATCH /admin/users/{id}", authtier.Admin, 0},
	{"GET /admin/workspaces/{id}/groups", authtier.Admin, 0},
	{"POST /admin/workspaces/{id}/groups", authtier.Admin, 0},
	{"GET /admin/groups/{gid}", authtier.Admin, 0},
	{"PATCH /admin/groups/{gid}", authtier.Admin, 0},
	{"DELETE /admin/groups/{gid}", authtier.Admin, 0},
	{"GET /admin/groups/{gid}/members", authtier.Admin, 0},
	{"POST /admin/groups/{gid}/members/{user_id}", authtier.Admin, 0},
	{"DELETE /admin/groups/{gid}/members/{user_id}", authtier.Admin, 0},
	{"GET /admin/workspaces/{id}/roles", authtier.Admin, 0},
	{"POST /admin/workspaces/{id}/roles", authtier.Admin, 0},
	{"PATCH /admin/roles/{rid}", authtier.Admin, 0},
	{"DELETE /admin/roles/{rid}", authtier.Admin, 0},
	{"GET /admin/roles/{rid}/actions", authtier.Admin, 0},
	{"POST /admin/roles/{rid}/actions", authtier.Admin, 0},
	{"DELETE /admin/roles/{rid}/actions/{action_id}", authtier.Admin, 0},
	{"GET /admin/roles/{rid}/members", authtier.Admin, 0},
	{"POST /admin/roles/{rid}/members/{user_id}", authtier.Admin, 0},
	{"DELETE /admin/roles/{rid}/members/{user_id}", authtier.Admin, 0},
	{"GET /admin/service-actions", authtier.Admin, 0},
	{"DELETE /admin/service-actions/{id}", authtier.Admin, 0},
	{"GET /admin/permissions", authtier.Admin, 0},
	{"GET /admin/permissions/{id}", authtier.Admin, 0},
	{"PATCH /admin/permissions/{id}/visibility", authtier.Admin, 0},
	{"POST /admin/permissions/{id}/share", authtier.Admin, 0},
	{"DELETE /admin/permissions/{id}/share", authtier.Admin, 0},
	{"DELETE /admin/permissions/service/{service_name}", authtier.Admin, 0},
	{"GET /admin/activity", authtier.Admin, 0},
	{"GET /admin/stats", authtier.Admin, 0},
	{"GET /admin/stats/activity", authtier.Admin, 0},
	{"GET /admin/health", authtier.Admin, 0},
	{"GET /admin/settings", authtier.Admin, 0},

	// 9. Health and the API document.
	{"GET /health", authtier.Public, 0},
	{"GET /openapi.json", authtier.Public, 0},
}

// specFunctions groups specRoutes by the project rule: every route outside
// /admin is its own function; /admin routes share one function per admin
// resource (see adminResource). Access is the worst case for policy and
// environment size: every table, read-only for GET and OPTIONS routes,
// read-write otherwise.
func specFunctions() []routes.Function {
	resources := adminResources()
	byName := map[string]*routes.Function{}
	var names []string
	for _, s := range specRoutes {
		method, path, _ := strings.Cut(s.key, " ")
		name := routeSlug(method, path)
		if strings.HasPrefix(path, "/admin/") {
			name = "admin-" + adminResource(path, resources)
		}
		fn := byName[name]
		if fn == nil {
			fn = &routes.Function{Name: name}
			byName[name] = fn
			names = append(names, name)
		}
		fn.Routes = append(fn.Routes, routes.Route{Method: method, Path: path, Function: name, Guard: routes.Guard{Tier: s.tier}, Keys: s.keys})
		fn.Keys |= s.keys | s.tier.Keys()
		if writes := method != "GET" && method != "OPTIONS"; writes || fn.Access == nil {
			fn.Access = everyTable(writes)
		}
	}
	slices.Sort(names)
	var out []routes.Function
	for _, n := range names {
		out = append(out, *byName[n])
	}
	return out
}

// everyTable is read or read-write access to every table.
func everyTable(write bool) []routes.Access {
	var out []routes.Access
	for _, t := range dynamo.All {
		if write {
			out = append(out, routes.Write(t))
		} else {
			out = append(out, routes.Read(t))
		}
	}
	return out
}

// adminResources are the segments right after /admin/ in the contract:
// auth, service-apps, workspaces, users, groups, roles, ...
func adminResources() map[string]bool {
	out := map[string]bool{}
	for _, s := range specRoutes {
		_, path, _ := strings.Cut(s.key, " ")
		if rest, ok := strings.CutPrefix(path, "/admin/"); ok {
			out[strings.Split(rest, "/")[0]] = true
		}
	}
	return out
}

// adminResource names the admin resource a path belongs to: the last
// literal segment that is itself an admin resource. So
// /admin/workspaces/{id}/groups belongs to groups (it lists and creates
// groups), while /admin/workspaces/{id}/members and
// /admin/roles/{rid}/actions stay with workspaces and roles.
func adminResource(path string, resources map[string]bool) string {
	segs := strings.Split(strings.TrimPrefix(path, "/admin/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if resources[segs[i]] {
			return segs[i]
		}
	}
	return segs[0]
}

// routeSlug names a one-route function: "post-permissions-id-share".
func routeSlug(method, path string) string {
	words := strings.FieldsFunc(strings.ToLower(method+path), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
	return strings.Join(words, "-")
}

func TestFullAPIFitsTheResourceBudget(t *testing.T) {
	// GIVEN every route of the contract, grouped by the project rule
	fns := specFunctions()
	// WHEN the stack is synthesized with them and the admin site
	tmpl := synthOnce(t, "full+site", fns, adminSiteDir(t))

	// THEN it stays under the resource budget
	got := len(tmpl.Resources)
	t.Logf("full API: %d routes in %d functions: %d resources (route table today: %d)",
		len(specRoutes), len(fns), got, len(realTemplate(t).Resources))
	if got >= resourceBudget {
		t.Errorf("full API template has %d resources, want < %d (CloudFormation allows 500 per stack)", got, resourceBudget)
	}
}

func TestSpecFunctionsFollowTheGroupingRule(t *testing.T) {
	// GIVEN the contract's routes
	// WHEN they are grouped
	got := map[string][]string{}
	for _, fn := range specFunctions() {
		for _, r := range fn.Routes {
			got[fn.Name] = append(got[fn.Name], r.Key())
		}
	}
	// THEN every non-admin route is alone, and admin routes are grouped by
	// resource
	for name, keys := range got {
		if !strings.HasPrefix(name, "admin-") && len(keys) != 1 {
			t.Errorf("%s serves %v, want one route", name, keys)
		}
	}
	for key, want := range map[string]string{
		"GET /admin/workspaces/{id}/members":               "admin-workspaces",
		"GET /admin/workspaces/{id}/groups":                "admin-groups",
		"POST /admin/workspaces/{id}/roles":                "admin-roles",
		"DELETE /admin/roles/{rid}/actions/{action_id}":    "admin-roles",
		"DELETE /admin/permissions/service/{service_name}": "admin-permissions",
		"GET /admin/service-actions":                       "admin-service-actions",
	} {
		if !slices.Contains(got[want], key) {
			t.Errorf("%s is not served by %s", key, want)
		}
	}
	var admin []string
	for name := range got {
		if strings.HasPrefix(name, "admin-") {
			admin = append(admin, name)
		}
	}
	slices.Sort(admin)
	check(t, "admin functions", admin, []string{
		"admin-activity", "admin-admins", "admin-auth", "admin-groups", "admin-health", "admin-permissions", "admin-roles",
		"admin-service-actions", "admin-service-apps", "admin-settings", "admin-stats", "admin-users", "admin-workspaces",
	})
}

func TestRouteTableStaysInsideTheContract(t *testing.T) {
	// GIVEN the contract's routes
	spec := map[string]bool{}
	for _, s := range specRoutes {
		spec[s.key] = true
	}
	// WHEN the route table is read
	// THEN each of its routes is in the contract
	for _, r := range all.Routes {
		if !spec[r.Key()] {
			t.Errorf("route table has %s, which api.md does not define", r.Key())
		}
	}
}

// apiDoc is the contract the fixture is transcribed from.
const apiDoc = "../docs/api.md"

// docRoute finds "METHOD /path" and "GET/POST /path" in the contract's
// text; a path stops at a space, backtick or query string.
var docRoute = regexp.MustCompile(`\b((?:GET|POST|PUT|PATCH|DELETE|OPTIONS)(?:/(?:GET|POST|PUT|PATCH|DELETE|OPTIONS))*) (/[A-Za-z0-9_.{}/-]*)`)

// undocumentedAsMethodPath are fixture routes that api.md names in prose.
var undocumentedAsMethodPath = map[string]string{
	"OPTIONS /authz/resolve": `"POST /authz/resolve (and its OPTIONS preflight)"`,
}

func TestSpecFixtureMatchesAPIDoc(t *testing.T) {
	// GIVEN the contract document
	doc, err := os.ReadFile(apiDoc)
	if err != nil {
		t.Fatal(err)
	}
	// WHEN its METHOD /path mentions are extracted
	inDoc := map[string]bool{}
	for _, m := range docRoute.FindAllStringSubmatch(string(doc), -1) {
		path := strings.TrimRight(m[2], ".")
		if strings.Contains(m[2], "...") || path == "" {
			continue // an abbreviation such as /permissions/resource/...
		}
		for _, method := range strings.Split(m[1], "/") {
			inDoc[method+" "+path] = true
		}
	}
	// THEN they are exactly the fixture's routes
	inFixture := map[string]bool{}
	for _, s := range specRoutes {
		inFixture[s.key] = true
		if !inDoc[s.key] && undocumentedAsMethodPath[s.key] == "" {
			t.Errorf("fixture has %s, which %s does not mention", s.key, apiDoc)
		}
	}
	for key := range inDoc {
		if !inFixture[key] {
			t.Errorf("%s mentions %s, which the fixture lacks", apiDoc, key)
		}
	}
	if len(inFixture) != len(specRoutes) {
		t.Errorf("fixture has %d routes but %d distinct keys", len(specRoutes), len(inFixture))
	}
}
