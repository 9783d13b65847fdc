package directory

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/activity"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
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
//	GROUP#<gid>           GROUP            the group itself (found by id alone; kind=group in by-kind); the
//	                                       group and its GROUP#<gid> entry carry member_count
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
	kindGroup     = "group"

	skUser      = "PROFILE"
	skWorkspace = "WORKSPACE"
	skGroup     = "GROUP"
	skClaim     = "CLAIM"
	memberSK    = "MEMBER#"
	groupSK     = "GROUP#"
	groupNameSK = "GNAME#"
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

func (k dynamoKey) av() map[string]ddb.AttributeValue { return dynamo.Key(k.pk, k.sk) }

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
	// Deleting is set while a removal purges what Dependents hold about
	// the member: no grant may name the member any more (see MemberGuard).
	Deleting bool `dynamodbav:"deleting,omitempty"`
	Version  int  `dynamodbav:"version"`
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
	PK string `dynamodbav:"pk"`
	SK string `dynamodbav:"sk"`
	// Kind and CreatedSK put the group itself (not its entry in the
	// workspace's list) in the by-kind index, where it is counted.
	Kind        string `dynamodbav:"kind,omitempty"`
	CreatedSK   string `dynamodbav:"created_sk,omitempty"`
	ID          string `dynamodbav:"id"`
	WorkspaceID string `dynamodbav:"workspace_id"`
	Name        string `dynamodbav:"name"`
	Description string `dynamodbav:"description"`
	CreatedAt   string `dynamodbav:"created_at"`
	UpdatedAt   string `dynamodbav:"updated_at"`
	// Deleting is set (on the group only) while a delete removes its members.
	Deleting bool `dynamodbav:"deleting,omitempty"`
	Version  int  `dynamodbav:"version"`
	// MemberCount is the number of the group's members, on the group and
	// on its entry alike (see counted); nil on a group made before the
	// counter existed, until it is counted.
	MemberCount *int `dynamodbav:"member_count,omitempty"`
	// searchKeys are set on the entry only: the workspace's group list.
	searchKeys
}

func (g groupItem) group() Group {
	return Group{ID: g.ID, WorkspaceID: g.WorkspaceID, Name: g.Name, Description: g.Description, CreatedAt: g.CreatedAt}
}

// adminGroup is the group as the admin API shows it, with its member
// count (the caller counted it first, see counted).
func (g groupItem) adminGroup() AdminGroup {
	n := 0
	if g.MemberCount != nil {
		n = *g.MemberCount
	}
	return AdminGroup{Group: g.group(), MemberCount: n}
}

func (g groupItem) entry() groupItem {
	g.PK, g.SK, g.Deleting, g.Kind, g.CreatedSK = workspacePK(g.WorkspaceID), groupSK+g.ID, false, "", ""
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
	repo dynamo.Repo
	log  *activity.Log
	now  func() time.Time

	// dependents are called before a workspace or a membership is removed
	// (and, when they implement GroupDependent, before a group is).
	dependents []Dependent
	// roles, when set, adds each membership's roles to the admin user detail.
	roles RoleSource
}

var (
	_ Reader = (*Store)(nil)
	_ Guard  = (*Store)(nil)
)

// NewStore returns a store over the Directory table that records changes
// in log (nil in functions that only read).
func NewStore(db dynamo.DB, table string, log *activity.Log, now func() time.Time) *Store {
	return &Store{repo: dynamo.Repo{DB: db, Table: table}, log: log, now: now}
}

// WithDependents returns the store that asks ds to purge what they hold
// before it removes a workspace, a member or (GroupDependents) a group.
// Only the functions that remove them need dependents.
func (s *Store) WithDependents(ds ...Dependent) *Store {
	c := *s
	c.dependents = slices.Concat(s.dependents, ds)
	return &c
}

// WithRoles returns the store that lists each membership's roles, read
// from r, in the admin user detail (GET /admin/users/{id}).
func (s *Store) WithRoles(r RoleSource) *Store {
	c := *s
	c.roles = r
	return &c
}

// write runs a transaction (see dynamo.Tx: each item may carry the error
// its failed condition means; any other is dynamo.ErrChanged, on which the
// read-modify-writes run again with dynamo.Reread). what names the change
// for wrapped errors.
func (s *Store) write(ctx context.Context, t *dynamo.Tx, what string) error {
	if err := t.Write(ctx, s.repo.DB); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// writeInSteps writes a change that may be too large for one transaction
// (dynamo.WriteInSteps): units in order, and last — the change's own record
// and its activity entry — in the final transaction. Every step leaves a
// valid directory, so a failure part-way is finished by retrying the
// request.
func (s *Store) writeInSteps(ctx context.Context, units [][]ddb.TransactWriteItem, last *dynamo.Tx, what string) error {
	if err := dynamo.WriteInSteps(ctx, s.repo.DB, units, last); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// claim puts a claim item that must not exist yet.
func (s *Store) claim(pk, sk, id string) ddb.TransactWriteItem {
	return s.repo.Put(claimItem{PK: pk, SK: sk, ID: id}, "attribute_not_exists(pk)", nil)
}

// unclaim deletes a claim item, only if it is still id's.
func (s *Store) unclaim(pk, sk, id string) ddb.TransactWriteItem {
	return s.repo.Delete(dynamo.Key(pk, sk), "attribute_not_exists(pk) OR id = :id", dynamo.Item{":id": dynamo.S(id)})
}

// versioned puts a record that must still be at version was and not
// being deleted: optimistic concurrency for read-modify-write updates.
func (s *Store) versioned(item any, was int) ddb.TransactWriteItem {
	return s.repo.Put(item, "#version = :v AND attribute_not_exists(#deleting)", dynamo.Item{":v": dynamo.N(was)})
}

// markDeleting flags a workspace or group as being deleted: from then on
// no write adds to it (see writable), and its items can be removed in steps.
func (s *Store) markDeleting(ctx context.Context, k dynamoKey, onGone error) error {
	t := dynamo.NewTx().AddOr(s.repo.Update(k.av(), "SET #deleting = :t", "attribute_exists(pk)", dynamo.Item{":t": dynamo.Bool(true)}), onGone)
	return s.write(ctx, t, "mark "+k.pk+" deleting")
}

// writable is the condition every write that adds an item to a workspace
// checks on the workspace: it exists and is not being deleted.
const writable = "attribute_exists(pk) AND attribute_not_exists(#deleting)"

// batchGet reads keys with dynamo.BatchGetItems (parallel calls of up to
// 100 keys, unprocessed keys retried); missing items are left out.
func (s *Store) batchGet(ctx context.Context, keys []dynamoKey, consistent bool) ([]dynamo.Item, error) {
	avs := make([]dynamo.Item, 0, len(keys))
	for _, k := range keys {
		avs = append(avs, k.av())
	}
	r := s.repo
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
type Page[T any] = dynamo.Page[T]

// List is what a list request asks for.
type List struct {
	Q      string
	Limit  int
	Cursor string
}

// listPage reads the page of in that cursor points to, validated against
// scope (see dynamo.Scope), each record shown by view.
func listPage[I, T any](ctx context.Context, s *Store, in *ddb.QueryInput, cursor string, scope dynamo.Scope, view func(I) T) (Page[T], error) {
	p, err := dynamo.QueryPage[I](ctx, s.repo, in, cursor, scope)
	if err != nil {
		return Page[T]{}, fmt.Errorf("list directory: %w", err)
	}
	return dynamo.MapPage(p, view), nil
}

// collectionQuery is the Query of one collection of a workspace's
// partition (memberships or groups).
func collectionQuery(workspaceID, prefix string, limit int) *ddb.QueryInput {
	in := &ddb.QueryInput{
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]ddb.AttributeValue{
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
	if err := l.validate(); err != nil {
		return Page[T]{}, err
	}
	if !validID(workspaceID) {
		return Page[T]{}, errNoWorkspace
	}
	var p Page[T]
	var err error
	if searchTerm(l.Q) != "" {
		p, err = searchPage(ctx, s, f, l, view)
	} else {
		p, err = listPage(ctx, s, collectionQuery(workspaceID, prefix, l.Limit), l.Cursor,
			dynamo.Scope{Exact: map[string]string{"pk": workspacePK(workspaceID)}, Prefix: map[string]string{"sk": prefix}}, view)
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

// decodeAll unmarshals items into T's and maps them with view.
func decodeAll[I, T any](items []dynamo.Item, view func(I) T) ([]T, error) {
	decoded, err := dynamo.Decode[I](items)
	if err != nil {
		return nil, fmt.Errorf("decode directory items: %w", err)
	}
	return dynamo.MapPage(Page[I]{Items: decoded}, view).Items, nil
}
