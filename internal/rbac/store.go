package rbac

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/uuid"

	"sentinel/internal/activity"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// Item layout in the RBAC table (see dynamo.RBAC):
//
//	ACTION#<aid>         ACTION        a service action; kind/kind_sk list it by service
//	ACTION#<aid>         ROLE#<rid>    the action is in role rid (what deleting the action undoes)
//	ROLE#<rid>           ROLE          a role: workspace, name, action set, member count, version
//	ROLE#<rid>           MEMBER#<uid>  an assignment, role side (member lists, role deletion)
//	WS#<wid>             ROLE#<name>   the role-name claim (unique per workspace; lists its roles)
//	WS#<wid>#USER#<uid>  ROLE#<rid>    an assignment, user side (a check's one Query)
//
// An action id is derived from (service_name, action), so registering is
// one idempotent write that needs no uniqueness claim. A role keeps its
// actions as a string set of "<service>#<action>" entries: a check reads
// the user's assignments with one Query and their roles with one
// BatchGetItem, whatever the number of roles in the workspace.
//
// Invariants every transaction keeps: both sides of an assignment exist
// together and member_count counts them; an action entry is in a role's
// set exactly when its ACTION#/ROLE# link exists, and role_count counts
// the links. Removals that may exceed one transaction (a role's members,
// an action's roles) run in chunks conditioned on what was read, so a
// concurrent change makes them read again instead of missing an item.
const (
	skAction     = "ACTION"
	skRole       = "ROLE"
	prefixRole   = "ROLE#"
	prefixMember = "MEMBER#"
	kindAction   = "action"
)

// attrs is a DynamoDB item, key or set of expression values.
type attrs = map[string]ddb.AttributeValue

// actionNamespace derives action ids: UUIDv5 of "<service>#<action>".
var actionNamespace = uuid.MustParse("0b5c3a4e-7d2f-4f0e-9a51-5e1c2b7d8f30")

func entryOf(service, action string) string { return service + "#" + action }
func actionID(service, action string) string {
	return uuid.NewSHA1(actionNamespace, []byte(entryOf(service, action))).String()
}
func actionPK(aid string) string    { return "ACTION#" + aid }
func rolePK(rid string) string      { return "ROLE#" + rid }
func workspacePK(wid string) string { return "WS#" + wid }
func userPK(wid, uid string) string { return "WS#" + wid + "#USER#" + uid }
func actionKey(aid string) attrs    { return dynamo.Key(actionPK(aid), skAction) }
func roleKey(rid string) attrs      { return dynamo.Key(rolePK(rid), skRole) }

type actionItem struct {
	ID          string  `dynamodbav:"id"`
	ServiceName string  `dynamodbav:"service_name"`
	Action      string  `dynamodbav:"action"`
	Description *string `dynamodbav:"description"`
	CreatedAt   string  `dynamodbav:"created_at"`
	RoleCount   int     `dynamodbav:"role_count"`
}

func (a actionItem) view() ServiceAction {
	return ServiceAction{ID: a.ID, ServiceName: a.ServiceName, Action: a.Action, Description: a.Description, CreatedAt: a.CreatedAt}
}

type roleItem struct {
	PK          string   `dynamodbav:"pk"`
	SK          string   `dynamodbav:"sk"`
	ID          string   `dynamodbav:"id"`
	WorkspaceID string   `dynamodbav:"workspace_id"`
	Name        string   `dynamodbav:"name"`
	Description *string  `dynamodbav:"description"`
	CreatedBy   string   `dynamodbav:"created_by"`
	CreatedAt   string   `dynamodbav:"created_at"`
	UpdatedAt   string   `dynamodbav:"updated_at"`
	Actions     []string `dynamodbav:"actions,stringset,omitempty"`
	MemberCount int      `dynamodbav:"member_count"`
	Version     int      `dynamodbav:"version"`
}

func (r roleItem) view() Role {
	return Role{
		ID: r.ID, WorkspaceID: r.WorkspaceID, Name: r.Name, Description: r.Description, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ActionCount: len(r.Actions), MemberCount: r.MemberCount,
	}
}

// claimItem makes a role name unique in its workspace.
type claimItem struct {
	PK     string `dynamodbav:"pk"`
	SK     string `dynamodbav:"sk"`
	RoleID string `dynamodbav:"role_id"`
}

// assignItem is either side of an assignment.
type assignItem struct {
	PK         string `dynamodbav:"pk"`
	SK         string `dynamodbav:"sk"`
	RoleID     string `dynamodbav:"role_id"`
	UserID     string `dynamodbav:"user_id"`
	AssignedAt string `dynamodbav:"assigned_at"`
	AssignedBy string `dynamodbav:"assigned_by"`
}

// linkItem records that an action is in a role.
type linkItem struct {
	PK     string `dynamodbav:"pk"`
	SK     string `dynamodbav:"sk"`
	RoleID string `dynamodbav:"role_id"`
	Entry  string `dynamodbav:"entry"`
}

// Store keeps service actions and roles in DynamoDB.
type Store struct {
	repo dynamo.Repo
	log  *activity.Log
	now  func() time.Time
	// directory answers membership, user and workspace questions for the
	// role admin (WithDirectory); the checks, registration and purges never
	// read it.
	directory Directory
}

var _ directory.Dependent = (*Store)(nil)

// NewStore returns a store over the RBAC table that records admin changes
// in log (nil in functions that record none).
func NewStore(db dynamo.DB, table string, log *activity.Log, now func() time.Time) *Store {
	return &Store{repo: dynamo.Repo{DB: db, Table: table}, log: log, now: now}
}

// WithDirectory returns the store of the role admin, which reads the
// directory: roles are created in existing workspaces and held by their
// members, and member lists carry names.
func (s *Store) WithDirectory(d Directory) *Store {
	c := *s
	c.directory = d
	return &c
}

// dir returns the directory, or an internal error in a function built
// without it (its routes never call the role admin).
func (s *Store) dir() (Directory, error) {
	if s.directory == nil {
		return nil, errors.New("rbac: built without the directory")
	}
	return s.directory, nil
}

// write runs a transaction (its items' errors say what a failed condition
// means; see dynamo.Tx).
func (s *Store) write(ctx context.Context, tx *dynamo.Tx) error { return tx.Write(ctx, s.repo.DB) }

// role reads a role by the id a path names (404 when it names none).
func (s *Store) role(ctx context.Context, id string) (roleItem, error) {
	rid, err := pathID(id, "Role")
	if err != nil {
		return roleItem{}, err
	}
	r, found, err := dynamo.Get[roleItem](ctx, s.repo, roleKey(rid))
	if err != nil {
		return roleItem{}, fmt.Errorf("get role %s: %w", rid, err)
	}
	if !found {
		return roleItem{}, errRoleGone
	}
	return r, nil
}

// queryAll reads every item of partition pk whose sort key starts with
// prefix, consistently and page by page.
func queryAll[T any](ctx context.Context, s *Store, pk, prefix string) ([]T, error) {
	return dynamo.QueryAll[T](ctx, s.repo, dynamo.Prefix(pk, prefix))
}

// page reads one page of partition pk's items under prefix: a cursor from
// another partition is refused like any malformed one.
func page[T any](ctx context.Context, s *Store, pk, prefix string, limit int, cursor string) (dynamo.Page[T], error) {
	in := dynamo.Prefix(pk, prefix)
	in.Limit = aws.Int32(int32(limit))
	return dynamo.QueryPage[T](ctx, s.repo, in, cursor, dynamo.Scope{Exact: map[string]string{"pk": pk}, Prefix: map[string]string{"sk": prefix}})
}

// removeInChunks repeats step (read what is left, drain it) until step
// reports done. A step whose reads went stale under a concurrent change
// (dynamo.ErrChanged) is run again under the retry policy; a step that
// removed a chunk is progress and does not count.
func removeInChunks(ctx context.Context, step func() (done bool, err error)) error {
	_, err := dynamo.Reread(ctx, func() (struct{}, error) {
		for {
			if done, err := step(); done || err != nil {
				return struct{}{}, err
			}
		}
	})
	return err
}

// drain runs removal units (each a few transaction items) and the final
// items that complete the removal: in one transaction when everything
// fits, else the units that fit with summary(n), the item that accounts
// for the n units taken and carries the condition on what was read. done
// reports that the final items ran; otherwise the caller reads again.
func (s *Store) drain(ctx context.Context, units [][]ddb.TransactWriteItem, final []ddb.TransactWriteItem, summary func(n int) []ddb.TransactWriteItem) (done bool, err error) {
	if items, n := dynamo.Fitting(units, len(final)); n == len(units) {
		return true, dynamo.TransactWrite(ctx, s.repo.DB, append(items, final...))
	}
	items, n := dynamo.Fitting(units, len(summary(1)))
	return false, dynamo.TransactWrite(ctx, s.repo.DB, append(items, summary(n)...))
}
