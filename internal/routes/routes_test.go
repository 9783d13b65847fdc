package routes

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sentinel/internal/authtier"
)

// The route table and functions/ must agree: every route names a function
// with a directory, and every directory serves at least one route.
func TestFunctionsMatchDirectories(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("..", "..", "functions"))
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
		main, err := os.ReadFile(filepath.Join("..", "..", "functions", f.Name, "main.go"))
		if err != nil {
			t.Errorf("functions/%s/main.go: %v", f.Name, err)
		} else if !strings.Contains(string(main), `gateway.Start("`+f.Name+`")`) {
			t.Errorf("functions/%s/main.go does not start function %q", f.Name, f.Name)
		}
	}
	for _, d := range dirs {
		if !slices.Contains(fns, d) {
			t.Errorf("functions/%s serves no route", d)
		}
	}
}

func TestRoutesAreUniqueAndWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Table {
		if seen[r.Key()] {
			t.Errorf("route %s declared twice", r.Key())
		}
		seen[r.Key()] = true
		if r.Handler == nil {
			t.Errorf("route %s has no handler", r.Key())
		}
		admin := strings.HasPrefix(r.Path, "/admin/")
		if admin != (r.Tier == authtier.Admin || r.Tier == authtier.AdminLogin) {
			t.Errorf("route %s: tier %s does not fit its path", r.Key(), r.Tier)
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
	f, ok := FunctionNamed("admin-activity")
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
