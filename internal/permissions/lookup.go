package permissions

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// grantees are the share keys that can apply to p: the user's, then each
// of the user's groups' once.
func (p Principal) grantees() []Grantee {
	gs := []Grantee{{Type: User, ID: p.UserID}}
	for _, g := range p.Groups {
		if gr := (Grantee{Type: Group, ID: g}); !slices.Contains(gs, gr) {
			gs = append(gs, gr)
		}
	}
	return gs
}

// acl is what a check reads of one resource.
type acl struct {
	record *Resource
	shares []Share
}

// check answers validated checks for p, in order. It reads by key only:
// the records of the checked resources and the shares that could apply
// (to the user, to each of the user's groups), strongly consistent so a
// revocation holds at once. When all those keys fit one BatchGetItem call
// they are read in one; otherwise the records first, then the shares of
// only the resources whose record leaves a check open, each round in
// parallel calls of at most 100 keys.
func (s *Store) check(ctx context.Context, p Principal, checks []Check) ([]bool, error) {
	grantees := p.grantees()
	acls := make(map[string]*acl, len(checks))
	checkPKs := make([]string, len(checks)) // each check's resource's
	var pks []string                        // each resource's once
	for i, c := range checks {
		pk := recordPK(c.Coords())
		checkPKs[i] = pk
		if acls[pk] == nil {
			acls[pk] = &acl{}
			pks = append(pks, pk)
		}
	}
	appendShareKeys := func(keys []dynamo.Item, pks []string) []dynamo.Item {
		for _, pk := range pks {
			for _, g := range grantees {
				keys = append(keys, dynamo.Key(pk, shareSK(g)))
			}
		}
		return keys
	}
	n := len(pks) * (1 + len(grantees)) // the records' and shares' keys
	oneCall := n <= dynamo.MaxBatchGet
	if !oneCall {
		n = len(pks)
	}
	keys := make([]dynamo.Item, 0, n)
	for _, pk := range pks {
		keys = append(keys, dynamo.Key(pk, skRecord))
	}
	if oneCall {
		keys = appendShareKeys(keys, pks)
	}
	if err := s.fetch(ctx, acls, keys); err != nil {
		return nil, err
	}
	if !oneCall {
		var open []string
		for i, c := range checks {
			pk := checkPKs[i]
			if _, final := byRecord(p, c.Action, acls[pk].record); !final && !slices.Contains(open, pk) {
				open = append(open, pk)
			}
		}
		if err := s.fetch(ctx, acls, appendShareKeys(nil, open)); err != nil {
			return nil, err
		}
	}
	out := make([]bool, len(checks))
	for i, c := range checks {
		a := acls[checkPKs[i]]
		out[i] = Decide(p, c.Action, a.record, a.shares)
	}
	return out, nil
}

// fetch reads keys and files the records and shares found under their acl.
func (s *Store) fetch(ctx context.Context, acls map[string]*acl, keys []dynamo.Item) error {
	if len(keys) == 0 {
		return nil
	}
	items, err := dynamo.BatchGetItems(ctx, s.repo, keys)
	if err != nil {
		return fmt.Errorf("check permissions: %w", err)
	}
	for _, it := range items {
		rec, shares, err := decode([]dynamo.Item{it})
		if err != nil {
			return err
		}
		if rec != nil {
			acls[rec.PK].record = &rec.Resource
		}
		for _, sh := range shares {
			acls[sh.PK].shares = append(acls[sh.PK].shares, sh.Share)
		}
	}
	return nil
}

// query selects index entries: partition pk, sort keys starting with prefix
// ("" for all) and, when after is set, greater than prefix+after.
type query struct {
	index, pk, prefix, after string
}

func (s *Store) queryInput(q query) *ddb.QueryInput {
	attrs := indexKeys[q.index]
	in := &ddb.QueryInput{
		IndexName:                 aws.String(q.index),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrs[0]},
		ExpressionAttributeValues: map[string]ddb.AttributeValue{":pk": dynamo.S(q.pk)},
	}
	switch {
	case q.after != "":
		// From the entry after (inclusive: it is skipped) to the end of the
		// prefix; ids are ASCII, so U+FFFF sorts after every one of them.
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk BETWEEN :from AND :to")
		in.ExpressionAttributeNames["#sk"] = attrs[1]
		in.ExpressionAttributeValues[":from"] = dynamo.S(q.prefix + q.after)
		in.ExpressionAttributeValues[":to"] = dynamo.S(q.prefix + "\uffff")
	case q.prefix != "":
		in.KeyConditionExpression = aws.String("#pk = :pk AND begins_with(#sk, :prefix)")
		in.ExpressionAttributeNames["#sk"] = attrs[1]
		in.ExpressionAttributeValues[":prefix"] = dynamo.S(q.prefix)
	}
	return in
}

// queryAll returns up to limit (0: all) entries of q with only attrs
// projected, paging only past DynamoDB's 1 MB per call.
func (s *Store) queryAll(ctx context.Context, q query, limit int, attrs ...string) ([]dynamo.Item, error) {
	in := s.queryInput(q)
	var proj []string
	for i, a := range attrs {
		name := fmt.Sprintf("#p%d", i)
		in.ExpressionAttributeNames[name] = a
		proj = append(proj, name)
	}
	in.ProjectionExpression = aws.String(strings.Join(proj, ", "))
	if limit > 0 {
		in.Limit = aws.Int32(int32(limit))
	}
	items, err := dynamo.QueryItems(ctx, s.repo, in, limit)
	if err != nil {
		return nil, fmt.Errorf("query %s %s: %w", q.index, q.pk, err)
	}
	return items, nil
}

// AccessiblePage is one answer of POST /permissions/accessible: at most
// MaxAccessible ids (or the request's limit) in id order, and a cursor to
// continue from while the answer is not complete.
type AccessiblePage struct {
	ResourceIDs   []string `json:"resource_ids"`
	HasFullAccess bool     `json:"has_full_access"`
	NextCursor    *string  `json:"next_cursor"`
	Complete      bool     `json:"complete"`
}

// accessible lists the resources of one service and type in p's workspace
// that p may act on (validated input; api.md section 4), one page at a
// time. The owner and admin roles have full access: ids are listed only
// with a limit. Anyone else gets the union of the paths that can allow —
// owned, workspace-visible, shared to the user, shared to each group. Each
// path is an index range whose sort keys end in the resource id, so each
// lists ids in order: one Query per path, in parallel, reads up to a page
// of ids after the cursor, and the page is the first ids of their union.
func (s *Store) accessible(ctx context.Context, p Principal, in AccessibleInput) (AccessiblePage, error) {
	after, err := decodeAfter(in.Cursor)
	if err != nil {
		return AccessiblePage{}, err
	}
	size := MaxAccessible
	if in.Limit != nil {
		size = *in.Limit
	}
	inType := in.ServiceName + "#" + in.ResourceType + "#"
	var paths []query
	full := p.fullAccess()
	switch {
	case full && in.Limit == nil:
		return AccessiblePage{ResourceIDs: []string{}, HasFullAccess: true, Complete: true}, nil
	case full:
		paths = []query{{byWorkspace, p.WorkspaceID, inType + Private + "#", after}, {byWorkspace, p.WorkspaceID, inType + Workspace + "#", after}}
	default:
		scope := scopeSK(p.WorkspaceID, in.ServiceName, in.ResourceType)
		paths = []query{{byPrincipal, principalKey(Grantee{Type: User, ID: p.UserID}), scope + "owner#", after}}
		if in.Action == View || p.Role == roleEditor {
			paths = append(paths, query{byWorkspace, p.WorkspaceID, inType + Workspace + "#", after})
		}
		levels := []string{Edit}
		if in.Action == View {
			levels = append(levels, View)
		}
		for _, g := range p.grantees() {
			for _, l := range levels {
				paths = append(paths, query{byPrincipal, principalKey(g), scope + "share#" + l + "#", after})
			}
		}
	}
	ids, more, err := s.accessibleIDs(ctx, paths, size)
	if err != nil {
		return AccessiblePage{}, err
	}
	page := AccessiblePage{ResourceIDs: ids, HasFullAccess: full, Complete: !more}
	if more {
		page.NextCursor = dynamo.NextCursor(dynamo.Item{"after": dynamo.S(ids[len(ids)-1])})
	}
	return page, nil
}

// decodeAfter is the resource id a cursor of accessible continues after.
func decodeAfter(cursor string) (string, error) {
	start, err := dynamo.DecodeCursor(cursor, "after")
	if err != nil || start == nil {
		return "", err
	}
	after := start["after"].(*ddb.AttributeValueMemberS).Value
	if canonicalUUID("cursor", &after) != nil {
		return "", apperr.New(apperr.BadRequest, "Invalid cursor")
	}
	return after, nil
}

// accessibleIDs reads up to size+1 entries of each path after its cursor,
// in parallel, and returns the first size distinct resource ids of their
// union, in order, and whether more follow. Each path's unread entries
// sort after those it read, and when a path had more than size entries the
// union does too: a cursor at the page's last id then misses nothing.
func (s *Store) accessibleIDs(ctx context.Context, paths []query, size int) ([]string, bool, error) {
	found := make([][]dynamo.Item, len(paths))
	err := inParallel(len(paths), len(paths), func(i int) error {
		n := size + 1
		if paths[i].after != "" {
			n++ // BETWEEN includes the cursor's own entry
		}
		var err error
		found[i], err = s.queryAll(ctx, paths[i], n, indexKeys[paths[i].index][1])
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("accessible resources: %w", err)
	}
	seen := map[string]bool{}
	for i, items := range found {
		for _, it := range items {
			sk, _ := it[indexKeys[paths[i].index][1]].(*ddb.AttributeValueMemberS)
			if sk == nil {
				continue
			}
			if id := strings.TrimPrefix(sk.Value, paths[i].prefix); id != paths[i].after {
				seen[id] = true
			}
		}
	}
	ids := slices.Sorted(maps.Keys(seen))
	if len(ids) > size {
		return ids[:size], true, nil
	}
	return ids, false, nil
}

// inParallel runs f for each i in [0, n), at most width at a time, and
// joins their errors.
func inParallel(n, width int, f func(i int) error) error {
	errs := make([]error, n)
	sem := make(chan struct{}, max(width, 1))
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = f(i)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
