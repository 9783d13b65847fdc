package routes

import (
	"slices"
	"testing"

	"sentinel/internal/dynamo"
)

// Deleting a workspace, a member or a group first has the directory's
// Dependents purge what they hold about it (app.New registers RBAC and
// permissions; permissions also purges shares to a deleted group), so the
// functions serving those deletes may write the Dependents' tables.
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
		f, ok := FunctionNamed(tc.function)
		if !ok {
			t.Fatalf("function %s missing", tc.function)
		}
		for _, table := range tc.tables {
			i := slices.IndexFunc(f.Access, func(a Access) bool { return a.Table.ID == table.ID })
			if i < 0 || !slices.Contains(f.Access[i].Actions, "dynamodb:DeleteItem") || !slices.Contains(f.Access[i].Actions, "dynamodb:Query") {
				t.Errorf("%s may not query and delete in %s", tc.function, table.ID)
			}
		}
	}
}
