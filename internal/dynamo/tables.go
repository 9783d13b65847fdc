// Package dynamo holds the DynamoDB table definitions that the CDK stack,
// the local stack and the tests all create tables from (tableadmin creates
// them), the functions' client (WireClient, speaking ddb's types), and
// helpers the repositories share.
package dynamo

import (
	"fmt"
	"os"
	"strings"
)

// Table is one table definition. Every key attribute is a string.
type Table struct {
	ID           string // logical name, e.g. "ServiceApps"
	PartitionKey string
	SortKey      string // "" for none
	GSIs         []GSI
	TTLAttribute string // "" for none
}

// GSI is a global secondary index projecting all attributes.
type GSI struct {
	Name         string
	PartitionKey string
	SortKey      string
}

// EnvVar is the environment variable that carries the table's physical name
// (set by the CDK stack on each function that declares the table):
// ServiceApps → SENTINEL_TABLE_SERVICE_APPS, RBAC → SENTINEL_TABLE_RBAC.
func (t Table) EnvVar() string {
	var b strings.Builder
	prevLower := false
	for _, r := range t.ID {
		upper := r >= 'A' && r <= 'Z'
		if upper && prevLower {
			b.WriteByte('_')
		}
		prevLower = !upper
		b.WriteRune(r)
	}
	return "SENTINEL_TABLE_" + strings.ToUpper(b.String())
}

// The tables, one per aggregate.
var (
	// ServiceApps holds apps (pk APP#id, sk APP), their keys (sk KEY#hash,
	// indexed by key_hash), and the service-name and origin claims that make
	// both unique (pk SVC#name / ORIGIN#origin).
	ServiceApps = Table{
		ID: "ServiceApps", PartitionKey: "pk", SortKey: "sk",
		GSIs: []GSI{
			{Name: "by-key-hash", PartitionKey: "key_hash"},
			{Name: "by-kind", PartitionKey: "kind", SortKey: "created_sk"},
		},
		TTLAttribute: "ttl",
	}
	// Admins holds admin accounts (pk ADMIN#email, sk ACCOUNT), their
	// recovery codes, and revoked admin sessions (pk JTI#id, expiring with
	// the token). The accounts index lists the accounts by email: its
	// partition key is sk, and only account items carry an email.
	Admins = Table{
		ID: "Admins", PartitionKey: "pk", SortKey: "sk", TTLAttribute: "ttl",
		GSIs: []GSI{{Name: "accounts", PartitionKey: "sk", SortKey: "email"}},
	}
	// Activity is the audit log: one partition per day, newest first by
	// sort key, and an index by target.
	Activity = Table{
		ID: "Activity", PartitionKey: "pk", SortKey: "sk",
		GSIs: []GSI{{Name: "by-target", PartitionKey: "target", SortKey: "sk"}},
	}
	// Limits holds rate-limit and lockout counters that expire by TTL.
	Limits = Table{ID: "Limits", PartitionKey: "pk", TTLAttribute: "ttl"}
	// RBAC holds service actions, workspace roles, their assignments and
	// the role-name claims (item layout in internal/rbac); by-kind lists
	// the service actions by service name.
	RBAC = Table{
		ID: "RBAC", PartitionKey: "pk", SortKey: "sk",
		GSIs: []GSI{{Name: "by-kind", PartitionKey: "kind", SortKey: "kind_sk"}},
	}
	// Directory holds users, workspaces, memberships, groups and the claims
	// that keep emails, IdP identities, slugs and group names unique
	// (layout in internal/directory/store.go); users and workspaces are
	// listed through the by-kind index. The search indexes answer q: every
	// listed record carries its list (search_pk) and its lower-cased name
	// (search_name) and email or slug (search_handle), so a search is a
	// prefix Query of one list in either index.
	Directory = Table{
		ID: "Directory", PartitionKey: "pk", SortKey: "sk",
		GSIs: []GSI{
			{Name: "by-kind", PartitionKey: "kind", SortKey: "created_sk"},
			{Name: "search-name", PartitionKey: "search_pk", SortKey: "search_name"},
			{Name: "search-handle", PartitionKey: "search_pk", SortKey: "search_handle"},
		},
	}
	// Permissions holds resource ACLs: per resource (pk RES#service#type#id)
	// its record (sk RES) and its shares (sk SHARE#grantee), read by key on
	// every check; an alias per permission id (pk PERM#id) for the calls
	// addressed by id; per grantee and workspace (pk GRANTEE#…) an entry
	// per share, which removals purge by. The indexes serve
	// accessible-resource lookups (by workspace, by principal: owner or
	// grantee), admin lists and the workspace and service purges.
	Permissions = Table{
		ID: "Permissions", PartitionKey: "pk", SortKey: "sk",
		GSIs: []GSI{
			{Name: "by-workspace", PartitionKey: "workspace_id", SortKey: "workspace_sk"},
			{Name: "by-service", PartitionKey: "service_name", SortKey: "service_sk"},
			{Name: "by-principal", PartitionKey: "principal", SortKey: "principal_sk"},
		},
	}
)

// All lists every table.
var All = []Table{ServiceApps, Admins, Activity, Limits, RBAC, Directory, Permissions}

// Names maps table ids to physical table names.
type Names map[string]string

// Name returns the physical name of t (panics if t was not configured: the
// route table declares every table a function uses, so this is a wiring bug
// caught by tests).
func (n Names) Name(t Table) string {
	name, ok := n[t.ID]
	if !ok {
		panic("dynamo: table " + t.ID + " not configured")
	}
	return name
}

// LocalNames names every table with a prefix, for the local stack and tests.
func LocalNames(prefix string) Names {
	n := Names{}
	for _, t := range All {
		n[t.ID] = prefix + t.ID
	}
	return n
}

// NamesFromEnv reads the physical names of the given tables from the
// environment and reports every missing variable at once.
func NamesFromEnv(tables []Table) (Names, error) {
	n := Names{}
	var missing []string
	for _, t := range tables {
		v := os.Getenv(t.EnvVar())
		if v == "" {
			missing = append(missing, t.EnvVar())
			continue
		}
		n[t.ID] = v
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing environment: %s", strings.Join(missing, ", "))
	}
	return n, nil
}
