package permissions_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/apperr"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/identity"
	"sentinel/internal/permissions"
	"sentinel/internal/rbac"
)

// grantWorld is the real stack (directory, RBAC, permissions) over
// DynamoDB Local with one workspace, one docu-store resource and one role.
type grantWorld struct {
	t    *testing.T
	api  *apitest.API
	ctx  context.Context
	ws   string
	ref  permissions.Ref
	role string
}

func newGrantWorld(t *testing.T) *grantWorld {
	t.Helper()
	return newGrantWorldOn(t, apitest.New(t))
}

func newGrantWorldOn(t *testing.T, api *apitest.API) *grantWorld {
	t.Helper()
	ctx := t.Context()
	w := &grantWorld{t: t, api: api, ctx: ctx}
	ws, err := api.Deps.Directory.CreateWorkspace(ctx, directory.NewWorkspace{Name: "Acme", Slug: "acme-" + uuid.NewString()[:8]})
	if err != nil {
		t.Fatal(err)
	}
	w.ws = ws.ID
	owner := w.member("owner")
	vis := permissions.Private
	in := permissions.RegisterInput{ServiceName: "docu-store", ResourceType: "doc", ResourceID: uuid.NewString(), WorkspaceID: w.ws, OwnerID: owner, Visibility: &vis}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	rp, err := api.Deps.Permissions.Register(identity.WithService(ctx, &identity.Service{ServiceName: "docu-store"}), in)
	if err != nil {
		t.Fatal(err)
	}
	w.ref = rp.Ref
	role, err := api.Deps.RBAC.CreateRole(ctx, w.ws, rbac.RoleInput{Name: "Editors"})
	if err != nil {
		t.Fatal(err)
	}
	w.role = role.ID
	return w
}

func (w *grantWorld) member(label string) string {
	w.t.Helper()
	m, err := w.api.Deps.Directory.AddMember(w.ctx, w.ws, label+"-"+uuid.NewString()[:8]+"@example.com", "viewer")
	if err != nil {
		w.t.Fatal(err)
	}
	return m.UserID
}

func (w *grantWorld) group() string {
	w.t.Helper()
	g, err := w.api.Deps.Directory.CreateGroup(w.ctx, w.ws, directory.NewGroup{Name: "Team " + uuid.NewString()[:8]})
	if err != nil {
		w.t.Fatal(err)
	}
	return g.ID
}

func (w *grantWorld) share(g permissions.Grantee) error {
	admin := identity.WithAdmin(w.ctx, &identity.Admin{ID: uuid.NewString(), Email: "root@example.com"})
	return w.api.Deps.Permissions.Share(admin, w.ref.ID, permissions.ShareInput{Grantee: g, Permission: permissions.Edit})
}

func (w *grantWorld) assign(uid string) error { return w.api.Deps.RBAC.AddMember(w.ctx, w.role, uid) }

// survivors lists the grants left for the grantee: a share on the
// resource, an assignment of the role.
func (w *grantWorld) survivors(g permissions.Grantee) []string {
	w.t.Helper()
	var out []string
	rp, err := w.api.Deps.Permissions.Get(w.ctx, w.ref.Coords())
	if err != nil {
		w.t.Fatal(err)
	}
	for _, sh := range rp.Shares {
		if sh.GranteeID == g.ID {
			out = append(out, "share to "+g.Type+" "+g.ID)
		}
	}
	if g.Type == permissions.User {
		members, err := w.api.Deps.RBAC.ListMembers(w.ctx, w.role, 100, "")
		if err != nil {
			w.t.Fatal(err)
		}
		for _, m := range members.Items {
			if m.UserID == g.ID {
				out = append(out, "role assignment of "+g.ID)
			}
		}
	}
	return out
}

// staleDir answers every membership and group question "yes", as a read
// made just before a removal began would: only the grant's own transaction
// (directory.Guard) can then stop it.
type staleDir struct{ *directory.Store }

func (d staleDir) Membership(_ context.Context, wid, uid string) (directory.Membership, bool, error) {
	return directory.Membership{WorkspaceID: wid, UserID: uid, Role: "viewer"}, true, nil
}

func (staleDir) GroupInWorkspace(context.Context, string, string) (bool, error) { return true, nil }

// grantDuringPurge is a Dependent that grants while the directory purges:
// the last moment a grant could slip in before the removal completes.
type grantDuringPurge struct {
	w    *grantWorld
	errs []error
}

func (d *grantDuringPurge) PurgeWorkspace(_ context.Context, wid string) error { return nil }

func (d *grantDuringPurge) PurgeMember(_ context.Context, _, uid string) error {
	d.errs = append(d.errs, d.w.share(permissions.Grantee{Type: permissions.User, ID: uid}), d.w.assign(uid))
	return nil
}

func (d *grantDuringPurge) PurgeGroup(_ context.Context, _, gid string) error {
	d.errs = append(d.errs, d.w.share(permissions.Grantee{Type: permissions.Group, ID: gid}))
	return nil
}

// A grant whose membership read is stale still fails once the removal has
// begun: the member (or group) is marked before anything is purged, and the
// grant's transaction checks the mark.
func TestGrantDuringRemovalFails(t *testing.T) {
	w := newGrantWorld(t)
	d := w.api.Deps
	// The stores are built with their peers: build the test's own.
	d.Permissions, d.RBAC = d.Permissions.WithDirectory(staleDir{d.Directory}), d.RBAC.WithDirectory(staleDir{d.Directory})
	plain := directory.NewStore(w.api.Env.Client, w.api.Env.Names.Name(dynamo.Directory), d.Activity, w.api.Clock.Now)
	hook := &grantDuringPurge{w: w}
	d.Directory = plain.WithDependents(d.RBAC, d.Permissions, hook)

	uid, gid := w.member("leaver"), w.group()
	if err := d.Directory.RemoveMember(w.ctx, w.ws, uid); err != nil {
		t.Fatal(err)
	}
	if err := d.Directory.DeleteGroup(w.ctx, gid); err != nil {
		t.Fatal(err)
	}
	if len(hook.errs) != 3 {
		t.Fatalf("the purge hook ran %d grants, want 3", len(hook.errs))
	}
	for i, err := range hook.errs {
		if !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("grant %d during the removal: %v, want a 400 (grantee gone)", i, err)
		}
	}
	for _, g := range []permissions.Grantee{{Type: permissions.User, ID: uid}, {Type: permissions.Group, ID: gid}} {
		if s := w.survivors(g); len(s) > 0 {
			t.Errorf("survived the removal: %v", s)
		}
	}

	// Deleting the workspace marks it first too: a grant to a member still
	// listed fails.
	other := w.member("stayer")
	late := &workspaceGrant{w: w, uid: other}
	// First, while the role and the resource still exist (the others purge them).
	d.Directory = plain.WithDependents(late, d.RBAC, d.Permissions, hook)
	if err := d.Directory.DeleteWorkspace(w.ctx, w.ws); err != nil {
		t.Fatal(err)
	}
	if len(late.errs) != 2 || !apperr.Is(late.errs[0], apperr.BadRequest) || !apperr.Is(late.errs[1], apperr.BadRequest) {
		t.Errorf("grants during the workspace delete: %v, want two 400s", late.errs)
	}
}

// workspaceGrant grants to a member while the workspace is purged.
type workspaceGrant struct {
	w    *grantWorld
	uid  string
	errs []error
}

func (d *workspaceGrant) PurgeWorkspace(context.Context, string) error {
	d.errs = append(d.errs, d.w.share(permissions.Grantee{Type: permissions.User, ID: d.uid}), d.w.assign(d.uid))
	return nil
}

func (d *workspaceGrant) PurgeMember(context.Context, string, string) error { return nil }

// Grants racing removals, many rounds, never leave a grant behind: a share
// and a role assignment to a member being removed, a share to a group
// being deleted.
func TestGrantRacingRemovalLeavesNoGrant(t *testing.T) {
	w := newGrantWorld(t)
	d := w.api.Deps
	const rounds = 12
	landed := 0
	for round := range rounds {
		uid, gid := w.member(fmt.Sprint("racer", round)), w.group()
		var wg sync.WaitGroup
		var shareErr, assignErr, groupErr, removeErr, deleteErr error
		wg.Go(func() { shareErr = w.share(permissions.Grantee{Type: permissions.User, ID: uid}) })
		wg.Go(func() { assignErr = w.assign(uid) })
		wg.Go(func() { groupErr = w.share(permissions.Grantee{Type: permissions.Group, ID: gid}) })
		wg.Go(func() { removeErr = d.Directory.RemoveMember(w.ctx, w.ws, uid) })
		wg.Go(func() { deleteErr = d.Directory.DeleteGroup(w.ctx, gid) })
		wg.Wait()
		for _, err := range []error{shareErr, assignErr, groupErr} {
			if err == nil {
				landed++
			} else if !apperr.Is(err, apperr.BadRequest) && !apperr.Is(err, apperr.Conflict) {
				t.Fatalf("round %d: grant failed unexpectedly: %v", round, err)
			}
		}
		// A removal may lose to a grant's transaction (409); repeating it
		// finishes the job, as an admin would.
		for _, r := range []struct {
			err   error
			again func() error
		}{
			{removeErr, func() error { return d.Directory.RemoveMember(w.ctx, w.ws, uid) }},
			{deleteErr, func() error { return d.Directory.DeleteGroup(w.ctx, gid) }},
		} {
			if r.err != nil {
				if err := r.again(); err != nil {
					t.Fatalf("round %d: removal failed (%v) and again: %v", round, r.err, err)
				}
			}
		}
		for _, g := range []permissions.Grantee{{Type: permissions.User, ID: uid}, {Type: permissions.Group, ID: gid}} {
			if s := w.survivors(g); len(s) > 0 {
				t.Fatalf("round %d: %v outlived the removal", round, s)
			}
		}
	}
	t.Logf("%d of %d grants landed before their removal", landed, 3*rounds)
}

// laggingIndex is DynamoDB whose by-principal index has not caught up with
// the latest writes: it answers nothing, as the index may for a share
// committed an instant ago (DynamoDB Local's indexes never lag, so the
// lag is made here). Every other call goes through.
type laggingIndex struct {
	dynamo.DB
	reads atomic.Int32
}

func (l *laggingIndex) Query(ctx context.Context, in *ddb.QueryInput) (*ddb.QueryOutput, error) {
	if aws.ToString(in.IndexName) == "by-principal" {
		l.reads.Add(1)
		return &ddb.QueryOutput{Items: []map[string]ddb.AttributeValue{}}, nil
	}
	return l.DB.Query(ctx, in)
}

// granteeEntries counts the items in a grantee's partition of the
// Permissions table (GRANTEE#<workspace>#<type>#<id>: one per share).
func (w *grantWorld) granteeEntries(g permissions.Grantee) int {
	w.t.Helper()
	out, err := w.api.Env.Client.Query(w.ctx, &ddb.QueryInput{
		TableName:                 aws.String(w.api.Env.Names.Name(dynamo.Permissions)),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]ddb.AttributeValue{":pk": dynamo.S("GRANTEE#" + w.ws + "#" + g.Type + "#" + g.ID)},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return len(out.Items)
}

// A share committed the instant before its grantee's removal began may be
// missing from the by-principal index when the purge runs (indexes trail
// writes): the purge still finds it, in the grantee's partition read
// strongly consistently, and no share outlives the removal.
func TestPurgeFindsSharesTheIndexHasNotCaughtUpWith(t *testing.T) {
	api := apitest.NewInProcess(t, "the purge reads through a lagging stand-in for the by-principal index")
	w := newGrantWorldOn(t, api)
	d := api.Deps
	lag := &laggingIndex{DB: api.Env.Client}
	// The directory of the admin functions, whose permissions dependent
	// reads through the lagging index.
	purger := permissions.NewStore(lag, api.Env.Names.Name(dynamo.Permissions), d.Activity, api.Clock.Now).WithDirectory(d.Directory)
	dir := directory.NewStore(api.Env.Client, api.Env.Names.Name(dynamo.Directory), d.Activity, api.Clock.Now).WithDependents(d.RBAC, purger)

	user := permissions.Grantee{Type: permissions.User, ID: w.member("leaver")}
	group := permissions.Grantee{Type: permissions.Group, ID: w.group()}
	for _, g := range []permissions.Grantee{user, group} {
		if err := w.share(g); err != nil {
			t.Fatal(err)
		}
		if n := w.granteeEntries(g); n != 1 {
			t.Fatalf("%d entries for the share to %s %s, want 1", n, g.Type, g.ID)
		}
	}
	if err := dir.RemoveMember(w.ctx, w.ws, user.ID); err != nil {
		t.Fatal(err)
	}
	if err := dir.DeleteGroup(w.ctx, group.ID); err != nil {
		t.Fatal(err)
	}
	for _, g := range []permissions.Grantee{user, group} {
		if s := w.survivors(g); len(s) > 0 {
			t.Errorf("survived the removal while the index lagged: %v", s)
		}
		if n := w.granteeEntries(g); n != 0 {
			t.Errorf("%d entries left for %s %s", n, g.Type, g.ID)
		}
	}
	if lag.reads.Load() == 0 {
		t.Error("no purge read went through the lagging index: the lag was never in play")
	}
}

// Shares written before grantee entries existed have none: the purge still
// finds them through the index. Revoking or deregistering takes a share's
// entry with it.
func TestPurgeFindsSharesWithoutEntries(t *testing.T) {
	w := newGrantWorld(t)
	d := w.api.Deps
	old := permissions.Grantee{Type: permissions.User, ID: w.member("old")}
	if err := w.share(old); err != nil {
		t.Fatal(err)
	}
	// As the share was stored before entries: drop its entry.
	rc := w.ref.Coords()
	if _, err := w.api.Env.Client.DeleteItem(w.ctx, &ddb.DeleteItemInput{
		TableName: aws.String(w.api.Env.Names.Name(dynamo.Permissions)),
		Key:       dynamo.Key("GRANTEE#"+w.ws+"#user#"+old.ID, "RES#"+rc.Service+"#"+rc.Type+"#"+rc.ResourceID),
	}); err != nil {
		t.Fatal(err)
	}
	if n := w.granteeEntries(old); n != 0 {
		t.Fatalf("%d entries after dropping the entry, want 0 (key layout changed?)", n)
	}
	if err := d.Directory.RemoveMember(w.ctx, w.ws, old.ID); err != nil {
		t.Fatal(err)
	}
	if s := w.survivors(old); len(s) > 0 {
		t.Errorf("a share without an entry survived the removal: %v", s)
	}

	admin := identity.WithAdmin(w.ctx, &identity.Admin{ID: uuid.NewString(), Email: "root@example.com"})
	revoked := permissions.Grantee{Type: permissions.Group, ID: w.group()}
	if err := w.share(revoked); err != nil {
		t.Fatal(err)
	}
	if err := d.Permissions.Unshare(admin, w.ref.ID, permissions.ShareInput{Grantee: revoked}); err != nil {
		t.Fatal(err)
	}
	if n := w.granteeEntries(revoked); n != 0 {
		t.Errorf("%d entries left after the revocation", n)
	}
	kept := permissions.Grantee{Type: permissions.User, ID: w.member("kept")}
	if err := w.share(kept); err != nil {
		t.Fatal(err)
	}
	if err := d.Permissions.Deregister(identity.WithService(w.ctx, &identity.Service{ServiceName: "docu-store"}), rc); err != nil {
		t.Fatal(err)
	}
	if n := w.granteeEntries(kept); n != 0 {
		t.Errorf("%d entries left after the resource was deregistered", n)
	}
}

// readLog records the calls made through it while on: each Query's index
// ("" for the table), every read of the table that was not strongly
// consistent, and the size of each transaction.
type readLog struct {
	dynamo.DB
	mu       sync.Mutex
	on       bool
	indexes  map[string]int
	eventual []string
	txs      []int
}

func (r *readLog) TransactWriteItems(ctx context.Context, in *ddb.TransactWriteItemsInput) (*ddb.TransactWriteItemsOutput, error) {
	r.mu.Lock()
	if r.on {
		r.txs = append(r.txs, len(in.TransactItems))
	}
	r.mu.Unlock()
	return r.DB.TransactWriteItems(ctx, in)
}

// start clears the log and records from now on.
func (r *readLog) start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on, r.indexes, r.eventual, r.txs = true, map[string]int{}, nil, nil
}

func (r *readLog) record(index string, consistent *bool, what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.on {
		return
	}
	if index != "" {
		r.indexes[index]++
	} else if !aws.ToBool(consistent) {
		r.eventual = append(r.eventual, what)
	}
}

func (r *readLog) Query(ctx context.Context, in *ddb.QueryInput) (*ddb.QueryOutput, error) {
	r.record(aws.ToString(in.IndexName), in.ConsistentRead, "Query "+aws.ToString(in.TableName)+" "+aws.ToString(in.KeyConditionExpression))
	return r.DB.Query(ctx, in)
}

func (r *readLog) GetItem(ctx context.Context, in *ddb.GetItemInput) (*ddb.GetItemOutput, error) {
	r.record("", in.ConsistentRead, "GetItem "+aws.ToString(in.TableName))
	return r.DB.GetItem(ctx, in)
}

func (r *readLog) BatchGetItem(ctx context.Context, in *ddb.BatchGetItemInput) (*ddb.BatchGetItemOutput, error) {
	for table, ka := range in.RequestItems {
		r.record("", ka.ConsistentRead, "BatchGetItem "+table)
	}
	return r.DB.BatchGetItem(ctx, in)
}

// newLoggedGrantWorld is a grantWorld whose every area calls DynamoDB
// through a readLog (in process: why says what the test counts).
func newLoggedGrantWorld(t *testing.T, why string) (*grantWorld, *readLog) {
	t.Helper()
	api := apitest.NewInProcess(t, why)
	reads := &readLog{DB: api.Env.Client}
	api.UseDB(reads)
	return newGrantWorldOn(t, api), reads
}

// Removing a member, deleting a group and deleting a workspace read what
// they purge strongly consistently from the tables (directory, RBAC,
// permissions). The index reads left are named: by-principal, read for
// shares stored before grantee entries existed, and by-workspace, which
// the workspace purge reads for resources (README, Known limits).
func TestRemovalsReadConsistently(t *testing.T) {
	w, reads := newLoggedGrantWorld(t, "it counts the reads the removals make")
	d := w.api.Deps
	user := permissions.Grantee{Type: permissions.User, ID: w.member("leaver")}
	group := permissions.Grantee{Type: permissions.Group, ID: w.group()}
	stayer := permissions.Grantee{Type: permissions.User, ID: w.member("stayer")}
	for _, g := range []permissions.Grantee{user, group, stayer} {
		if err := w.share(g); err != nil {
			t.Fatal(err)
		}
	}
	for _, uid := range []string{user.ID, stayer.ID} {
		if err := w.assign(uid); err != nil {
			t.Fatal(err)
		}
	}

	reads.start()
	if err := d.Directory.RemoveMember(w.ctx, w.ws, user.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.Directory.DeleteGroup(w.ctx, group.ID); err != nil {
		t.Fatal(err)
	}
	removals := maps.Clone(reads.indexes)
	if err := d.Directory.DeleteWorkspace(w.ctx, w.ws); err != nil {
		t.Fatal(err)
	}
	reads.on = false

	if len(reads.eventual) > 0 {
		t.Errorf("eventually consistent reads during the removals: %v", reads.eventual)
	}
	if want := map[string]int{"by-principal": 2}; !maps.Equal(removals, want) {
		t.Errorf("index reads removing a member and a group = %v, want %v", removals, want)
	}
	workspace := maps.Clone(reads.indexes)
	for k, v := range removals {
		workspace[k] -= v
		if workspace[k] == 0 {
			delete(workspace, k)
		}
	}
	if want := map[string]int{"by-workspace": 1}; !maps.Equal(workspace, want) {
		t.Errorf("index reads deleting the workspace = %v, want %v", workspace, want)
	}
}

// What a share, a revocation and a purge of a member's shares cost, as the
// README states: one transaction each (the share with its grantee entry
// and the directory's two checks), and a purge reads the grantee's entries
// (consistently) and the by-principal index once each.
func TestShareAndPurgeCosts(t *testing.T) {
	w, reads := newLoggedGrantWorld(t, "it counts DynamoDB calls and transaction items")
	api, d := w.api, w.api.Deps
	admin := identity.WithAdmin(w.ctx, &identity.Admin{ID: uuid.NewString(), Email: "root@example.com"})
	g := permissions.Grantee{Type: permissions.User, ID: w.member("member")}

	reads.start()
	if err := w.share(g); err != nil {
		t.Fatal(err)
	}
	if err := d.Permissions.Unshare(admin, w.ref.ID, permissions.ShareInput{Grantee: g}); err != nil {
		t.Fatal(err)
	}
	if want := []int{6, 3}; !slices.Equal(reads.txs, want) {
		t.Errorf("items in the share's and the revocation's transactions = %v, want %v", reads.txs, want)
	}

	if err := w.share(g); err != nil {
		t.Fatal(err)
	}
	reads.start()
	api.Env.Counter.Reset()
	if err := d.Permissions.PurgeMember(w.ctx, w.ws, g.ID); err != nil {
		t.Fatal(err)
	}
	calls := api.Env.Counter.Counts()
	if calls["Query"] != 2 || calls["TransactWriteItems"] != 1 || len(calls) != 2 {
		t.Errorf("purge calls = %v, want 2 Queries and 1 TransactWriteItems", calls)
	}
	if want := map[string]int{"by-principal": 1}; !maps.Equal(reads.indexes, want) || len(reads.eventual) > 0 {
		t.Errorf("purge reads: indexes %v (want %v), eventually consistent %v", reads.indexes, want, reads.eventual)
	}
	if want := []int{2}; !slices.Equal(reads.txs, want) {
		t.Errorf("purge transactions = %v, want %v", reads.txs, want)
	}
	if s := w.survivors(g); len(s) > 0 {
		t.Errorf("after the purge: %v", s)
	}
}
