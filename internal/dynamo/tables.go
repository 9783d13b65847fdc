// Package dynamo holds the DynamoDB table definitions that the CDK stack,
// the local stack and the tests all create tables from, the client
// constructor, and helpers the repositories share.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
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

// CreateInput is the CreateTable request for t under a physical name
// (pay per request, as in the stack).
func (t Table) CreateInput(name string) *dynamodb.CreateTableInput {
	attrs := map[string]bool{}
	var defs []types.AttributeDefinition
	def := func(a string) {
		if a != "" && !attrs[a] {
			attrs[a] = true
			defs = append(defs, types.AttributeDefinition{AttributeName: aws.String(a), AttributeType: types.ScalarAttributeTypeS})
		}
	}
	schema := func(pk, sk string) []types.KeySchemaElement {
		def(pk)
		ks := []types.KeySchemaElement{{AttributeName: aws.String(pk), KeyType: types.KeyTypeHash}}
		if sk != "" {
			def(sk)
			ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(sk), KeyType: types.KeyTypeRange})
		}
		return ks
	}
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema:   schema(t.PartitionKey, t.SortKey),
	}
	for _, g := range t.GSIs {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:  aws.String(g.Name),
			KeySchema:  schema(g.PartitionKey, g.SortKey),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	in.AttributeDefinitions = defs
	return in
}

// CreateTables creates every table that does not exist yet, adds the
// indexes an existing table lacks, and waits until all are active. Used by
// the local stack and the tests; in AWS the CDK stack creates them from the
// same definitions.
func CreateTables(ctx context.Context, c *dynamodb.Client, names Names) error {
	for _, t := range All {
		name := names.Name(t)
		_, err := c.CreateTable(ctx, t.CreateInput(name))
		var inUse *types.ResourceInUseException
		if err != nil && !errors.As(err, &inUse) {
			return fmt.Errorf("create table %s: %w", name, err)
		}
		if err := dynamodb.NewTableExistsWaiter(c).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 2*time.Minute); err != nil {
			return fmt.Errorf("wait for table %s: %w", name, err)
		}
		if err != nil { // the table existed: it may predate an index
			if err := addMissingIndexes(ctx, c, t, name); err != nil {
				return err
			}
		}
		if t.TTLAttribute == "" {
			continue
		}
		ttl, err := c.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
		if err != nil {
			return fmt.Errorf("describe ttl of %s: %w", name, err)
		}
		if d := ttl.TimeToLiveDescription; d != nil && d.TimeToLiveStatus == types.TimeToLiveStatusEnabled {
			continue
		}
		_, err = c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName:               aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(t.TTLAttribute), Enabled: aws.Bool(true)},
		})
		if err != nil {
			return fmt.Errorf("enable ttl on %s: %w", name, err)
		}
	}
	return nil
}

// addMissingIndexes adds to an existing table the indexes of t it lacks
// (a table created before the index was defined), one at a time as
// DynamoDB requires; DynamoDB fills each from the items already stored.
func addMissingIndexes(ctx context.Context, c *dynamodb.Client, t Table, name string) error {
	for {
		index, err := AddMissingIndex(ctx, c, t, name)
		if err != nil || index == "" {
			return err
		}
		if err := waitIndexActive(ctx, c, name, index); err != nil {
			return err
		}
	}
}

// AddMissingIndex starts creating the first index of t that the table
// called name lacks and returns its name ("" when none is missing).
func AddMissingIndex(ctx context.Context, c *dynamodb.Client, t Table, name string) (string, error) {
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("describe table %s: %w", name, err)
	}
	full := t.CreateInput(name)
	for _, g := range full.GlobalSecondaryIndexes {
		if slices.ContainsFunc(d.Table.GlobalSecondaryIndexes, func(have types.GlobalSecondaryIndexDescription) bool {
			return aws.ToString(have.IndexName) == aws.ToString(g.IndexName)
		}) {
			continue
		}
		_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
			TableName:                   aws.String(name),
			AttributeDefinitions:        full.AttributeDefinitions,
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection}}},
		})
		if err != nil {
			return "", fmt.Errorf("add index %s to %s: %w", aws.ToString(g.IndexName), name, err)
		}
		return aws.ToString(g.IndexName), nil
	}
	return "", nil
}

// waitIndexActive polls until an index being created is active (filling
// it takes DynamoDB Local moments when idle, minutes under heavy load), for
// at most 10 minutes or until ctx ends.
func waitIndexActive(ctx context.Context, c *dynamodb.Client, table, index string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	for {
		d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err != nil {
			return fmt.Errorf("describe table %s: %w", table, err)
		}
		for _, g := range d.Table.GlobalSecondaryIndexes {
			if aws.ToString(g.IndexName) == index && g.IndexStatus == types.IndexStatusActive {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("index %s of %s is not active yet: %w", index, table, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}
