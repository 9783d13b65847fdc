package directory

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
)

// Item layout in the Directory table (see dynamo.Directory):
//
//	USER#<uid>            PROFILE          a user (kind=user in by-kind); workspace_ids
//	                                       lists the workspaces the user is a member of
//	EMAIL#<email>         CLAIM            makes an email unique (id = the user)
//	IDP#<provider>#<sub>  CLAIM            makes a linked IdP identity unique (id = the user)
//	WS#<wid>              WORKSPACE        a workspace (kind=workspace in by-kind)
//	SLUG#<slug>           CLAIM            makes a slug unique (id = the workspace)
//	WS#<wid>              MEMBER#<uid>     a membership: role, the user's group ids in the
//	                                       workspace, and a copy of the user's profile
//	WS#<wid>              GROUP#<gid>      a group, as the workspace's group list shows it
//	WS#<wid>              GNAME#<name>     makes a group name unique in its workspace
//	GROUP#<gid>           GROUP            the group itself (found by id alone)
//	GROUP#<gid>           MEMBER#<uid>     a group membership, with a copy of the profile
//
// Every item of a workspace is in its WS# partition or in the GROUP#
// partition of one of its groups, so deleting a workspace finds them all
// with strongly consistent Queries. Memberships are read by workspace with
// one Query and by user through the user's workspace_ids (a consistent
// GetItem, then BatchGetItem): the same set tells a rename which copies of
// the profile to rewrite. "GROUP" sorts before "MEMBER#", so one Query of a
// GROUP# partition answers whether the group exists and who is in it.
const (
	kindUser      = "user"
	kindWorkspace = "workspace"

	skUser      = "PROFILE"
	skWorkspace = "WORKSPACE"
	skGroup     = "GROUP"
	skClaim     = "CLAIM"
	memberSK    = "MEMBER#"
	groupSK     = "GROUP#"
	groupNameSK = "GNAME#"

	// maxTransactItems is DynamoDB's limit on one transaction.
	maxTransactItems = 100
)

func userPK(id string) string                  { return "USER#" + id }
func workspacePK(id string) string             { return "WS#" + id }
func groupPK(id string) string                 { return "GROUP#" + id }
func emailPK(email string) string              { return "EMAIL#" + email }
func slugPK(slug string) string                { return "SLUG#" + slug }
func identityPK(provider, sub string) string   { return "IDP#" + provider + "#" + sub }
func memberKey(wid, uid string) dynamoKey      { return dynamoKey{workspacePK(wid), memberSK + uid} }
func groupMemberKey(gid, uid string) dynamoKey { return dynamoKey{groupPK(gid), memberSK + uid} }

type dynamoKey struct{ pk, sk string }

func (k dynamoKey) av() map[string]types.AttributeValue { return dynamo.Key(k.pk, k.sk) }

type userItem struct {
	PK           string   `dynamodbav:"pk"`
	SK           string   `dynamodbav:"sk"`
	Kind         string   `dynamodbav:"kind"`
	CreatedSK    string   `dynamodbav:"created_sk"`
	ID           string   `dynamodbav:"id"`
	Email        string   `dynamodbav:"email"`
	Name         string   `dynamodbav:"name"`
	AvatarURL    string   `dynamodbav:"avatar_url"`
	IsActive     bool     `dynamodbav:"is_active"`
	CreatedAt    string   `dynamodbav:"created_at"`
	UpdatedAt    string   `dynamodbav:"updated_at"`
	Identities   []string `dynamodbav:"identities,stringset,omitempty"`
	WorkspaceIDs []string `dynamodbav:"workspace_ids,stringset,omitempty"`
	// Version changes whenever a copy of the profile is made or the
	// profile changes, so a rename knows it rewrote every copy.
	Version int `dynamodbav:"version"`
	searchKeys
}

func (u userItem) user() User {
	return User{ID: u.ID, Email: u.Email, Name: u.Name, AvatarURL: u.AvatarURL, IsActive: u.IsActive, CreatedAt: u.CreatedAt}
}

type workspaceItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Kind        string `dynamodbav:"kind"`
	CreatedSK   string `dynamodbav:"created_sk"`
	ID          string `dynamodbav:"id"`
	Name        string `dynamodbav:"name"`
	Slug        string `dynamodbav:"slug"`
	Description string `dynamodbav:"description"`
	CreatedAt   string `dynamodbav:"created_at"`
	UpdatedAt   string `dynamodbav:"updated_at"`
	// Deleting is set while a delete removes the workspace's items: no
	// write may add an item to it any more.
	Deleting bool `dynamodbav:"deleting,omitempty"`
	Version  int  `dynamodbav:"version"`
	searchKeys
}

func (w workspaceItem) workspace() Workspace {
	return Workspace{ID: w.ID, Name: w.Name, Slug: w.Slug, Description: w.Description, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}

type memberItem struct {
	PK          string   `dynamodbav:"pk"`
	SK          string   `dynamodbav:"sk"`
	WorkspaceID string   `dynamodbav:"workspace_id"`
	UserID      string   `dynamodbav:"user_id"`
	Role        string   `dynamodbav:"role"`
	Groups      []string `dynamodbav:"groups,stringset,omitempty"`
	JoinedAt    string   `dynamodbav:"joined_at"`
	profile
	Version int `dynamodbav:"version"`
}

// profile is the copy of a user's profile that member and group member
// items carry, so that a list is one Query, with the copy's search keys in
// its list (see searchKeys).
type profile struct {
	Email     string `dynamodbav:"email"`
	Name      string `dynamodbav:"name"`
	AvatarURL string `dynamodbav:"avatar_url"`
	searchKeys
}

// profile is u's profile as copied into the list whose items have
// partition key pk (a workspace's members or a group's).
func (u userItem) profile(pk string) profile {
	return profile{Email: u.Email, Name: u.Name, AvatarURL: u.AvatarURL, searchKeys: searchKeysOf(memberList(pk), u.Name, u.Email)}
}

func (m memberItem) member() Member {
	return Member{UserID: m.UserID, Email: m.Email, Name: m.Name, AvatarURL: m.AvatarURL, Role: m.Role, JoinedAt: m.JoinedAt}
}

// groupItem is both the group (GROUP#<gid> GROUP) and its entry in the
// workspace's list (WS#<wid> GROUP#<gid>); only the keys differ.
type groupItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	ID          string `dynamodbav:"id"`
	WorkspaceID string `dynamodbav:"workspace_id"`
	Name        string `dynamodbav:"name"`
	Description string `dynamodbav:"description"`
	CreatedAt   string `dynamodbav:"created_at"`
	UpdatedAt   string `dynamodbav:"updated_at"`
	// Deleting is set (on the group only) while a delete removes its members.
	Deleting bool `dynamodbav:"deleting,omitempty"`
	Version  int  `dynamodbav:"version"`
	// searchKeys are set on the entry only: the workspace's group list.
	searchKeys
}

func (g groupItem) group() Group {
	return Group{ID: g.ID, WorkspaceID: g.WorkspaceID, Name: g.Name, Description: g.Description, CreatedAt: g.CreatedAt}
}

func (g groupItem) entry() groupItem {
	g.PK, g.SK, g.Deleting = workspacePK(g.WorkspaceID), groupSK+g.ID, false
	g.searchKeys = searchKeysOf(groupList(g.WorkspaceID), g.Name, "")
	return g
}

type groupMemberItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	GroupID     string `dynamodbav:"group_id"`
	WorkspaceID string `dynamodbav:"workspace_id"`
	UserID      string `dynamodbav:"user_id"`
	AddedAt     string `dynamodbav:"added_at"`
	profile
}

func (m groupMemberItem) member() GroupMember {
	return GroupMember{UserID: m.UserID, Email: m.Email, Name: m.Name, AddedAt: m.AddedAt}
}

// claimItem makes a value unique; ID names the record holding it.
type claimItem struct {
	PK string `dynamodbav:"pk"`
	SK string `dynamodbav:"sk"`
	ID string `dynamodbav:"id"`
}

// Store keeps the directory in DynamoDB.
type Store struct {
	db    dynamo.DB
	table string
	log   *activity.Log
	now   func() time.Time

	// Dependents are called before a workspace or a membership is removed
	// (and, when they implement GroupDependent, before a group is).
	Dependents []Dependent
	// Roles, when set, adds each membership's roles to the admin user detail.
	Roles RoleSource
}

var _ Reader = (*Store)(nil)

// NewStore returns a store over the Directory table that records changes
// in log.
func NewStore(db dynamo.DB, table string, log *activity.Log, now func() time.Time) *Store {
	return &Store{db: db, table: table, log: log, now: now}
}

// errChanged answers a write whose reads went stale under a concurrent
// change, after a few fresh attempts (see retry).
var errChanged = apperr.New(apperr.Conflict, "The directory was changed concurrently; retry")

// retry runs f again, from its reads, while it fails on a concurrent change.
func retry[T any](f func() (T, error)) (T, error) {
	var v T
	var err error
	for range 3 {
		if v, err = f(); !errors.Is(err, errChanged) {
			return v, err
		}
	}
	return v, err
}

// tx is one transaction under construction. Each item may carry the error
// that its failed condition means; a failed condition without one, or a
// conflict with another transaction, is errChanged.
type tx struct {
	items []types.TransactWriteItem
	fails []error
}

func (t *tx) add(item types.TransactWriteItem, onFail error) {
	t.items = append(t.items, item)
	t.fails = append(t.fails, onFail)
}

func (t *tx) addAll(items []types.TransactWriteItem) {
	for _, it := range items {
		t.add(it, nil)
	}
}

// join appends o's items, with their errors.
func (t *tx) join(o *tx) {
	t.items = append(t.items, o.items...)
	t.fails = append(t.fails, o.fails...)
}

// write runs the transaction; what names the change for wrapped errors.
func (s *Store) write(ctx context.Context, t *tx, what string) error {
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: t.items})
	if err == nil {
		return nil
	}
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for i, r := range tce.CancellationReasons {
			switch aws.ToString(r.Code) {
			case "ConditionalCheckFailed":
				if t.fails[i] != nil {
					return fmt.Errorf("%s: %w", what, t.fails[i])
				}
				return fmt.Errorf("%s: %w", what, errChanged)
			case "TransactionConflict":
				return fmt.Errorf("%s: %w", what, errChanged)
			}
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// writeInSteps writes a change that may be too large for one transaction:
// units (each kept whole within one transaction) in order, packed into as
// few transactions as DynamoDB allows, and last — the change's own record
// and its activity entry — in the final one. Every step leaves a valid
// directory, so a failure part-way is finished by retrying the request.
func (s *Store) writeInSteps(ctx context.Context, units [][]types.TransactWriteItem, last *tx, what string) error {
	step := &tx{}
	for _, u := range units {
		if len(u) > maxTransactItems {
			return fmt.Errorf("%s: a unit of %d items does not fit one transaction", what, len(u))
		}
		if len(step.items)+len(u) > maxTransactItems {
			if err := s.write(ctx, step, what); err != nil {
				return err
			}
			step = &tx{}
		}
		step.addAll(u)
	}
	if len(step.items)+len(last.items) > maxTransactItems {
		if err := s.write(ctx, step, what); err != nil {
			return err
		}
		step = &tx{}
	}
	step.join(last)
	return s.write(ctx, step, what)
}

func (s *Store) put(item any, cond string, values map[string]types.AttributeValue) types.TransactWriteItem {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		panic(err) // the item types above always marshal
	}
	p := &types.Put{TableName: aws.String(s.table), Item: av}
	if cond != "" {
		p.ConditionExpression = aws.String(cond)
		p.ExpressionAttributeNames = names(cond)
		p.ExpressionAttributeValues = values
	}
	return types.TransactWriteItem{Put: p}
}

// claim puts a claim item that must not exist yet.
func (s *Store) claim(pk, sk, id string) types.TransactWriteItem {
	return s.put(claimItem{PK: pk, SK: sk, ID: id}, "attribute_not_exists(pk)", nil)
}

// unclaim deletes a claim item, only if it is still id's.
func (s *Store) unclaim(pk, sk, id string) types.TransactWriteItem {
	return s.del(dynamoKey{pk, sk}, "attribute_not_exists(pk) OR id = :id", map[string]types.AttributeValue{":id": dynamo.S(id)})
}

func (s *Store) del(k dynamoKey, cond string, values map[string]types.AttributeValue) types.TransactWriteItem {
	d := &types.Delete{TableName: aws.String(s.table), Key: k.av()}
	if cond != "" {
		d.ConditionExpression = aws.String(cond)
		d.ExpressionAttributeNames = names(cond)
		d.ExpressionAttributeValues = values
	}
	return types.TransactWriteItem{Delete: d}
}

// update is an UpdateItem in a transaction. Attribute names are written
// #name in expressions (many, like name and role, are reserved words).
func (s *Store) update(k dynamoKey, expr, cond string, values map[string]types.AttributeValue) types.TransactWriteItem {
	u := &types.Update{TableName: aws.String(s.table), Key: k.av(), UpdateExpression: aws.String(expr), ExpressionAttributeValues: values}
	if cond != "" {
		u.ConditionExpression = aws.String(cond)
	}
	u.ExpressionAttributeNames = names(expr + " " + cond)
	if len(values) == 0 {
		u.ExpressionAttributeValues = nil
	}
	return types.TransactWriteItem{Update: u}
}

func (s *Store) check(k dynamoKey, cond string, values map[string]types.AttributeValue) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: aws.String(s.table), Key: k.av(), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: names(cond), ExpressionAttributeValues: values,
	}}
}

// names maps each #name placeholder in expr to the attribute name.
func names(expr string) map[string]string {
	var out map[string]string
	for _, f := range strings.FieldsFunc(expr, func(r rune) bool {
		return !(r == '#' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if strings.HasPrefix(f, "#") {
			if out == nil {
				out = map[string]string{}
			}
			out[f] = f[1:]
		}
	}
	return out
}

// versioned puts a record that must still be at version was and not
// being deleted: optimistic concurrency for read-modify-write updates.
func (s *Store) versioned(item any, was int) types.TransactWriteItem {
	return s.put(item, "#version = :v AND attribute_not_exists(#deleting)", map[string]types.AttributeValue{":v": num(was)})
}

// markDeleting flags a workspace or group as being deleted: from then on
// no write adds to it (see writable), and its items can be removed in steps.
func (s *Store) markDeleting(ctx context.Context, k dynamoKey, onGone error) error {
	t := &tx{}
	t.add(s.update(k, "SET #deleting = :t", "attribute_exists(pk)", map[string]types.AttributeValue{":t": boolean(true)}), onGone)
	return s.write(ctx, t, "mark "+k.pk+" deleting")
}

// writable is the condition every write that adds an item to a workspace
// checks on the workspace: it exists and is not being deleted.
const writable = "attribute_exists(pk) AND attribute_not_exists(#deleting)"

func num(n int) types.AttributeValue { return &types.AttributeValueMemberN{Value: fmt.Sprint(n)} }

func strs(v ...string) types.AttributeValue { return &types.AttributeValueMemberSS{Value: v} }

func boolean(b bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: b} }

// get reads one item (strongly consistent: admin screens read right after
// writing); found is false when it does not exist.
func (s *Store) get(ctx context.Context, k dynamoKey, into any) (found bool, err error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: k.av(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, fmt.Errorf("get %s %s: %w", k.pk, k.sk, err)
	}
	if out.Item == nil {
		return false, nil
	}
	if err := attributevalue.UnmarshalMap(out.Item, into); err != nil {
		return false, fmt.Errorf("decode %s %s: %w", k.pk, k.sk, err)
	}
	return true, nil
}

// batchGet reads distinct keys with dynamo.BatchGet (parallel calls of up
// to 100 keys, unprocessed keys retried); missing items are left out.
func (s *Store) batchGet(ctx context.Context, keys []dynamoKey, consistent bool) ([]map[string]types.AttributeValue, error) {
	avs := make([]dynamo.Item, 0, len(keys))
	for _, k := range keys {
		avs = append(avs, k.av())
	}
	r := dynamo.Repo{DB: s.db, Table: s.table}
	if !consistent {
		r = r.Eventually()
	}
	items, err := dynamo.BatchGetItems(ctx, r, avs)
	if err != nil {
		return nil, fmt.Errorf("read %d directory items: %w", len(keys), err)
	}
	return items, nil
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// List is what a list request asks for.
type List struct {
	Q      string
	Limit  int
	Cursor string
}

// query reads the page of in that cursor points to: the cursor is checked
// to come from the same listing (exact attributes must match, prefixed ones
// start with their prefix), so a cursor from elsewhere is a 400 and never a
// DynamoDB error.
func (s *Store) query(ctx context.Context, in *dynamodb.QueryInput, cursor string, exact, prefixed map[string]string) (*dynamodb.QueryOutput, *string, error) {
	start, err := dynamo.DecodeCursor(cursor, slices.Concat(slices.Collect(maps.Keys(exact)), slices.Collect(maps.Keys(prefixed)))...)
	if err != nil {
		return nil, nil, err
	}
	for a, v := range start {
		got := v.(*types.AttributeValueMemberS).Value
		if want, ok := exact[a]; ok && got != want || !strings.HasPrefix(got, prefixed[a]) {
			return nil, nil, apperr.New(apperr.BadRequest, "Invalid cursor")
		}
	}
	in.ExclusiveStartKey = start
	out, err := s.queryPage(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	var next *string
	if c := dynamo.EncodeCursor(out.LastEvaluatedKey); c != "" {
		next = &c
	}
	return out, next, nil
}

// queryPage runs one Query of the table.
func (s *Store) queryPage(ctx context.Context, in *dynamodb.QueryInput) (*dynamodb.QueryOutput, error) {
	in.TableName = aws.String(s.table)
	in.ExpressionAttributeNames = names(aws.ToString(in.KeyConditionExpression) + " " + aws.ToString(in.FilterExpression))
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("query directory: %w", err)
	}
	return out, nil
}

// collectionQuery is the Query of one collection of a workspace's
// partition (memberships or groups).
func collectionQuery(workspaceID, prefix string, limit int) *dynamodb.QueryInput {
	in := &dynamodb.QueryInput{
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": dynamo.S(workspacePK(workspaceID)), ":prefix": dynamo.S(prefix),
		},
	}
	if limit > 0 {
		in.Limit = aws.Int32(int32(limit))
	}
	return in
}

// workspacePage is one page of a collection of a workspace (admin): one
// Query, or with q a search of the collection's list (f). The collection
// implies its workspace, so only an empty first page costs a GetItem, to
// tell an unknown workspace (404) from an empty one.
func workspacePage[I, T any](ctx context.Context, s *Store, workspaceID, prefix string, l List, f finder, view func(I) T) (Page[T], error) {
	if !validID(workspaceID) {
		return Page[T]{}, errNoWorkspace
	}
	var p Page[T]
	var err error
	if searchTerm(l.Q) != "" {
		p, err = searchPage(ctx, s, f, l, view)
	} else {
		in := collectionQuery(workspaceID, prefix, l.Limit)
		in.ConsistentRead = aws.Bool(true)
		var out *dynamodb.QueryOutput
		out, p.NextCursor, err = s.query(ctx, in, l.Cursor, map[string]string{"pk": workspacePK(workspaceID)}, map[string]string{"sk": prefix})
		if err == nil {
			p.Items, err = decodeAll(out.Items, view)
		}
	}
	if err != nil {
		return Page[T]{}, err
	}
	if len(p.Items) == 0 && l.Cursor == "" {
		if _, err := s.loadWorkspace(ctx, workspaceID, false); err != nil {
			return Page[T]{}, err
		}
	}
	return p, nil
}

// collect runs in page after page (each up to 1 MB, or in.Limit items)
// until it has limit items (0: all of them).
func (s *Store) collect(ctx context.Context, in *dynamodb.QueryInput, limit int) ([]map[string]types.AttributeValue, error) {
	var items []map[string]types.AttributeValue
	for {
		out, err := s.queryPage(ctx, in)
		if err != nil {
			return nil, err
		}
		items = append(items, out.Items...)
		if limit > 0 && len(items) >= limit {
			return items[:limit], nil
		}
		if len(out.LastEvaluatedKey) == 0 {
			return items, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// decodeAll unmarshals items into T's and maps them with view.
func decodeAll[I, T any](items []map[string]types.AttributeValue, view func(I) T) ([]T, error) {
	var decoded []I
	if err := attributevalue.UnmarshalListOfMaps(items, &decoded); err != nil {
		return nil, fmt.Errorf("decode directory items: %w", err)
	}
	out := make([]T, 0, len(decoded))
	for _, it := range decoded {
		out = append(out, view(it))
	}
	return out, nil
}
