package directory

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// Search: q finds what exists, however long the list.
//
// Every record a searchable list shows carries search keys: the list it is
// in (search_pk) and, lower-cased and trimmed, its name (search_name) and
// its email or slug (search_handle). The Directory table's search-name and
// search-handle indexes sort each list by them, so that the records whose
// name or handle begins with q are one range of an index. The keys are
// attributes of the record itself: written in the record's own
// transaction, rewritten with it (a rename rewrites every profile copy),
// gone with it.
//
// A search page is, in order:
//  1. on the first page, the exact match found by key (strongly
//     consistent): an id, an email (through its claim) or a slug;
//  2. the records whose name begins with q, by name (search-name index);
//  3. then those whose email or slug begins with q, by it (search-handle
//     index), leaving out what 1 and 2 answer.
//
// A page reads on until it holds limit records or its read budget is spent
// (searchReads Queries of at most searchChunk index entries). Only
// records answered elsewhere (the exact match, or a name match seen again
// in the handle index) are read without being answered, so a page is short
// only at the end of the results or after skipping more than its budget of
// such records. Indexes trail writes by a moment (typically milliseconds);
// the exact match does not.
type searchKeys struct {
	SearchPK     string `dynamodbav:"search_pk,omitempty"`
	SearchName   string `dynamodbav:"search_name,omitempty"`
	SearchHandle string `dynamodbav:"search_handle,omitempty"`
}

// searchTerm is the form names, handles and q are compared in.
func searchTerm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func searchKeysOf(list, name, handle string) searchKeys {
	return searchKeys{SearchPK: list, SearchName: searchTerm(name), SearchHandle: searchTerm(handle)}
}

// The searchable lists (values of search_pk).
const (
	usersList      = "USERS"
	workspacesList = "WORKSPACES"
)

// memberList is the list of the members in partition pk: a workspace's
// (WS#<wid>) or a group's (GROUP#<gid>).
func memberList(pk string) string { return "MEMBERS#" + pk }

// groupList is the list of a workspace's groups.
func groupList(workspaceID string) string { return "GROUPS#" + workspacePK(workspaceID) }

// searchReads is the number of index Queries a search page may make.
const searchReads = 4

// searchChunk is how many index entries a search Query reads when the page
// still needs n records: a few more than n in the name index (only the
// exact match is skipped there); more in the handle index, where the
// records already answered by name (whose email usually begins like their
// name) are skipped.
func searchChunk(phase, n int) int {
	if phase == 0 {
		return n + 25
	}
	return 4*n + 100
}

// searchIndexes are read in this order; the phase is the position.
var searchIndexes = [2]struct{ name, attr string }{
	{"search-name", "search_name"},
	{"search-handle", "search_handle"},
}

// finder is one searchable list.
type finder struct {
	list     string // search_pk
	pkPrefix string // what its records' partition keys begin with
	idAttr   string // the attribute holding the id q may name
	// exact finds the record q names exactly, by key (nil: none).
	exact func(ctx context.Context, q string) (dynamoKey, bool, error)
}

// byUser is the exact lookup of a list keyed by user id: q is a user id,
// or an email whose claim names one.
func (s *Store) byUser(key func(userID string) dynamoKey) func(context.Context, string) (dynamoKey, bool, error) {
	return func(ctx context.Context, q string) (dynamoKey, bool, error) {
		if validID(q) {
			return key(q), true, nil
		}
		if ValidateEmail(q) != nil {
			return dynamoKey{}, false, nil
		}
		id, found, err := s.claimedBy(ctx, emailPK(q))
		return key(id), found, err
	}
}

// claimedBy returns the id a claim names (found false when unclaimed).
func (s *Store) claimedBy(ctx context.Context, pk string) (string, bool, error) {
	c, found, err := dynamo.Get[claimItem](ctx, s.repo, dynamo.Key(pk, skClaim))
	return c.ID, found, err
}

func (s *Store) userFinder() finder {
	return finder{list: usersList, pkPrefix: userPK(""), idAttr: "id", exact: s.byUser(func(id string) dynamoKey {
		return dynamoKey{userPK(id), skUser}
	})}
}

func (s *Store) workspaceFinder() finder {
	return finder{list: workspacesList, pkPrefix: workspacePK(""), idAttr: "id", exact: func(ctx context.Context, q string) (dynamoKey, bool, error) {
		if validID(q) {
			return dynamoKey{workspacePK(q), skWorkspace}, true, nil
		}
		if ValidateSlug(q) != nil {
			return dynamoKey{}, false, nil
		}
		id, found, err := s.claimedBy(ctx, slugPK(q))
		return dynamoKey{workspacePK(id), skWorkspace}, found, err
	}}
}

func (s *Store) memberFinder(workspaceID string) finder {
	return finder{list: memberList(workspacePK(workspaceID)), pkPrefix: workspacePK(workspaceID), idAttr: "user_id",
		exact: s.byUser(func(id string) dynamoKey { return memberKey(workspaceID, id) })}
}

func (s *Store) groupMemberFinder(groupID string) finder {
	return finder{list: memberList(groupPK(groupID)), pkPrefix: groupPK(groupID), idAttr: "user_id",
		exact: s.byUser(func(id string) dynamoKey { return groupMemberKey(groupID, id) })}
}

func groupFinder(workspaceID string) finder {
	return finder{list: groupList(workspaceID), pkPrefix: workspacePK(workspaceID), idAttr: "id", exact: func(_ context.Context, q string) (dynamoKey, bool, error) {
		return dynamoKey{workspacePK(workspaceID), groupSK + q}, validID(q), nil
	}}
}

// search answers one page of a q search of f's list (see searchKeys) as
// raw records, and the cursor of the next page.
func (s *Store) search(ctx context.Context, f finder, l List) ([]dynamo.Item, *string, error) {
	q := searchTerm(l.Q)
	phase, start, err := f.decodeCursor(l.Cursor, q)
	if err != nil {
		return nil, nil, err
	}
	var items []dynamo.Item
	if l.Cursor == "" && f.exact != nil {
		k, found, err := f.exact(ctx, q)
		if err != nil {
			return nil, nil, err
		}
		if found {
			it, found, err := dynamo.Get[dynamo.Item](ctx, s.repo, k.av())
			if err != nil {
				return nil, nil, err
			}
			if found {
				items = append(items, it)
			}
		}
	}
	for reads := 0; ; reads++ {
		if len(items) >= l.Limit || reads == searchReads {
			return items, f.encodeCursor(phase, start), nil
		}
		ix := searchIndexes[phase]
		out, err := dynamo.Query(ctx, s.repo, &ddb.QueryInput{
			IndexName:              aws.String(ix.name),
			KeyConditionExpression: aws.String("#search_pk = :list AND begins_with(#" + ix.attr + ", :q)"),
			ExpressionAttributeValues: dynamo.Item{
				":list": dynamo.S(f.list), ":q": dynamo.S(q),
			},
			ExclusiveStartKey: start,
			Limit:             aws.Int32(int32(searchChunk(phase, l.Limit-len(items)))),
		})
		if err != nil {
			return nil, nil, err
		}
		start = out.LastEvaluatedKey
		for i, it := range out.Items {
			if len(items) == l.Limit {
				// Full: the next page starts after the last entry read.
				start = indexKey(out.Items[i-1], ix.attr)
				break
			}
			if f.isExact(it, q) || phase == 1 && strings.HasPrefix(str(it, "search_name"), q) {
				continue // answered elsewhere
			}
			items = append(items, it)
		}
		if len(start) == 0 {
			if phase == len(searchIndexes)-1 {
				return items, nil, nil
			}
			phase++
		}
	}
}

// isExact reports whether an index entry is the record an exact lookup
// answers for q (ids, emails and slugs are unique).
func (f finder) isExact(it dynamo.Item, q string) bool {
	return f.exact != nil && (str(it, f.idAttr) == q || str(it, "search_handle") == q)
}

// str is a string attribute of an item ("" when absent).
func str(it dynamo.Item, attr string) string {
	if v, ok := it[attr].(*ddb.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// indexKey is the position of an entry in the index whose sort key is attr.
func indexKey(it dynamo.Item, attr string) dynamo.Item {
	k := dynamo.Item{}
	for _, a := range []string{"pk", "sk", "search_pk", attr} {
		k[a] = it[a]
	}
	return k
}

// A search cursor is the index position to go on from: its sort key
// attribute tells the index. startHandle is the cursor of a page that ended
// with the name index: the handle index from its start.
const startHandle = "from"

func (f finder) encodeCursor(phase int, start dynamo.Item) *string {
	if len(start) == 0 {
		start = dynamo.Item{startHandle: dynamo.S(searchIndexes[phase].attr)}
	}
	c := dynamo.EncodeCursor(start)
	return &c
}

// decodeCursor checks that a cursor comes from a search of the same list
// for the same q (400 otherwise) and returns where it points.
func (f finder) decodeCursor(cursor, q string) (int, dynamo.Item, error) {
	if cursor == "" {
		return 0, nil, nil
	}
	bad := apperr.New(apperr.BadRequest, "Invalid cursor")
	if m, err := dynamo.DecodeCursor(cursor, startHandle); err == nil {
		if str(m, startHandle) != searchIndexes[1].attr {
			return 0, nil, bad
		}
		return 1, nil, nil
	}
	for phase, ix := range searchIndexes {
		m, err := dynamo.DecodeCursor(cursor, "pk", "sk", "search_pk", ix.attr)
		if err != nil {
			continue
		}
		if str(m, "search_pk") != f.list || !strings.HasPrefix(str(m, ix.attr), q) || !strings.HasPrefix(str(m, "pk"), f.pkPrefix) {
			return 0, nil, bad
		}
		return phase, m, nil
	}
	return 0, nil, bad
}

// searchPage is a page of a q search, each record shown by view.
func searchPage[I, T any](ctx context.Context, s *Store, f finder, l List, view func(I) T) (Page[T], error) {
	items, next, err := s.search(ctx, f, l)
	if err != nil {
		return Page[T]{}, err
	}
	out, err := decodeAll(items, view)
	return Page[T]{Items: out, NextCursor: next}, err
}
