package directory_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"sentinel/internal/apitest"
	"sentinel/internal/authtier"
)

func TestBackendReads(t *testing.T) {
	d := newDir(t)
	acme, globex := d.workspace("acme"), d.workspace("globex")
	d.api.Clock.Step()
	joinedFrom := d.now()
	ada := d.member(acme, "ada@example.com", "owner")
	joinedTo := d.now()
	d.must(200, "PATCH", "/admin/users/"+ada, map[string]any{"name": "Ada Lovelace"})
	bob := d.member(acme, "bob@example.com", "viewer")
	d.member(globex, "carol@example.com", "viewer")
	eng := d.group(acme, "Engineering")
	addedFrom := d.now()
	d.join(eng, ada)
	addedTo := d.now()
	ops := d.group(globex, "Ops")
	b := d.backend("docu-store")
	d.join(eng, bob)
	otherCursor := b.get("/workspaces/"+acme+"/groups/"+eng+"/members?limit=1", bob, acme).Header.Get("X-Next-Cursor")
	if otherCursor == "" {
		t.Fatal("no cursor after the first of two group members")
	}

	var members []map[string]any
	b.get("/workspaces/"+acme+"/members", bob, acme).JSON(t, &members)
	if got := sorted(field(members, "email")); !slices.Equal(got, []string{"ada@example.com", "bob@example.com"}) {
		t.Errorf("members = %v", members)
	}
	for _, m := range members {
		if m["user_id"] == ada {
			apitest.Within(t, "joined_at", fmt.Sprint(m["joined_at"]), joinedFrom, joinedTo)
			want := map[string]any{"user_id": ada, "email": "ada@example.com", "name": "Ada Lovelace", "avatar_url": "", "role": "owner", "joined_at": m["joined_at"]}
			if fmt.Sprint(m) != fmt.Sprint(want) {
				t.Errorf("member = %v, want %v", m, want)
			}
		}
	}
	var groups []map[string]any
	b.get("/workspaces/"+acme+"/groups", bob, acme).JSON(t, &groups)
	if len(groups) != 1 || groups[0]["id"] != eng || groups[0]["workspace_id"] != acme || groups[0]["name"] != "Engineering" {
		t.Errorf("groups = %v", groups)
	}
	var groupMembers []map[string]any
	b.get("/workspaces/"+acme+"/groups/"+eng+"/members", bob, acme).JSON(t, &groupMembers)
	if i := slices.IndexFunc(groupMembers, func(m map[string]any) bool { return m["user_id"] == ada }); len(groupMembers) != 2 || i < 0 {
		t.Errorf("group members = %v", groupMembers)
	} else if m := groupMembers[i]; fmt.Sprint(m) != fmt.Sprint(map[string]any{"user_id": ada, "email": "ada@example.com", "name": "Ada Lovelace", "added_at": m["added_at"]}) {
		t.Errorf("group member = %v", m)
	} else {
		apitest.Within(t, "added_at", fmt.Sprint(m["added_at"]), addedFrom, addedTo)
	}

	cases := []struct {
		name       string
		path       string
		wid        string
		wantStatus int
		wantDetail string
	}{
		{"search by name", "/workspaces/" + acme + "/members?q=ADA%20L", acme, 200, ""},
		{"limit 0", "/workspaces/" + acme + "/members?limit=0", acme, 422, "limit: must be an integer from 1 to 1000"},
		{"limit 1001", "/workspaces/" + acme + "/groups?limit=1001", acme, 422, "limit: must be an integer from 1 to 1000"},
		{"limit not a number", "/workspaces/" + acme + "/groups/" + eng + "/members?limit=ten", acme, 422, "limit: must be an integer from 1 to 1000"},
		{"bad cursor", "/workspaces/" + acme + "/members?cursor=x", acme, 400, "Invalid cursor"},
		{"another list's cursor", "/workspaces/" + acme + "/groups?cursor=" + otherCursor, acme, 400, "Invalid cursor"},
		{"q too long", "/workspaces/" + acme + "/members?q=" + strings.Repeat("a", 101), acme, 422, "q: must be at most 100 characters"},
		{"members of another workspace", "/workspaces/" + globex + "/members", acme, 403, "The user token is not for this workspace"},
		{"groups of another workspace", "/workspaces/" + globex + "/groups", acme, 403, "The user token is not for this workspace"},
		{"group members of another workspace", "/workspaces/" + globex + "/groups/" + ops + "/members", acme, 403, "The user token is not for this workspace"},
		{"another workspace's group through mine", "/workspaces/" + acme + "/groups/" + ops + "/members", acme, 404, "Group not found"},
		{"unknown group", "/workspaces/" + acme + "/groups/" + unknownID + "/members", acme, 404, "Group not found"},
		{"malformed group", "/workspaces/" + acme + "/groups/x/members", acme, 404, "Group not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := b.request(tc.path, bob, tc.wid)
			req.Invalid = tc.wantStatus == 422 // a query value of the wrong type
			res := b.d.api.Do(req)
			if res.Status != tc.wantStatus || (tc.wantDetail != "" && res.Detail(t) != tc.wantDetail) {
				t.Errorf("got %d %s, want %d %q", res.Status, res.Body, tc.wantStatus, tc.wantDetail)
			}
		})
	}
	var found []map[string]any
	b.get("/workspaces/"+acme+"/members?q=ada%20lovelace", bob, acme).JSON(t, &found)
	if got := field(found, "user_id"); !slices.Equal(got, []string{ada}) {
		t.Errorf("q=ada lovelace: %v", got)
	}
	b.get("/workspaces/"+acme+"/members?limit=1", bob, acme).JSON(t, &found)
	if len(found) != 1 {
		t.Errorf("limit=1: %d members", len(found))
	}
	// The dual tier stands in front of every read.
	for name, header := range map[string]map[string]string{
		"no token": {"X-Service-Key": b.key},
		"no key":   {"Authorization": "Bearer " + d.api.UserToken(bob, acme, "viewer")},
	} {
		res := d.api.Do(apitest.Request{Method: "GET", Path: "/workspaces/" + acme + "/members", Header: header})
		if res.Status != 401 {
			t.Errorf("%s: %d", name, res.Status)
		}
	}
}

// Each backend list answers pages: a bare array (as the original SDKs read
// it) and, while more follow, the next page's cursor in X-Next-Cursor;
// following the cursors yields every item once.
func TestBackendReadsPage(t *testing.T) {
	d := newDir(t)
	s := d.api.Deps.Directory
	w := d.workspace("acme")
	var users, groups []string
	for i := range 23 {
		m, err := s.AddMember(t.Context(), w, fmt.Sprintf("user%02d@example.com", i), "viewer")
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, m.UserID)
		groups = append(groups, d.group(w, fmt.Sprintf("Group %02d", i)))
	}
	for _, u := range users {
		d.join(groups[0], u)
	}
	b := d.backend("docu-store")
	for path, want := range map[string][]string{
		"/workspaces/" + w + "/members":                          users,
		"/workspaces/" + w + "/groups":                           groups,
		"/workspaces/" + w + "/groups/" + groups[0] + "/members": users,
	} {
		idField := "user_id"
		if strings.HasSuffix(path, "/groups") {
			idField = "id"
		}
		// Without a limit, one page holds them all.
		res := b.get(path, users[0], w)
		var all []map[string]any
		res.JSON(t, &all)
		if !slices.Equal(sorted(field(all, idField)), sorted(want)) || res.Header.Get("X-Next-Cursor") != "" {
			t.Errorf("%s: %d items, cursor %q", path, len(all), res.Header.Get("X-Next-Cursor"))
		}
		var got []string
		cursor := ""
		for pages := 1; ; pages++ {
			res := b.get(path+"?limit=5"+cursor, users[0], w)
			var page []map[string]any
			res.JSON(t, &page)
			if res.Status != 200 || len(page) > 5 {
				t.Fatalf("%s page %d: %d, %d items", path, pages, res.Status, len(page))
			}
			got = append(got, field(page, idField)...)
			next := res.Header.Get("X-Next-Cursor")
			if next == "" {
				break
			}
			if pages > 10 {
				t.Fatalf("%s: more than 10 pages of 5 for %d items", path, len(want))
			}
			cursor = "&cursor=" + next
		}
		if !slices.Equal(sorted(got), sorted(want)) {
			t.Errorf("%s: pages gave %d items, want %d", path, len(got), len(want))
		}
	}
}

// A q search reads on until it has limit matches, however far into the
// workspace they are.
func TestBackendMemberSearchFindsLateMatches(t *testing.T) {
	d := newDir(t)
	s := d.api.Deps.Directory
	w := d.workspace("acme")
	var ids []string
	for i := range 30 {
		m, err := s.AddMember(t.Context(), w, fmt.Sprintf("user%02d@example.com", i), "viewer")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.UserID)
	}
	b := d.backend("docu-store")
	var got []map[string]any
	b.get("/workspaces/"+w+"/members?limit=3&q=user", ids[0], w).JSON(t, &got)
	if len(got) != 3 {
		t.Errorf("limit=3 with q: %d members", len(got))
	}
	want := slices.Max(ids) // the last in key order
	var email string
	for i, id := range ids {
		if id == want {
			email = fmt.Sprintf("user%02d@", i)
		}
	}
	b.get("/workspaces/"+w+"/members?limit=1&q="+email, ids[0], w).JSON(t, &got)
	if len(got) != 1 || got[0]["user_id"] != want {
		t.Errorf("q=%s: %v", email, got)
	}
}

// Each backend read costs one Query once the auth tier is warm, a member
// search two (the name index, then the email index) after the exact
// lookup by key when q is an email or an id; a cold tier adds the key
// lookup and the user's status.
func TestBackendReadCost(t *testing.T) {
	d := dirOn(t, apitest.NewInProcess(t, "counts the functions' DynamoDB calls"))
	w := d.workspace("acme")
	ada := d.member(w, "ada@example.com", "owner")
	g := d.group(w, "Engineering")
	d.join(g, ada)
	b := d.backend("docu-store")
	c := d.api.Env.Counter
	for _, tc := range []struct{ path, warm string }{
		{"/workspaces/" + w + "/members", "map[Query:1]"},
		{"/workspaces/" + w + "/members?q=ada&limit=5", "map[Query:2]"},
		{"/workspaces/" + w + "/members?q=ada@example.com", "map[GetItem:2 Query:2]"}, // the email claim, the membership
		{"/workspaces/" + w + "/members?q=" + ada, "map[GetItem:1 Query:2]"},          // the membership
		{"/workspaces/" + w + "/groups", "map[Query:1]"},
		{"/workspaces/" + w + "/groups/" + g + "/members", "map[GetItem:1 Query:1]"}, // the group, on every page
	} {
		t.Run(tc.path, func(t *testing.T) {
			d.api.Clock.Advance(authtier.CacheTTL)
			c.Reset()
			res := b.get(tc.path, ada, w)
			if res.Status != 200 {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
			if strings.Contains(tc.path, "/members") && !strings.Contains(string(res.Body), ada) {
				t.Errorf("ada not found: %s", res.Body)
			}
			cold := c.Counts()
			// Beyond the read: the key Query, the user's GetItem, and at
			// most once a minute the key's last_used_at.
			delete(cold, "UpdateItem")
			cold["Query"]--
			cold["GetItem"]--
			if fmt.Sprint(cold) != strings.ReplaceAll(tc.warm, "map[Query", "map[GetItem:0 Query") && fmt.Sprint(cold) != tc.warm {
				t.Errorf("cold, less the tier's calls: %v, want %s", cold, tc.warm)
			}
			c.Reset()
			if res := b.get(tc.path, ada, w); res.Status != 200 {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
			if warm := c.Counts(); fmt.Sprint(warm) != tc.warm {
				t.Errorf("warm: %v, want %s", warm, tc.warm)
			}
		})
	}
	// A refusal costs nothing beyond the (warm) tier. Each function has its
	// own tier cache, as each Lambda does: warm workspace-members' first.
	other := d.workspace("other")
	if res := b.get("/workspaces/"+w+"/members", ada, w); res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	c.Reset()
	if res := b.get("/workspaces/"+other+"/members", ada, w); res.Status != 403 {
		t.Fatalf("cross-workspace: %d", res.Status)
	}
	if n := c.Total(); n != 0 {
		t.Errorf("a 403 cost %d calls: %v", n, c.Counts())
	}
}

// Deactivating a user refuses their tokens within the cache bound;
// reactivating restores them.
func TestDeactivationRefusesTokens(t *testing.T) {
	d := newDir(t)
	w := d.workspace("acme")
	ada := d.member(w, "ada@example.com", "owner")
	b := d.backend("docu-store")
	path := "/workspaces/" + w + "/groups"
	if res := b.get(path, ada, w); res.Status != 200 {
		t.Fatalf("active: %d %s", res.Status, res.Body)
	}
	d.api.Clock.Step()
	if got := d.must(200, "PATCH", "/admin/users/"+ada, map[string]any{"is_active": false}).Map(t); got["is_active"] != false {
		t.Errorf("patched = %v", got)
	}
	d.api.Clock.Advance(authtier.CacheTTL)
	if res := b.get(path, ada, w); res.Status != 401 || res.Detail(t) != "Invalid user token: user is deactivated" {
		t.Errorf("deactivated: %d %s", res.Status, res.Body)
	}
	// Deactivation stops tokens, not membership: others still see ada.
	bob := d.member(w, "bob@example.com", "viewer")
	if res := b.get("/workspaces/"+w+"/members", bob, w); res.Status != 200 || !strings.Contains(string(res.Body), ada) {
		t.Errorf("members as bob: %d %s", res.Status, res.Body)
	}
	d.api.Clock.Step()
	d.must(200, "PATCH", "/admin/users/"+ada, map[string]any{"is_active": true})
	d.api.Clock.Advance(authtier.CacheTTL)
	if res := b.get(path, ada, w); res.Status != 200 {
		t.Errorf("reactivated: %d %s", res.Status, res.Body)
	}
	if got := d.activity("user", ada); !slices.Equal(got, []string{"user.activate", "user.deactivate", "user.create"}) {
		t.Errorf("activity = %v", got)
	}
}
