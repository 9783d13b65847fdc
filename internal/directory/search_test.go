package directory_test

import (
	"fmt"
	"net/url"
	"slices"
	"sync"
	"testing"

	"sentinel/internal/directory"
)

// scaleUsers is how many users the search tests hold: many times one page.
const scaleUsers = 2000

// seedUsers creates n users "Person NNNN" <uNNNN@scale.example>, members
// of workspace wid, through the store in parallel; it returns their ids
// by number.
func seedUsers(t *testing.T, d *dir, wid string, n int) []string {
	t.Helper()
	s := d.api.Deps.Directory
	ids := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	next := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range next {
				email := fmt.Sprintf("u%04d@scale.example", i)
				u, err := s.CreateUser(t.Context(), directory.NewUser{Email: email, Name: fmt.Sprintf("Person %04d", i)})
				if err == nil {
					_, err = s.AddMember(t.Context(), wid, email, "viewer")
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					continue
				}
				ids[i] = u.ID
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	return ids
}

// With thousands of users, q finds the first, the middle and the last by
// exact email, by id, by email prefix and by name prefix, in every list
// that searches them; the user created last is found although the plain
// list shows it only on its last page.
func TestSearchAtScale(t *testing.T) {
	d := newDir(t)
	wid := d.workspace("big")
	ids := seedUsers(t, d, wid, scaleUsers)
	d.api.Clock.Step()
	newest := d.member(wid, "zed.newest@scale.example", "viewer")
	d.must(200, "PATCH", "/admin/users/"+newest, map[string]any{"name": "Zed Newest"})
	g := d.group(wid, "Everyone")
	for _, i := range []int{0, scaleUsers / 2, scaleUsers - 1} {
		d.join(g, ids[i])
	}
	d.join(g, newest)

	// The bug this fixes: the newest user is not on the first page, and a
	// search for its email used to answer an empty page with a cursor.
	if first := d.page("/admin/users?limit=50"); slices.Contains(field(first.Items, "id"), newest) || first.NextCursor == nil {
		t.Fatalf("the newest user is on the first page of %d", scaleUsers+1)
	}
	lists := map[string]string{
		"users":         "/admin/users",
		"members":       "/admin/workspaces/" + wid + "/members",
		"group members": "/admin/groups/" + g + "/members",
	}
	idField := map[string]string{"users": "id", "members": "user_id", "group members": "user_id"}
	for _, i := range []int{0, scaleUsers / 2, scaleUsers - 1, -1} {
		id, email, name := newest, "zed.newest@scale.example", "Zed Newest"
		if i >= 0 {
			id, email, name = ids[i], fmt.Sprintf("u%04d@scale.example", i), fmt.Sprintf("Person %04d", i)
		}
		for list, path := range lists {
			for _, q := range []string{email, id, email[:6], name, name[:len(name)-1] + " "} {
				p := d.page(path + "?limit=50&q=" + url.QueryEscape(q))
				got := field(p.Items, idField[list])
				if !slices.Contains(got, id) {
					t.Errorf("%s q=%q: %s not in %v", list, q, name, got)
				}
				if q == email || q == id {
					if len(got) != 1 || p.NextCursor != nil {
						t.Errorf("%s q=%q: %v, cursor %v; want exactly the one user", list, q, got, p.NextCursor)
					}
				}
			}
		}
	}

	// A prefix matching 100 users fills every page until they run out, in
	// name order, each user once.
	var want []string
	for i := 1200; i < 1300; i++ {
		want = append(want, fmt.Sprintf("u%04d@scale.example", i))
	}
	for list, path := range map[string]string{"users": lists["users"], "members": lists["members"]} {
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			u := path + "?limit=30&q=PERSON%2012"
			if cursor != "" {
				u += "&cursor=" + cursor
			}
			p := d.page(u)
			got = append(got, field(p.Items, "email")...)
			if p.NextCursor == nil {
				break
			}
			if len(p.Items) != 30 {
				t.Errorf("%s page %d: %d items with a cursor", list, pages, len(p.Items))
			}
			cursor = *p.NextCursor
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s q=person 12: %d results %v…", list, len(got), got[:min(len(got), 5)])
		}
		// Names and emails both: each user once even where both match.
		if got := d.all(path+"?limit=100&q=u00", "email"); len(got) != 100 || len(slices.Compact(sorted(got))) != 100 {
			t.Errorf("%s q=u00: %d results", list, len(got))
		}
	}

	// The backend member search reads two short index ranges, never the
	// partition: the same calls for the first, middle and last user.
	b := d.backend("docu-store")
	c := d.api.Env.Counter
	for _, i := range []int{0, scaleUsers / 2, scaleUsers - 1} {
		for _, q := range []string{fmt.Sprintf("u%04d@scale.example", i), fmt.Sprintf("person %04d", i), fmt.Sprintf("u%04d", i)} {
			b.get("/workspaces/"+wid+"/members?limit=5&q="+url.QueryEscape(q), ids[0], wid) // warm the tier
			c.Reset()
			var got []map[string]any
			b.get("/workspaces/"+wid+"/members?limit=5&q="+url.QueryEscape(q), ids[0], wid).JSON(t, &got)
			if len(got) != 1 || got[0]["user_id"] != ids[i] {
				t.Errorf("backend q=%s: %v", q, got)
			}
			// The function's calls are counted in process only.
			if n := c.Counts(); !d.api.Deployed() && (n["Query"] > 2 || n["GetItem"] > 2 || c.Total() > 4) {
				t.Errorf("backend q=%s cost %v", q, n)
			}
		}
	}
}

// A search cursor continues the same search of the same list only.
func TestSearchCursorBelongsToItsSearch(t *testing.T) {
	d := newDir(t)
	acme, globex := d.workspace("acme"), d.workspace("globex")
	for _, email := range []string{"ada@example.com", "alan@example.com", "anna@example.com"} {
		d.member(acme, email, "viewer")
		d.member(globex, email, "viewer")
	}
	byName := d.page("/admin/workspaces/" + acme + "/members?limit=1&q=a")
	if byName.NextCursor == nil {
		t.Fatal("no cursor")
	}
	// The members have no names: "a" matches their emails only, in order.
	if got := d.all("/admin/workspaces/"+acme+"/members?limit=1&q=a", "email"); !slices.Equal(got, []string{"ada@example.com", "alan@example.com", "anna@example.com"}) {
		t.Errorf("q=a: %v", got)
	}
	for name, path := range map[string]string{
		"another workspace": "/admin/workspaces/" + globex + "/members?q=a&cursor=",
		"another q":         "/admin/workspaces/" + acme + "/members?q=b&cursor=",
		"another list":      "/admin/users?q=a&cursor=",
		"the plain list":    "/admin/workspaces/" + acme + "/members?cursor=",
	} {
		if res := d.admin.Do("GET", path+*byName.NextCursor, nil); res.Status != 400 {
			t.Errorf("%s: %d %s", name, res.Status, res.Body)
		}
	}
}
