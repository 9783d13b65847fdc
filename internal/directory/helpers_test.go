package directory_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sentinel/internal/apitest"
)

// dir is a test's API with a signed-in admin.
type dir struct {
	t     *testing.T
	api   *apitest.API
	admin *apitest.Admin
}

// newDir builds the API (on the deployed-shape stack when the suite runs
// there) and signs the admin in.
func newDir(t *testing.T) *dir {
	t.Helper()
	return dirOn(t, apitest.New(t))
}

// dirOn signs the admin in to api: a test that needs the process builds it
// with apitest.NewInProcess and says why.
func dirOn(t *testing.T, api *apitest.API) *dir {
	t.Helper()
	return &dir{t: t, api: api, admin: api.SignIn()}
}

// now is the API's time, read before and after a call to bound the times
// it sets (apitest.Within).
func (d *dir) now() time.Time { return d.api.Clock.Now() }

// must sends an admin request and fails the test unless it answers want.
func (d *dir) must(want int, method, path string, body any) *apitest.Response {
	d.t.Helper()
	res := d.admin.Do(method, path, body)
	if res.Status != want {
		d.t.Fatalf("%s %s: got %d %s, want %d", method, path, res.Status, res.Body, want)
	}
	return res
}

func (d *dir) workspace(slug string) string {
	d.t.Helper()
	return d.must(201, "POST", "/admin/workspaces", map[string]any{"name": "Workspace " + slug, "slug": slug}).Map(d.t)["id"].(string)
}

func (d *dir) user(email, name string) string {
	d.t.Helper()
	return d.must(201, "POST", "/admin/users", map[string]any{"email": email, "name": name}).Map(d.t)["id"].(string)
}

// member adds email to a workspace and returns the user's id.
func (d *dir) member(wid, email, role string) string {
	d.t.Helper()
	return d.must(201, "POST", "/admin/workspaces/"+wid+"/members", map[string]any{"email": email, "role": role}).Map(d.t)["user_id"].(string)
}

func (d *dir) group(wid, name string) string {
	d.t.Helper()
	return d.must(201, "POST", "/admin/workspaces/"+wid+"/groups", map[string]any{"name": name}).Map(d.t)["id"].(string)
}

func (d *dir) join(gid, uid string) {
	d.t.Helper()
	d.must(201, "POST", "/admin/groups/"+gid+"/members/"+uid, nil)
}

// page is a decoded list page.
type page struct {
	Items      []map[string]any `json:"items"`
	NextCursor *string          `json:"next_cursor"`
}

func (d *dir) page(path string) page {
	d.t.Helper()
	var p page
	d.must(200, "GET", path, nil).JSON(d.t, &p)
	return p
}

// all follows next_cursor through a list and returns field of every item.
func (d *dir) all(path, field string) []string {
	d.t.Helper()
	var out []string
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	cursor := ""
	for range 100 {
		url := path
		if cursor != "" {
			url += sep + "cursor=" + cursor
		}
		p := d.page(url)
		for _, it := range p.Items {
			out = append(out, fmt.Sprint(it[field]))
		}
		if p.NextCursor == nil {
			return out
		}
		cursor = *p.NextCursor
	}
	d.t.Fatalf("%s: more than 100 pages", path)
	return nil
}

func field(items []map[string]any, name string) []string {
	var out []string
	for _, it := range items {
		out = append(out, fmt.Sprint(it[name]))
	}
	return out
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

// scan dumps the Directory table (tests may Scan; request paths may not).
func (d *dir) scan() []map[string]any {
	d.t.Helper()
	return d.api.Env.Scan(d.t, d.api.Env.Names["Directory"])
}

// activity returns the actions logged for a target, newest first, and
// fails the test if any entry lacks the admin as actor.
func (d *dir) activity(targetType, targetID string) []string {
	d.t.Helper()
	var p struct {
		Items []struct{ Action, Actor string }
	}
	d.must(200, "GET", "/admin/activity?limit=100&target_type="+targetType+"&target_id="+targetID, nil).JSON(d.t, &p)
	var out []string
	for _, e := range p.Items {
		out = append(out, e.Action)
		if e.Actor != apitest.AdminEmail {
			d.t.Errorf("%s of %s %s has actor %q", e.Action, targetType, targetID, e.Actor)
		}
	}
	return out
}

// backend is a service app calling the dual-tier reads for users.
type backend struct {
	d   *dir
	key string
}

func (d *dir) backend(serviceName string) *backend {
	d.t.Helper()
	_, key := d.admin.CreateApp(serviceName)
	return &backend{d: d, key: key}
}

// get calls a backend read as user uid with a token for workspace wid.
func (b *backend) get(path, uid, wid string) *apitest.Response {
	b.d.t.Helper()
	return b.d.api.Do(b.request(path, uid, wid))
}

func (b *backend) request(path, uid, wid string) apitest.Request {
	return apitest.Request{Method: "GET", Path: path, Header: map[string]string{
		"X-Service-Key": b.key, "Authorization": "Bearer " + b.d.api.UserToken(uid, wid, "viewer"),
	}}
}

// recorder is a Dependent that records its calls and may fail them.
type recorder struct {
	mu    sync.Mutex
	calls []string
	fail  error
}

func (r *recorder) record(call string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call)
	return r.fail
}

func (r *recorder) PurgeWorkspace(_ context.Context, wid string) error {
	return r.record("workspace " + wid)
}

func (r *recorder) PurgeMember(_ context.Context, wid, uid string) error {
	return r.record("member " + wid + " " + uid)
}

func (r *recorder) PurgeGroup(_ context.Context, wid, gid string) error {
	return r.record("group " + wid + " " + gid)
}
