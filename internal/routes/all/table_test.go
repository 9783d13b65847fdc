package all

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sentinel/internal/authtier"
	"sentinel/internal/budget"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/token"
)

// The route table and functions/ must agree: every route names a function
// with a directory, and every directory serves at least one route.
func TestFunctionsMatchDirectories(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("..", "..", "..", "functions"))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	var fns []string
	for _, f := range Functions() {
		fns = append(fns, f.Name)
		if !slices.Contains(dirs, f.Name) {
			t.Errorf("function %q serves %d routes but functions/%s does not exist", f.Name, len(f.Routes), f.Name)
		}
		main, err := os.ReadFile(filepath.Join("..", "..", "..", "functions", f.Name, "main.go"))
		if err != nil {
			t.Errorf("functions/%s/main.go: %v", f.Name, err)
		} else if g := groupOf(f.Name); !strings.Contains(string(main), `"sentinel/internal/routes/`+g+`"`) ||
			!strings.Contains(string(main), `gateway.Start("`+f.Name+`", `+g+`.Routes)`) {
			t.Errorf("functions/%s/main.go does not start function %q with the routes of %s", f.Name, f.Name, g)
		}
	}
	for _, d := range dirs {
		if !slices.Contains(fns, d) {
			t.Errorf("functions/%s serves no route", d)
		}
	}
}

// groupOf names the package whose routes name function; every function's
// routes are in one package.
func groupOf(function string) string {
	var in []string
	for _, g := range Groups {
		if slices.ContainsFunc(g.Routes, func(r routes.Route) bool { return r.Function == function }) {
			in = append(in, g.Package)
		}
	}
	if len(in) != 1 {
		return fmt.Sprintf("%v", in)
	}
	return in[0]
}

func TestRoutesAreUniqueAndWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Routes {
		if seen[r.Key()] {
			t.Errorf("route %s declared twice", r.Key())
		}
		seen[r.Key()] = true
		if r.Handler == nil {
			t.Errorf("route %s has no handler", r.Key())
		}
		admin := strings.HasPrefix(r.Path, "/admin/")
		if admin != (r.Tier() == authtier.Admin || r.Tier() == authtier.AdminLogin) {
			t.Errorf("route %s: tier %s does not fit its path", r.Key(), r.Tier())
		}
		if !admin && strings.HasPrefix(r.Function, "admin-") {
			t.Errorf("route %s is served by admin function %s", r.Key(), r.Function)
		}
	}
}

// Service-facing routes get a function each; admin routes share one per
// admin resource.
func TestServiceFacingRoutesHaveOwnFunction(t *testing.T) {
	for _, f := range Functions() {
		if strings.HasPrefix(f.Name, "admin-") {
			continue
		}
		if len(f.Routes) != 1 {
			var keys []string
			for _, r := range f.Routes {
				keys = append(keys, r.Key())
			}
			t.Errorf("service-facing function %s serves %d routes: %v", f.Name, len(f.Routes), keys)
		}
	}
}

func TestNoScanAndReadOnlyStaysReadOnly(t *testing.T) {
	for _, f := range Functions() {
		for _, a := range f.Access {
			if slices.Contains(a.Actions, "dynamodb:Scan") {
				t.Errorf("function %s may Scan %s", f.Name, a.Table.ID)
			}
		}
	}
	f, ok := Function("admin-activity")
	if !ok {
		t.Fatal("admin-activity missing")
	}
	for _, a := range f.Access {
		for _, act := range a.Actions {
			if act == "dynamodb:PutItem" || act == "dynamodb:DeleteItem" || (act == "dynamodb:UpdateItem" && a.Table.ID != "ServiceApps") {
				t.Errorf("read-only function admin-activity has %s on %s", act, a.Table.ID)
			}
		}
	}
}

// Deleting a workspace, a member or a group first has the directory's
// Dependents purge what they hold about it (admin-workspaces has RBAC and
// permissions; admin-groups permissions, for shares to a deleted group),
// so the functions serving those deletes may write the Dependents' tables.
func TestDirectoryDeletesMayWriteDependentTables(t *testing.T) {
	cases := []struct {
		function string
		tables   []dynamo.Table
	}{
		{"admin-workspaces", []dynamo.Table{dynamo.RBAC, dynamo.Permissions}},
		{"admin-groups", []dynamo.Table{dynamo.Permissions}},
		// Deleting a service app purges its service's data (issue 17 item 7).
		{"admin-service-apps", []dynamo.Table{dynamo.RBAC, dynamo.Permissions}},
	}
	for _, tc := range cases {
		f, ok := Function(tc.function)
		if !ok {
			t.Fatalf("function %s missing", tc.function)
		}
		for _, table := range tc.tables {
			i := slices.IndexFunc(f.Access, func(a routes.Access) bool { return a.Table.ID == table.ID })
			if i < 0 || !slices.Contains(f.Access[i].Actions, "dynamodb:DeleteItem") || !slices.Contains(f.Access[i].Actions, "dynamodb:Query") {
				t.Errorf("%s may not query and delete in %s", tc.function, table.ID)
			}
		}
	}
}

// The role checks are hot, read-only paths: their functions may read the
// RBAC table but never write it.
func TestRoleChecksOnlyReadRBAC(t *testing.T) {
	for _, name := range []string{"roles-check-action", "roles-user-actions", "roles-check"} {
		f, ok := Function(name)
		if !ok {
			t.Fatalf("function %s missing", name)
		}
		for _, a := range f.Access {
			if a.Table.ID != "RBAC" {
				continue
			}
			if want := routes.Read(dynamo.RBAC).Actions; !slices.Equal(a.Actions, want) {
				t.Errorf("%s has %v on RBAC, want only %v", name, a.Actions, want)
			}
		}
		want := len(routes.Functions([]routes.Route{{Function: name, Guard: f.Routes[0].Guard}})[0].Tables()) + 1
		if name == "roles-check" {
			// The key-only check names its user: it reads the membership.
			want++
			if !slices.ContainsFunc(f.Access, func(a routes.Access) bool {
				return a.Table.ID == "Directory" && slices.Equal(a.Actions, routes.Read(dynamo.Directory).Actions)
			}) {
				t.Errorf("roles-check has %v, want reads of the directory", f.Access)
			}
		}
		if len(f.Tables()) != want {
			t.Errorf("%s uses tables %v, want its tier's and RBAC", name, f.Tables())
		}
	}
}

// The admin site's routes (sign-in runs bcrypt, purges fan out) get the
// admin budget; every route a backend or a browser frontend calls gets the
// service budget, so a caller waits at most that long for a 503.
func TestRoutesGetTheirAudiencesBudget(t *testing.T) {
	var c config.Config // the deployment's defaults
	for _, r := range Routes {
		want := budget.Service
		if strings.HasPrefix(r.Path, "/admin/") {
			want = budget.Admin
		}
		if got := r.Budget(c); got != want {
			t.Errorf("%s: budget %v, want %v", r.Key(), got, want)
		}
	}
	if budget.Service >= budget.Admin {
		t.Errorf("service budget %v is not below the admin budget %v", budget.Service, budget.Admin)
	}
}

// Each function's memory is the one its measured CPU needs (README,
// Performance): the check and read functions the least Lambda offers, the
// admin functions what verifying a session each request takes, and the
// functions that sign a token or check a password per request more. A
// change to these is a change to the cost model: measure first.
func TestFunctionMemory(t *testing.T) {
	want := map[string]int{
		"permissions-check": 128, "permissions-accessible": 128, "roles-check": 128, "service-whoami": 128, "health": 128, "jwks": 128,
		"admin-workspaces": 256, "admin-activity": 256, "admin-service-apps": 256,
		"admin-auth": 512, "authz-resolve": 512,
	}
	for _, fn := range Functions() {
		if w, ok := want[fn.Name]; ok && fn.MemoryMB != w {
			t.Errorf("%s: %d MB, want %d", fn.Name, fn.MemoryMB, w)
		}
		for _, r := range fn.Routes {
			tier := r.Tier()
			switch {
			case r.Keys.Signs(token.UserRing) || r.Keys.Signs(token.AdminRing):
				if fn.MemoryMB < routes.SignMemoryMB {
					t.Errorf("%s signs tokens (%s) with %d MB, want at least %d", fn.Name, r.Key(), fn.MemoryMB, routes.SignMemoryMB)
				}
			case tier == authtier.Admin || tier == authtier.AdminLogin:
				if fn.MemoryMB < routes.AdminMemoryMB {
					t.Errorf("%s verifies admin sessions (%s) with %d MB, want at least %d", fn.Name, r.Key(), fn.MemoryMB, routes.AdminMemoryMB)
				}
			}
		}
		if fn.MemoryMB < 128 || fn.MemoryMB > 10240 {
			t.Errorf("%s: %d MB is outside Lambda's 128–10240 MB", fn.Name, fn.MemoryMB)
		}
	}
}
