package permissions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// Item layout in the Permissions table (see dynamo.Permissions):
//
//	RES#<service>#<type>#<resource_id>  RES                 the record; its version moves with every grant
//	RES#<service>#<type>#<resource_id>  SHARE#<type>#<id>   one share per grantee (the key makes it unique)
//	PERM#<id>                           PERM                alias: the record's Ref, for calls by permission id
//	GRANTEE#<workspace_id>#<type>#<id>  RES#<service>#<type>#<resource_id>
//	                                                        a share's entry in its grantee's partition
//
// A share and its grantee entry are written and deleted together, in one
// transaction: the entries are what a removal's purge reads (strongly
// consistent) to find the shares to a member or group, as an index could
// still miss a share committed an instant before the removal began.
//
// Index keys, carried by records and shares only (aliases and grantee
// entries stay out):
//
//	by-workspace  workspace_id  <service>#<type>#<visibility>#<resource_id>                   records
//	by-service    service_name  <type>#<workspace_id>#<resource_id>                           records
//	by-principal  user#<owner>  <workspace_id>#<service>#<type>#owner#<resource_id>           records
//	              <type>#<id>   <workspace_id>#<service>#<type>#share#<level>#<resource_id>   shares
//
// Names match ^[a-z][a-z0-9_.-]*$ and ids are UUIDs, so "#" separates parts
// unambiguously and every index sort key ends with the resource id.
const (
	skRecord    = "RES"
	skAlias     = "PERM"
	sharePrefix = "SHARE#"

	byWorkspace = "by-workspace"
	byService   = "by-service"
	byPrincipal = "by-principal"

	// purgeWidth bounds the resources a purge removes at once.
	purgeWidth = 8
	// targetType names resources in the activity log.
	targetType = "resource_permission"
)

// indexKeys are the key attributes of each index.
var indexKeys = map[string][2]string{
	byWorkspace: {"workspace_id", "workspace_sk"},
	byService:   {"service_name", "service_sk"},
	byPrincipal: {"principal", "principal_sk"},
}

type recordItem struct {
	PK string `dynamodbav:"pk"`
	SK string `dynamodbav:"sk"`
	Resource
	Version     int    `dynamodbav:"version"`
	WorkspaceSK string `dynamodbav:"workspace_sk"`
	ServiceSK   string `dynamodbav:"service_sk"`
	Principal   string `dynamodbav:"principal"`
	PrincipalSK string `dynamodbav:"principal_sk"`
}

type shareItem struct {
	PK string `dynamodbav:"pk"`
	SK string `dynamodbav:"sk"`
	Share
	Principal   string `dynamodbav:"principal"`
	PrincipalSK string `dynamodbav:"principal_sk"`
}

// granteeItem is a share's entry in its grantee's partition: the share is
// at (SK, shareSK of the grantee).
type granteeItem struct {
	PK string `dynamodbav:"pk"`
	SK string `dynamodbav:"sk"`
}

type aliasItem struct {
	PK string `dynamodbav:"pk"`
	SK string `dynamodbav:"sk"`
	Ref
}

func recordPK(c Coords) string { return "RES#" + c.Service + "#" + c.Type + "#" + c.ResourceID }

func aliasPK(id string) string { return "PERM#" + id }

// principalKey is the by-principal partition of a grantee (or an owner).
func principalKey(g Grantee) string { return g.Type + "#" + g.ID }

func shareSK(g Grantee) string { return sharePrefix + g.Type + "#" + g.ID }

// granteePK is the partition of a grantee's entries in one workspace.
func granteePK(workspaceID string, g Grantee) string {
	return "GRANTEE#" + workspaceID + "#" + principalKey(g)
}

// granteeEntry is the key of the entry of the share to g on the resource
// whose record is at recordPK.
func granteeEntry(workspaceID string, g Grantee, recordPK string) dynamo.Item {
	return dynamo.Key(granteePK(workspaceID, g), recordPK)
}

// deleteShare deletes a share with its grantee entry (one unit: they go in
// the same transaction).
func (s *Store) deleteShare(workspaceID string, g Grantee, recordPK string) []ddb.TransactWriteItem {
	return []ddb.TransactWriteItem{
		s.repo.Delete(dynamo.Key(recordPK, shareSK(g)), "", nil),
		s.repo.Delete(granteeEntry(workspaceID, g, recordPK), "", nil),
	}
}

// scopeSK prefixes a principal's index entries for one service and type
// in one workspace.
func scopeSK(workspaceID, service, typ string) string {
	return workspaceID + "#" + service + "#" + typ + "#"
}

func workspaceSK(r Resource) string {
	return r.ServiceName + "#" + r.ResourceType + "#" + r.Visibility + "#" + r.ResourceID
}

// shareID is stable per resource and grantee, as the share itself is.
func shareID(permissionID string, g Grantee) string {
	return uuid.NewSHA1(uuid.MustParse(permissionID), []byte(principalKey(g))).String()
}

// Store keeps resource ACLs in DynamoDB.
type Store struct {
	repo dynamo.Repo
	log  *activity.Log
	now  func() time.Time
	// directory validates share grantees, guards shares (see
	// directory.Guard) and names people in enriched views (WithDirectory);
	// nothing else reads it.
	directory Directory
}

// Directory is what permissions need of the directory.
type Directory interface {
	directory.Reader
	directory.Guard
}

var (
	_ directory.Dependent      = (*Store)(nil)
	_ directory.GroupDependent = (*Store)(nil)
)

// NewStore returns a store over the Permissions table that records admin
// changes in log (nil in functions that record none: the backend's).
func NewStore(db dynamo.DB, table string, log *activity.Log, now func() time.Time) *Store {
	return &Store{repo: dynamo.Repo{DB: db, Table: table}, log: log, now: now}
}

// WithDirectory returns the store whose sharing and enriched view read the
// directory.
func (s *Store) WithDirectory(d Directory) *Store {
	c := *s
	c.directory = d
	return &c
}

var (
	errNoPermission = apperr.New(apperr.NotFound, "Permission not found")
	errNoResource   = apperr.New(apperr.NotFound, "Resource not found")
)

func (s *Store) transact(ctx context.Context, what string, tx *dynamo.Tx) error {
	if err := tx.Write(ctx, s.repo.DB); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// errExists marks the record a registration found in place.
var errExists = errors.New("resource already registered")

// register stores a validated resource and its alias in one transaction,
// each only if new: registering an existing resource returns the stored
// record unchanged (api.md: idempotent), whoever registered it first.
func (s *Store) register(ctx context.Context, in RegisterInput) (ResourcePermission, error) {
	c := Coords{Service: in.ServiceName, Type: in.ResourceType, ResourceID: in.ResourceID}
	res := Resource{
		Ref: Ref{
			ID: uuid.NewString(), ServiceName: in.ServiceName, ResourceType: in.ResourceType,
			ResourceID: in.ResourceID, WorkspaceID: in.WorkspaceID, OwnerID: in.OwnerID,
		},
		Visibility: *in.Visibility, CreatedAt: dynamo.FormatTime(s.now()),
	}
	rec := recordItem{
		PK: recordPK(c), SK: skRecord, Resource: res, Version: 1,
		WorkspaceSK: workspaceSK(res),
		ServiceSK:   res.ResourceType + "#" + res.WorkspaceID + "#" + res.ResourceID,
		Principal:   principalKey(Grantee{Type: User, ID: res.OwnerID}),
		PrincipalSK: scopeSK(res.WorkspaceID, res.ServiceName, res.ResourceType) + "owner#" + res.ResourceID,
	}
	tx := dynamo.NewTx().AddOr(s.repo.Put(rec, "attribute_not_exists(pk)", nil), errExists).
		Add(s.repo.Put(aliasItem{PK: aliasPK(res.ID), SK: skAlias, Ref: res.Ref}, "attribute_not_exists(pk)", nil))
	err := s.transact(ctx, "register "+rec.PK, tx)
	if err == nil {
		return ResourcePermission{Resource: res, Shares: []Share{}}, nil
	}
	if !errors.Is(err, errExists) {
		return ResourcePermission{}, err
	}
	existing, err := s.Get(ctx, c)
	if apperr.Is(err, apperr.NotFound) {
		return ResourcePermission{}, apperr.New(apperr.Conflict, "The resource was deregistered concurrently; retry")
	}
	return existing, err
}

// Get returns a resource's record and shares (one strongly consistent
// Query, paged past 1 MB).
func (s *Store) Get(ctx context.Context, c Coords) (ResourcePermission, error) {
	rec, shares, err := s.load(ctx, recordPK(c))
	if err != nil {
		return ResourcePermission{}, err
	}
	if rec == nil {
		return ResourcePermission{}, errNoResource
	}
	out := ResourcePermission{Resource: rec.Resource, Shares: make([]Share, 0, len(shares))}
	for _, sh := range shares {
		out.Shares = append(out.Shares, sh.Share)
	}
	slices.SortFunc(out.Shares, func(a, b Share) int {
		return strings.Compare(a.GrantedAt+a.ID, b.GrantedAt+b.ID)
	})
	return out, nil
}

// load reads a record (nil if absent) and its shares.
func (s *Store) load(ctx context.Context, pk string) (*recordItem, []shareItem, error) {
	items, err := dynamo.QueryItems(ctx, s.repo, dynamo.Prefix(pk, ""), 0)
	if err != nil {
		return nil, nil, fmt.Errorf("load %s: %w", pk, err)
	}
	return decode(items)
}

// decode splits items of one resource into its record and shares.
func decode(items []dynamo.Item) (*recordItem, []shareItem, error) {
	var rec *recordItem
	var shares []shareItem
	for _, it := range items {
		sk, _ := it["sk"].(*ddb.AttributeValueMemberS)
		switch {
		case sk == nil:
		case sk.Value == skRecord:
			rec = new(recordItem)
			if err := ddb.UnmarshalMap(it, rec); err != nil {
				return nil, nil, fmt.Errorf("decode resource record: %w", err)
			}
		case strings.HasPrefix(sk.Value, sharePrefix):
			var sh shareItem
			if err := ddb.UnmarshalMap(it, &sh); err != nil {
				return nil, nil, fmt.Errorf("decode share: %w", err)
			}
			shares = append(shares, sh)
		}
	}
	return rec, shares, nil
}

// Ref reads the alias of a permission id with one GetItem (a malformed id
// is not found without one).
func (s *Store) Ref(ctx context.Context, id string) (Ref, error) {
	u, err := uuid.Parse(id)
	if err != nil {
		return Ref{}, errNoPermission
	}
	a, found, err := dynamo.Get[aliasItem](ctx, s.repo, dynamo.Key(aliasPK(u.String()), skAlias))
	if err != nil {
		return Ref{}, fmt.Errorf("look up permission %s: %w", id, err)
	}
	if !found {
		return Ref{}, errNoPermission
	}
	return a.Ref, nil
}

// checkGrantee requires a user grantee to be a member of the workspace and
// a group grantee to belong to it (400 otherwise).
func (s *Store) checkGrantee(ctx context.Context, workspaceID string, g Grantee) error {
	if s.directory == nil {
		return errors.New("permissions: no directory to validate the grantee")
	}
	if g.Type == User {
		_, member, err := s.directory.Membership(ctx, workspaceID, g.ID)
		if err != nil {
			return fmt.Errorf("validate grantee: %w", err)
		}
		if !member {
			return errNotMember
		}
		return nil
	}
	ok, err := s.directory.GroupInWorkspace(ctx, workspaceID, g.ID)
	if err != nil {
		return fmt.Errorf("validate grantee: %w", err)
	}
	if !ok {
		return errNotGroup
	}
	return nil
}

var (
	errNotMember = apperr.New(apperr.BadRequest, "Grantee is not a member of this workspace")
	errNotGroup  = apperr.New(apperr.BadRequest, "Group does not belong to this workspace")
)

// guard adds to tx the directory's conditions that the grantee is still in
// the workspace and not being removed (directory.Guard): a share written
// while the member or group is removed fails instead of outliving it.
func (s *Store) guard(tx *dynamo.Tx, workspaceID string, g Grantee) {
	items, gone := s.directory.GroupGuard(workspaceID, g.ID), errNotGroup
	if g.Type == User {
		items, gone = s.directory.MemberGuard(workspaceID, g.ID), errNotMember
	}
	for _, it := range items {
		tx.AddOr(it, gone)
	}
}

// share grants a validated share on the resource ref names, or changes the
// level of the grantee's existing share (its key is the grantee, so a
// grantee has one share per resource), with the audit items. The grantee
// must belong to the resource's workspace, checked again in the share's
// own transaction (see guard). The share's grantee entry is written with
// it. The record's version moves in the same transaction, so a removal
// running meanwhile notices and reads again.
func (s *Store) share(ctx context.Context, ref Ref, in ShareInput, grantedBy string, audit []ddb.TransactWriteItem) error {
	if err := s.checkGrantee(ctx, ref.WorkspaceID, in.Grantee); err != nil {
		return err
	}
	pk := recordPK(ref.Coords())
	sh := shareItem{
		PK: pk, SK: shareSK(in.Grantee),
		Share: Share{
			ID: shareID(ref.ID, in.Grantee), GranteeType: in.Type, GranteeID: in.ID, Permission: in.Permission,
			GrantedBy: grantedBy, GrantedAt: dynamo.FormatTime(s.now()),
		},
		Principal:   principalKey(in.Grantee),
		PrincipalSK: scopeSK(ref.WorkspaceID, ref.ServiceName, ref.ResourceType) + "share#" + in.Permission + "#" + ref.ResourceID,
	}
	tx := dynamo.NewTx().
		AddOr(s.repo.Update(dynamo.Key(pk, skRecord), "SET version = version + :one", "id = :id", dynamo.Item{":one": dynamo.N(1), ":id": dynamo.S(ref.ID)}), errNoPermission).
		Add(s.repo.Put(sh, "", nil)).
		Add(s.repo.Put(granteeItem{PK: granteePK(ref.WorkspaceID, in.Grantee), SK: pk}, "", nil)).
		Add(audit...)
	s.guard(tx, ref.WorkspaceID, in.Grantee)
	return s.transact(ctx, "share "+ref.ID, tx)
}

// unshare revokes the grantee's share (404 when there is none) with its
// grantee entry, with the audit items.
func (s *Store) unshare(ctx context.Context, ref Ref, g Grantee, audit []ddb.TransactWriteItem) error {
	pk := recordPK(ref.Coords())
	tx := dynamo.NewTx().AddOr(s.repo.Delete(dynamo.Key(pk, shareSK(g)), "attribute_exists(pk)", nil), apperr.New(apperr.NotFound, "Share not found")).
		Add(s.repo.Delete(granteeEntry(ref.WorkspaceID, g, pk), "", nil)).
		Add(audit...)
	return s.transact(ctx, "unshare "+ref.ID, tx)
}

// setVisibility changes the visibility (validated) of the resource ref
// names, with the audit items, and returns the record.
func (s *Store) setVisibility(ctx context.Context, ref Ref, visibility string, audit []ddb.TransactWriteItem) (ResourcePermission, error) {
	wsk := workspaceSK(Resource{Ref: ref, Visibility: visibility})
	tx := dynamo.NewTx().AddOr(s.repo.Update(dynamo.Key(recordPK(ref.Coords()), skRecord), "SET visibility = :v, workspace_sk = :wsk", "id = :id",
		dynamo.Item{":v": dynamo.S(visibility), ":wsk": dynamo.S(wsk), ":id": dynamo.S(ref.ID)}), errNoPermission).
		Add(audit...)
	if err := s.transact(ctx, "set visibility of "+ref.ID, tx); err != nil {
		return ResourcePermission{}, err
	}
	return s.Get(ctx, ref.Coords())
}

// remove deletes a record with its shares (each with its grantee entry)
// and alias. Shares beyond what one transaction holds go first; the record
// goes last, with the alias and the remaining shares, and only if its
// version is unchanged: a share
// granted meanwhile makes it read again (dynamo.Reread), so no share
// outlives its record (and none could come back if the resource were
// registered again).
func (s *Store) remove(ctx context.Context, pk string) error {
	_, err := dynamo.Reread(ctx, func() (struct{}, error) {
		rec, shares, err := s.load(ctx, pk)
		if err != nil {
			return struct{}{}, err
		}
		if rec == nil {
			return struct{}{}, errNoResource
		}
		units := make([][]ddb.TransactWriteItem, 0, len(shares))
		for _, sh := range shares {
			units = append(units, s.deleteShare(rec.WorkspaceID, Grantee{Type: sh.GranteeType, ID: sh.GranteeID}, sh.PK))
		}
		last := dynamo.NewTx(
			s.repo.Delete(dynamo.Key(rec.PK, rec.SK), "version = :v", dynamo.Item{":v": dynamo.N(rec.Version)}),
			s.repo.Delete(dynamo.Key(aliasPK(rec.ID), skAlias), "", nil))
		if err := dynamo.WriteInSteps(ctx, s.repo.DB, units, last); err != nil {
			return struct{}{}, fmt.Errorf("remove %s: %w", pk, err)
		}
		return struct{}{}, nil
	})
	return err
}

// Enrich names the people a record mentions (owner, user grantees,
// grantors) with one directory Users call.
func (s *Store) Enrich(ctx context.Context, rp ResourcePermission) (Enriched, error) {
	ids := []string{rp.OwnerID}
	for _, sh := range rp.Shares {
		if sh.GranteeType == User {
			ids = append(ids, sh.GranteeID)
		}
		ids = append(ids, sh.GrantedBy)
	}
	person, err := s.people(ctx, ids)
	if err != nil {
		return Enriched{}, fmt.Errorf("enrich %s: %w", rp.ID, err)
	}
	out := Enriched{Resource: rp.Resource, Shares: make([]EnrichedShare, 0, len(rp.Shares))}
	out.OwnerName, out.OwnerEmail = person(rp.OwnerID)
	for _, sh := range rp.Shares {
		e := EnrichedShare{Share: sh}
		if sh.GranteeType == User {
			e.GranteeName, e.GranteeEmail = person(sh.GranteeID)
		}
		e.GrantedByName, _ = person(sh.GrantedBy)
		out.Shares = append(out.Shares, e)
	}
	return out, nil
}

// people reads the users with the given ids with one directory Users call
// (BatchGetItem, up to 100 ids a call) and answers a lookup of a name and
// an email by id (nil, nil for an id the directory does not know).
func (s *Store) people(ctx context.Context, ids []string) (func(id string) (name, email *string), error) {
	if s.directory == nil {
		return nil, errors.New("permissions: no directory to name people")
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	users, err := s.directory.Users(ctx, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	return func(id string) (name, email *string) {
		if u, ok := users[id]; ok {
			return &u.Name, &u.Email
		}
		return nil, nil
	}, nil
}
