package permissions

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// PurgeWorkspace removes the workspace's resources with their shares
// (directory.Dependent: called before a workspace is deleted). It finds
// the resources through the by-workspace index, which may still miss one
// registered an instant before; registering does not check the workspace,
// so a later one is not stopped either (README, Known limits).
func (s *Store) PurgeWorkspace(ctx context.Context, workspaceID string) error {
	_, err := s.purge(ctx, query{index: byWorkspace, pk: workspaceID})
	return err
}

// purge removes every resource an index query finds, a few at a time.
// Resources removed meanwhile by someone else are skipped, so a purge can
// be run again after a failure.
func (s *Store) purge(ctx context.Context, q query) (int, error) {
	items, err := s.queryAll(ctx, q, 0, "pk")
	if err != nil {
		return 0, err
	}
	var removed atomic.Int64
	err = inParallel(len(items), purgeWidth, func(i int) error {
		pk, _ := items[i]["pk"].(*ddb.AttributeValueMemberS)
		if pk == nil {
			return nil
		}
		err := s.remove(ctx, pk.Value)
		if err == nil {
			removed.Add(1)
		}
		if apperr.Is(err, apperr.NotFound) {
			return nil
		}
		return err
	})
	return int(removed.Load()), err
}

// PurgeMember removes the shares to a user on the workspace's resources
// (directory.Dependent: called before a member leaves a workspace). A
// share to a non-member could not be granted, and would come back to life
// if the user rejoined. The resources the user owns stay: they belong to
// the workspace, and the owner rule only ever applies to a token for that
// workspace, which needs a membership.
func (s *Store) PurgeMember(ctx context.Context, workspaceID, userID string) error {
	return s.purgeShares(ctx, workspaceID, Grantee{Type: User, ID: userID})
}

// PurgeGroup removes the shares to a group on the workspace's resources
// (directory.GroupDependent: called before a group is deleted), so no
// record lists a grantee that no longer exists.
func (s *Store) PurgeGroup(ctx context.Context, workspaceID, groupID string) error {
	return s.purgeShares(ctx, workspaceID, Grantee{Type: Group, ID: groupID})
}

// purgeShares deletes the shares to a grantee on the workspace's resources,
// each with its grantee entry, in transactions of up to 100. It finds them
// in the grantee's partition of entries, read strongly consistently, so a
// share committed an instant before the removal marked the grantee (after
// which no share to it can land: see guard) is found even when the
// by-principal index has not caught up with it yet. It reads that index
// too, for shares written before grantee entries existed (an index long
// since caught up with them). The deletes are unconditional, so a share
// revoked or a resource deregistered meanwhile is no error and a purge can
// be run again after a failure. The record's version is left alone: it
// lets a removal notice shares granted meanwhile, and a purge only takes
// shares away.
func (s *Store) purgeShares(ctx context.Context, workspaceID string, g Grantee) error {
	in := dynamo.Prefix(granteePK(workspaceID, g), "")
	in.ProjectionExpression = aws.String("sk")
	entries, err := dynamo.QueryItems(ctx, s.repo, in, 0)
	if err != nil {
		return fmt.Errorf("shares to %s: %w", principalKey(g), err)
	}
	indexed, err := s.queryAll(ctx, query{index: byPrincipal, pk: principalKey(g), prefix: workspaceID + "#"}, 0, "pk", "sk")
	if err != nil {
		return err
	}
	var records []string
	for _, it := range entries {
		if sk, _ := it["sk"].(*ddb.AttributeValueMemberS); sk != nil {
			records = append(records, sk.Value)
		}
	}
	for _, it := range indexed {
		pk, _ := it["pk"].(*ddb.AttributeValueMemberS)
		sk, _ := it["sk"].(*ddb.AttributeValueMemberS)
		if pk != nil && sk != nil && strings.HasPrefix(sk.Value, sharePrefix) {
			records = append(records, pk.Value)
		}
	}
	slices.Sort(records)
	records = slices.Compact(records)
	units := make([][]ddb.TransactWriteItem, 0, len(records))
	for _, pk := range records {
		units = append(units, s.deleteShare(workspaceID, g, pk))
	}
	if err := dynamo.WriteInSteps(ctx, s.repo.DB, units, dynamo.NewTx()); err != nil {
		return fmt.Errorf("remove shares to %s: %w", principalKey(g), err)
	}
	return nil
}

// Filter narrows the admin list: by workspace (then service, then type) or
// by service (then type). Listing everything needs one of the two: there
// is no index over all resources (it would be one hot partition on the
// register path) and no Scan.
type Filter struct {
	WorkspaceID, ServiceName, ResourceType string
	Limit                                  int
	Cursor                                 string
}

// Listed is a resource of the admin list with its owner named through the
// directory (null where the directory knows no such user).
type Listed struct {
	Resource
	OwnerName  *string `json:"owner_name"`
	OwnerEmail *string `json:"owner_email"`
}

// Page is one page of resources.
type Page = dynamo.Page[Listed]

// list answers one page of resources (validated filter: a workspace or a
// service) with one Query, and names their owners with one BatchGetItem
// (a page holds at most 100 resources, so at most 100 owners).
func (s *Store) list(ctx context.Context, f Filter) (Page, error) {
	q := query{index: byService, pk: f.ServiceName, prefix: prefix(f.ResourceType)}
	if f.WorkspaceID != "" {
		q = query{index: byWorkspace, pk: f.WorkspaceID, prefix: prefix(f.ServiceName, f.ResourceType)}
	}
	in := s.queryInput(q)
	in.Limit = aws.Int32(int32(f.Limit))
	keys := indexKeys[q.index]
	page, err := dynamo.QueryPage[recordItem](ctx, s.repo, in, f.Cursor, dynamo.Scope{
		Exact:  map[string]string{keys[0]: q.pk},
		Prefix: map[string]string{keys[1]: q.prefix, "pk": "RES#", "sk": skRecord},
	})
	if err != nil {
		return Page{}, fmt.Errorf("list permissions: %w", err)
	}
	owners := make([]string, 0, len(page.Items))
	for _, r := range page.Items {
		owners = append(owners, r.OwnerID)
	}
	person, err := s.people(ctx, owners)
	if err != nil {
		return Page{}, fmt.Errorf("list permissions: name owners: %w", err)
	}
	return dynamo.MapPage(page, func(r recordItem) Listed {
		l := Listed{Resource: r.Resource}
		l.OwnerName, l.OwnerEmail = person(r.OwnerID)
		return l
	}), nil
}

// prefix joins the given leading parts of an index sort key ("" for none).
func prefix(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			break
		}
		b.WriteString(p + "#")
	}
	return b.String()
}
