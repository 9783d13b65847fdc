package permissions_test

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/identity"
	"sentinel/internal/permissions"
)

// accessibleFixture registers one docu-store document per situation.
type accessibleFixture struct {
	*fixture
	user, editor, g1, g2 string
	ids                  map[string]string // label → resource id
}

func newAccessibleFixture(t *testing.T) *accessibleFixture {
	t.Helper()
	return accessibleFixtureOf(newFixture(t))
}

func accessibleFixtureOf(f *fixture) *accessibleFixture {
	f.t.Helper()
	t := f.t
	a := &accessibleFixture{fixture: f, ids: map[string]string{}}
	owner := f.member(f.ws, "owner")
	a.user, a.editor = f.member(f.ws, "user"), f.member(f.ws, "editor")
	a.g1, a.g2 = f.group(f.ws), f.group(f.ws)
	ownerTok, userTok := f.UserToken(owner, f.ws, "viewer"), f.UserToken(a.user, f.ws, "viewer")
	reg := func(label, owner, visibility string) string {
		id, rid := f.register(f.ws, owner, visibility)
		a.ids[label] = rid
		return id
	}
	reg("owned", a.user, "private")
	reg("public", owner, "workspace")
	f.share(ownerTok, reg("user-view", owner, "private"), "user", a.user, "view")
	f.share(ownerTok, reg("user-edit", owner, "private"), "user", a.user, "edit")
	f.share(ownerTok, reg("g1-view", owner, "private"), "group", a.g1, "view")
	f.share(ownerTok, reg("g2-edit", owner, "private"), "group", a.g2, "edit")
	reg("unshared", owner, "private")
	// Owned, workspace-visible and shared to a group at once: listed once.
	f.share(userTok, reg("many-paths", a.user, "workspace"), "group", a.g1, "edit")
	// Never listed: another workspace, another type, another service.
	f.registerAs(f.key, "docu-store", f.ws2, a.user, "workspace", uuid.NewString())
	res := f.Key("POST", "/permissions/register", f.key, map[string]any{"service_name": "docu-store", "resource_type": "sheet",
		"resource_id": uuid.NewString(), "workspace_id": f.ws, "owner_id": a.user, "visibility": "workspace"})
	if res.Status != 201 {
		t.Fatalf("register sheet: %d", res.Status)
	}
	f.registerAs(f.other, "billing", f.ws, a.user, "workspace", uuid.NewString())
	return a
}

type accessibleAnswer struct {
	ResourceIDs   []string `json:"resource_ids"`
	HasFullAccess bool     `json:"has_full_access"`
	NextCursor    *string  `json:"next_cursor"`
	Complete      bool     `json:"complete"`
}

func (a *accessibleFixture) accessible(t *testing.T, tok, action string, limit int) accessibleAnswer {
	t.Helper()
	return a.accessibleFrom(t, tok, action, limit, "")
}

// accessibleFrom asks for the page after cursor ("" for the first).
func (a *accessibleFixture) accessibleFrom(t *testing.T, tok, action string, limit int, cursor string) accessibleAnswer {
	t.Helper()
	body := map[string]any{"service_name": "docu-store", "resource_type": "doc", "action": action, "workspace_id": a.ws}
	if limit > 0 {
		body["limit"] = limit
	}
	if cursor != "" {
		body["cursor"] = cursor
	}
	res := a.dual("POST", "/permissions/accessible", tok, body)
	if res.Status != 200 {
		t.Fatalf("accessible: %d %s", res.Status, res.Body)
	}
	var out accessibleAnswer
	res.JSON(t, &out)
	return out
}

func (a *accessibleFixture) labels(ids []string) []string {
	byID := map[string]string{}
	for label, id := range a.ids {
		byID[id] = label
	}
	var out []string
	for _, id := range ids {
		out = append(out, cmp.Or(byID[id], "unexpected "+id))
	}
	slices.Sort(out)
	return out
}

func TestAccessible(t *testing.T) {
	a := newAccessibleFixture(t)
	all := slices.Sorted(maps.Keys(a.ids))
	cases := []struct {
		name   string
		tok    string
		action string
		want   []string
	}{
		{"viewer with groups, view", a.UserToken(a.user, a.ws, "viewer", a.g1, a.g2), "view",
			[]string{"g1-view", "g2-edit", "many-paths", "owned", "public", "user-edit", "user-view"}},
		{"viewer with groups, edit", a.UserToken(a.user, a.ws, "viewer", a.g1, a.g2), "edit",
			[]string{"g2-edit", "many-paths", "owned", "user-edit"}},
		{"viewer without groups, edit", a.UserToken(a.user, a.ws, "viewer"), "edit", []string{"many-paths", "owned", "user-edit"}},
		{"editor, view", a.UserToken(a.editor, a.ws, "editor"), "view", []string{"many-paths", "public"}},
		{"editor, edit", a.UserToken(a.editor, a.ws, "editor"), "edit", []string{"many-paths", "public"}},
		{"admin with a limit", a.UserToken(a.editor, a.ws, "admin"), "edit", all},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			limit := 0
			if strings.Contains(tc.name, "limit") {
				limit = 100
			}
			got := a.accessible(t, tc.tok, tc.action, limit)
			if labels := a.labels(got.ResourceIDs); !slices.Equal(labels, tc.want) || len(got.ResourceIDs) != len(tc.want) {
				t.Errorf("got %v, want %v", labels, tc.want)
			}
			if got.HasFullAccess != strings.HasPrefix(tc.name, "admin") {
				t.Errorf("has_full_access = %v", got.HasFullAccess)
			}
			if !got.Complete || got.NextCursor != nil {
				t.Errorf("complete = %v, next_cursor = %v: want a complete answer", got.Complete, got.NextCursor)
			}
		})
	}
	// Paged by a small limit, every access path (the groups' shares, the
	// user's, owned, workspace-visible, one resource on several) yields
	// exactly the whole answer, in id order, each id once, then says it is
	// complete.
	t.Run("pages", func(t *testing.T) {
		for _, tc := range cases {
			whole := a.accessible(t, tc.tok, tc.action, 100).ResourceIDs
			if !slices.IsSorted(whole) {
				t.Errorf("%s: not in id order: %v", tc.name, whole)
			}
			for _, limit := range []int{1, 2, 3} {
				var got []string
				cursor := ""
				for range len(whole) + 1 {
					page := a.accessibleFrom(t, tc.tok, tc.action, limit, cursor)
					if len(page.ResourceIDs) > limit {
						t.Fatalf("%s, limit %d: a page of %d", tc.name, limit, len(page.ResourceIDs))
					}
					got = append(got, page.ResourceIDs...)
					if page.Complete != (page.NextCursor == nil) {
						t.Fatalf("%s, limit %d: complete %v with next_cursor %v", tc.name, limit, page.Complete, page.NextCursor)
					}
					if page.Complete {
						break
					}
					cursor = *page.NextCursor
				}
				if !slices.Equal(got, whole) {
					t.Errorf("%s, limit %d: pages gave %v, want %v", tc.name, limit, a.labels(got), a.labels(whole))
				}
			}
		}
	})
	t.Run("bad cursor", func(t *testing.T) {
		tok := a.UserToken(a.user, a.ws, "viewer", a.g1)
		for _, c := range []string{"x", "eyJhZnRlciI6Im5vdC1hbi1pZCJ9" /* {"after":"not-an-id"} */, "eyJwayI6IngifQ" /* {"pk":"x"} */} {
			res := a.dual("POST", "/permissions/accessible", tok, map[string]any{"service_name": "docu-store", "resource_type": "doc",
				"action": "view", "workspace_id": a.ws, "cursor": c})
			if res.Status != 400 || res.Detail(t) != "Invalid cursor" {
				t.Errorf("cursor %q: %d %s", c, res.Status, res.Body)
			}
		}
	})
	t.Run("owner and admin without a limit", func(t *testing.T) {
		for _, role := range []string{"owner", "admin"} {
			a.Env.Counter.Reset()
			got := a.accessible(t, a.UserToken(a.editor, a.ws, role), "edit", 0)
			if !got.HasFullAccess || got.ResourceIDs == nil || len(got.ResourceIDs) != 0 {
				t.Errorf("%s: %+v", role, got)
			}
			// The functions' calls are counted in process only.
			if !a.Deployed() && a.Env.Counter.Counts()["Query"] != 0 {
				t.Errorf("%s: %v", role, a.Env.Counter.Counts())
			}
		}
	})
	t.Run("limit is honoured", func(t *testing.T) {
		for _, tok := range []string{a.UserToken(a.user, a.ws, "viewer", a.g1, a.g2), a.UserToken(a.user, a.ws, "admin")} {
			got := a.accessible(t, tok, "view", 3)
			if len(got.ResourceIDs) != 3 || slices.Contains(a.labels(got.ResourceIDs), "unexpected") || got.Complete || got.NextCursor == nil {
				t.Errorf("limit 3: %v, complete %v", a.labels(got.ResourceIDs), got.Complete)
			}
		}
	})
	t.Run("cross-workspace", func(t *testing.T) {
		res := a.dual("POST", "/permissions/accessible", a.UserToken(a.user, a.ws2, "owner"),
			map[string]any{"service_name": "docu-store", "resource_type": "doc", "action": "view", "workspace_id": a.ws})
		if res.Status != 403 || res.Detail(t) != "Cross-workspace lookup not allowed" {
			t.Errorf("got %d %s", res.Status, res.Body)
		}
	})
}

// The counted bars of issue 5, with a warm key cache: a single check is one
// BatchGetItem; a batch of 100 checks is two BatchGetItem rounds; an
// accessible lookup is one Query per access path.
func TestCallBudgets(t *testing.T) {
	a := accessibleFixtureOf(fixtureOn(t, apitest.NewInProcess(t, "counts the functions' DynamoDB calls")))
	tok := a.UserToken(a.user, a.ws, "viewer", a.g1, a.g2)
	a.check(tok, doc(a.ids["public"], "view")) // warms the key cache
	count := func(t *testing.T, call func()) map[string]int {
		t.Helper()
		a.Env.Counter.Reset()
		call()
		return a.Env.Counter.Counts()
	}
	t.Run("single check", func(t *testing.T) {
		for _, label := range []string{"public", "g2-edit", "unshared"} {
			got := count(t, func() { a.check(tok, doc(a.ids[label], "edit")) })
			if !maps.Equal(got, map[string]int{"BatchGetItem": 1}) {
				t.Errorf("%s: %v, want one BatchGetItem", label, got)
			}
		}
	})

	// 100 private documents another user owns, each shared to one of the
	// user's groups: every answer depends on the shares.
	owner := a.member(a.ws, "owner2")
	ownerTok := a.UserToken(owner, a.ws, "viewer")
	var checks []map[string]string
	var want []bool
	for i := range 100 {
		id, rid := a.register(a.ws, owner, "private")
		if i%3 != 2 {
			a.share(ownerTok, id, "group", []string{a.g1, a.g2}[i%3], "edit")
		}
		checks = append(checks, doc(rid, "edit"))
		want = append(want, i%3 != 2)
	}
	t.Run("batch of 100 checks", func(t *testing.T) {
		var got []bool
		calls := count(t, func() { got = a.check(tok, checks...) })
		if !slices.Equal(got, want) {
			t.Errorf("answers = %v, want %v", got, want)
		}
		// 100 record keys in one call, then 300 share keys in three.
		if !maps.Equal(calls, map[string]int{"BatchGetItem": 4}) {
			t.Errorf("calls = %v, want 4 BatchGetItem", calls)
		}
		w := &waves{DB: a.Env.Client}
		store := permissions.NewStore(w, a.Env.Names["Permissions"], a.Deps.Activity, a.Clock.Now)
		var cs []permissions.Check
		for _, c := range checks {
			cs = append(cs, permissions.Check{ServiceName: c["service_name"], ResourceType: c["resource_type"], ResourceID: c["resource_id"], Action: c["action"]})
		}
		ctx := identity.WithService(t.Context(), &identity.Service{ServiceName: "docu-store"})
		ctx = identity.WithUser(ctx, &identity.User{ID: a.user, WorkspaceID: a.ws, Role: "viewer", Groups: []string{a.g1, a.g2}})
		results, err := store.Check(ctx, cs)
		var allowed []bool
		for _, r := range results {
			allowed = append(allowed, r.Allowed)
		}
		if err != nil || !slices.Equal(allowed, want) {
			t.Fatalf("store check: %v %v", err, allowed)
		}
		if w.rounds != 2 || w.calls != 4 {
			t.Errorf("%d calls in %d round trips, want 4 in 2 (bar: 3 round trips)", w.calls, w.rounds)
		}
	})
	t.Run("accessible", func(t *testing.T) {
		cases := []struct {
			name   string
			tok    string
			action string
			want   int
		}{
			// A view reads the edit and the view shares of each grantee
			// apart: each range then lists ids in order.
			{"viewer in 2 groups, view: owned, workspace, 2 levels of user, 2 groups", tok, "view", 8},
			{"viewer in 2 groups, edit: owned, user, 2 groups", tok, "edit", 4},
			{"editor, edit: owned, workspace, user", a.UserToken(a.editor, a.ws, "editor"), "edit", 3},
			{"admin with a limit: private and workspace-visible", a.UserToken(a.editor, a.ws, "admin"), "view", 2},
		}
		for _, tc := range cases {
			a.accessible(t, tc.tok, tc.action, 200) // warms the auth tier (key and user status)
			got := count(t, func() { a.accessible(t, tc.tok, tc.action, 200) })
			if !maps.Equal(got, map[string]int{"Query": tc.want}) {
				t.Errorf("%s: %v, want %d Query", tc.name, got, tc.want)
			}
		}
		// 100+ entries on one path still take one Query (pages only past 1 MB).
		got := count(t, func() {
			if ids := a.accessible(t, a.UserToken(owner, a.ws, "viewer"), "view", 0).ResourceIDs; len(ids) < 100 {
				t.Errorf("owner2 sees %d resources", len(ids))
			}
		})
		if got["Query"] != 4 {
			t.Errorf("owner2 (no groups), view: %v, want 4 Query", got)
		}
	})
}

// waves counts BatchGetItem round trips: calls that overlap in time are one
// round. Each call is held 20 ms, so calls made in parallel surely overlap.
type waves struct {
	dynamo.DB
	mu                      sync.Mutex
	inflight, rounds, calls int
}

func (w *waves) BatchGetItem(ctx context.Context, in *ddb.BatchGetItemInput) (*ddb.BatchGetItemOutput, error) {
	w.mu.Lock()
	if w.inflight == 0 {
		w.rounds++
	}
	w.inflight++
	w.calls++
	w.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	out, err := w.DB.BatchGetItem(ctx, in)
	w.mu.Lock()
	w.inflight--
	w.mu.Unlock()
	return out, err
}

// BenchmarkCheck measures checks against DynamoDB Local with a warm key
// cache: through the whole check handler (dual tier, so an RS256 verify
// per request) and through the store alone.
func BenchmarkCheck(b *testing.B) {
	f := fixtureOn(b, apitest.NewInProcess(b, "builds the check handler in process"))
	owner := f.member(f.ws, "owner")
	member := f.member(f.ws, "member")
	group := f.group(f.ws)
	var checks []permissions.Check
	for range 100 {
		id, rid := f.register(f.ws, owner, "private")
		f.share(f.UserToken(owner, f.ws, "viewer"), id, "group", group, "view")
		checks = append(checks, permissions.Check{ServiceName: "docu-store", ResourceType: "doc", ResourceID: rid, Action: "view"})
	}
	ctx := identity.WithService(context.Background(), &identity.Service{ServiceName: "docu-store"})
	ctx = identity.WithUser(ctx, &identity.User{ID: member, WorkspaceID: f.ws, Role: "viewer", Groups: []string{group}})
	h, err := f.Instance("permissions-check")
	if err != nil {
		b.Fatal(err)
	}
	tok := f.UserToken(member, f.ws, "viewer", group)
	body := func(n int) string {
		var parts []string
		for _, c := range checks[:n] {
			parts = append(parts, fmt.Sprintf(`{"service_name":"docu-store","resource_type":"doc","resource_id":%q,"action":"view"}`, c.ResourceID))
		}
		return `{"checks":[` + strings.Join(parts, ",") + `]}`
	}
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("handler/%d-checks", n), func(b *testing.B) {
			payload := body(n)
			serve := func() {
				r := httptest.NewRequest("POST", "/permissions/check", strings.NewReader(payload))
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("X-Service-Key", f.key)
				r.Header.Set("Authorization", "Bearer "+tok)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"allowed":true`) {
					b.Fatalf("check: %d %s", w.Code, w.Body)
				}
			}
			serve()
			b.ReportAllocs()
			for b.Loop() {
				serve()
			}
		})
		b.Run(fmt.Sprintf("store/%d-checks", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.Deps.Permissions.Check(ctx, checks[:n]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
