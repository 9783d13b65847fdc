package rbac

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
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
	// maxTransact is DynamoDB's limit on items in one transaction.
	maxTransact = 100
	// maxAttempts bounds the read-and-retry loops of cascading removals.
	maxAttempts = 5
)

// attrs is a DynamoDB item, key or set of expression values.
type attrs = map[string]types.AttributeValue

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
	db    dynamo.DB
	table string
	log   *activity.Log
	now   func() time.Time
	// Directory answers membership, user and workspace questions. It is
	// set after construction (the directory in turn calls the store as a
	// directory.Dependent); while nil, the admin calls that need it fail
	// closed with a 500.
	Directory Directory
}

var _ directory.Dependent = (*Store)(nil)

// NewStore returns a store over the RBAC table that records admin changes
// in log.
func NewStore(db dynamo.DB, table string, log *activity.Log, now func() time.Time) *Store {
	return &Store{db: db, table: table, log: log, now: now}
}

// dir returns the directory, or an internal error while none is wired.
func (s *Store) dir() (Directory, error) {
	if s.Directory == nil {
		return nil, errors.New("rbac: directory unavailable")
	}
	return s.Directory, nil
}

func (s *Store) transact(ctx context.Context, items []types.TransactWriteItem) error {
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	return err
}

// get reads one item with a consistent read; found is false when it does
// not exist.
func (s *Store) get(ctx context.Context, key attrs, out any) (found bool, err error) {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, err
	}
	if res.Item == nil {
		return false, nil
	}
	return true, attributevalue.UnmarshalMap(res.Item, out)
}

// role reads a role by the id a path names (404 when it names none).
func (s *Store) role(ctx context.Context, id string) (roleItem, error) {
	rid, err := pathID(id, "Role")
	if err != nil {
		return roleItem{}, err
	}
	var r roleItem
	found, err := s.get(ctx, roleKey(rid), &r)
	if err != nil {
		return roleItem{}, fmt.Errorf("get role %s: %w", rid, err)
	}
	if !found {
		return roleItem{}, apperr.New(apperr.NotFound, "Role not found")
	}
	return r, nil
}

// queryAll reads every item of a partition whose sort key starts with
// prefix, consistently and page by page.
func (s *Store) queryAll(ctx context.Context, pk, prefix string, out any) error {
	p := dynamodb.NewQueryPaginator(s.db, s.prefixQuery(pk, prefix))
	var items []attrs
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		items = append(items, page.Items...)
	}
	return attributevalue.UnmarshalListOfMaps(items, out)
}

func (s *Store) prefixQuery(pk, prefix string) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{
		TableName:              aws.String(s.table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: attrs{
			":pk": dynamo.S(pk), ":prefix": dynamo.S(prefix),
		},
		ConsistentRead: aws.Bool(true),
	}
}

// page reads one page of a partition's items under prefix: a cursor from
// another partition is refused like any malformed one.
func (s *Store) page(ctx context.Context, pk, prefix string, limit int, cursor string, out any) (*string, error) {
	start, err := dynamo.DecodeCursor(cursor, "pk", "sk")
	if err != nil {
		return nil, err
	}
	if start != nil && start["pk"].(*types.AttributeValueMemberS).Value != pk {
		return nil, apperr.New(apperr.BadRequest, "Invalid cursor")
	}
	in := s.prefixQuery(pk, prefix)
	in.Limit = aws.Int32(int32(limit))
	in.ExclusiveStartKey = start
	res, err := s.db.Query(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := attributevalue.UnmarshalListOfMaps(res.Items, out); err != nil {
		return nil, err
	}
	return nextCursor(res.LastEvaluatedKey), nil
}

func nextCursor(lek attrs) *string {
	if c := dynamo.EncodeCursor(lek); c != "" {
		return &c
	}
	return nil
}

// batchGet reads items by key, consistently, with dynamo.BatchGet
// (parallel calls of up to 100 keys, unprocessed keys retried). Missing
// items are simply absent.
func (s *Store) batchGet(ctx context.Context, keys []attrs, out any) error {
	items, err := dynamo.BatchGet(ctx, s.db, s.table, keys, true)
	if err != nil {
		return err
	}
	return attributevalue.UnmarshalListOfMaps(items, out)
}

// cancelled maps a cancelled transaction to the error of the first item
// whose condition failed (reasons[i], nil for items that cannot fail
// meaningfully); a conflict with a concurrent transaction, or a failed
// condition without a reason, is a 409 asking to retry.
func cancelled(err error, reasons []error) error {
	for _, i := range dynamo.CancelledAt(err) {
		if i < len(reasons) && reasons[i] != nil {
			return reasons[i]
		}
	}
	if retryable(err) {
		return apperr.New(apperr.Conflict, "The role or action was changed concurrently; retry")
	}
	return err
}

// retryable reports a transaction cancelled by a failed condition or by a
// concurrent transaction: reading again and retrying may succeed.
func retryable(err error) bool {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return dynamo.IsConditionFailed(err)
	}
	for _, r := range tce.CancellationReasons {
		if c := aws.ToString(r.Code); c == "ConditionalCheckFailed" || c == "TransactionConflict" {
			return true
		}
	}
	return false
}

// removeInChunks repeats step (read what is left, drain it) until step
// reports done. A step cancelled by a concurrent change is retried, at
// most maxAttempts times in all; a step that removed a chunk is progress
// and does not count.
func removeInChunks(step func() (done bool, err error)) error {
	for failures := 0; failures < maxAttempts; {
		done, err := step()
		switch {
		case err == nil && done:
			return nil
		case err == nil:
		case retryable(err):
			failures++
		default:
			return err
		}
	}
	return apperr.New(apperr.Conflict, "The data kept changing while it was removed; retry")
}

// drain runs removal units (each a few transaction items) and the final
// items that complete the removal: in one transaction when everything
// fits, else the units that fit with summary(n), the item that accounts
// for the n units taken and carries the condition on what was read. done
// reports that the final items ran; otherwise the caller reads again.
func (s *Store) drain(ctx context.Context, units [][]types.TransactWriteItem, final []types.TransactWriteItem, summary func(n int) []types.TransactWriteItem) (done bool, err error) {
	size := len(final)
	for _, u := range units {
		size += len(u)
	}
	if size <= maxTransact {
		var items []types.TransactWriteItem
		for _, u := range units {
			items = append(items, u...)
		}
		if len(items)+len(final) == 0 {
			return true, nil
		}
		return true, s.transact(ctx, append(items, final...))
	}
	room := maxTransact - len(summary(1))
	var items []types.TransactWriteItem
	n := 0
	for _, u := range units {
		if len(items)+len(u) > room {
			break
		}
		items = append(items, u...)
		n++
	}
	return false, s.transact(ctx, append(items, summary(n)...))
}

// txPut, txDelete and txUpdate build transaction items on the RBAC table;
// cond may be empty, values holds the expressions' values.
func (s *Store) txPut(item any, cond string, values attrs) types.TransactWriteItem {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		panic(err) // the item types above always marshal
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(s.table), Item: av, ConditionExpression: expr(cond), ExpressionAttributeValues: values,
	}}
}

func (s *Store) txDelete(key attrs, cond string, values attrs) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{
		TableName: aws.String(s.table), Key: key, ConditionExpression: expr(cond), ExpressionAttributeValues: values,
	}}
}

func (s *Store) txUpdate(key attrs, update, cond string, values attrs) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.table), Key: key, UpdateExpression: aws.String(update),
		ConditionExpression: expr(cond), ExpressionAttributeValues: values,
	}}
}

func expr(e string) *string {
	if e == "" {
		return nil
	}
	return &e
}

// n is a number attribute value.
func n(v int) types.AttributeValue { return &types.AttributeValueMemberN{Value: fmt.Sprint(v)} }

// ss is a string set attribute value (never empty).
func ss(v ...string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: v} }
