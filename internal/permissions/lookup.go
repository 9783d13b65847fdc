package permissions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"sentinel/internal/dynamo"
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
	acls := map[string]*acl{}
	var pks []string
	for _, c := range checks {
		pk := recordPK(c.Coords())
		if acls[pk] == nil {
			acls[pk] = &acl{}
			pks = append(pks, pk)
		}
	}
	shareKeys := func(pks []string) []dynamo.Item {
		var keys []dynamo.Item
		for _, pk := range pks {
			for _, g := range grantees {
				keys = append(keys, dynamo.Key(pk, shareSK(g)))
			}
		}
		return keys
	}
	var keys []dynamo.Item
	for _, pk := range pks {
		keys = append(keys, dynamo.Key(pk, skRecord))
	}
	oneCall := len(pks)*(1+len(grantees)) <= dynamo.MaxBatchGet
	if oneCall {
		keys = append(keys, shareKeys(pks)...)
	}
	if err := s.fetch(ctx, acls, keys); err != nil {
		return nil, err
	}
	if !oneCall {
		var open []string
		for _, c := range checks {
			pk := recordPK(c.Coords())
			if _, final := byRecord(p, c.Action, acls[pk].record); !final && !slices.Contains(open, pk) {
				open = append(open, pk)
			}
		}
		if err := s.fetch(ctx, acls, shareKeys(open)); err != nil {
			return nil, err
		}
	}
	out := make([]bool, len(checks))
	for i, c := range checks {
		a := acls[recordPK(c.Coords())]
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
// ("" for all).
type query struct {
	index, pk, prefix string
}

func (s *Store) queryInput(q query) *dynamodb.QueryInput {
	attrs := indexKeys[q.index]
	in := &dynamodb.QueryInput{
		IndexName:                 aws.String(q.index),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrs[0]},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(q.pk)},
	}
	if q.prefix != "" {
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

// accessible lists the resources of one service and type in p's workspace
// that p may act on (validated input; api.md section 4). The owner and
// admin roles have full access: ids are listed only with a limit (one
// Query). Anyone else gets the union of the paths that can allow — owned,
// workspace-visible, shared to the user, shared to each group — one index
// Query per path, in parallel, each paged only past 1 MB.
func (s *Store) accessible(ctx context.Context, p Principal, in AccessibleInput) (ids []string, fullAccess bool, err error) {
	limit := 0
	if in.Limit != nil {
		limit = *in.Limit
	}
	inType := in.ServiceName + "#" + in.ResourceType + "#"
	if p.fullAccess() {
		if limit == 0 {
			return []string{}, true, nil
		}
		ids, err := s.accessibleIDs(ctx, []query{{byWorkspace, p.WorkspaceID, inType}}, limit)
		return ids, true, err
	}
	scope := scopeSK(p.WorkspaceID, in.ServiceName, in.ResourceType)
	paths := []query{{byPrincipal, principalKey(Grantee{Type: User, ID: p.UserID}), scope + "owner#"}}
	if in.Action == View || p.Role == roleEditor {
		paths = append(paths, query{byWorkspace, p.WorkspaceID, inType + Workspace + "#"})
	}
	level := "share#"
	if in.Action == Edit {
		level += Edit + "#"
	}
	for _, g := range p.grantees() {
		paths = append(paths, query{byPrincipal, principalKey(g), scope + level})
	}
	ids, err = s.accessibleIDs(ctx, paths, limit)
	return ids, false, err
}

// accessibleIDs runs the paths in parallel and returns the distinct
// resource ids they find, in path order, up to limit (0: all).
func (s *Store) accessibleIDs(ctx context.Context, paths []query, limit int) ([]string, error) {
	found := make([][]dynamo.Item, len(paths))
	err := inParallel(len(paths), len(paths), func(i int) error {
		var err error
		found[i], err = s.queryAll(ctx, paths[i], limit, indexKeys[paths[i].index][1])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("accessible resources: %w", err)
	}
	ids := []string{}
	seen := map[string]bool{}
	for i, items := range found {
		for _, it := range items {
			sk, _ := it[indexKeys[paths[i].index][1]].(*types.AttributeValueMemberS)
			if sk == nil {
				continue
			}
			id := sk.Value[strings.LastIndexByte(sk.Value, '#')+1:]
			if seen[id] {
				continue
			}
			if limit > 0 && len(ids) == limit {
				return ids, nil
			}
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
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
