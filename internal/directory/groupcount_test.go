package directory_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/apitest"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// counts answers the admin list of a workspace's groups as name → member_count.
func (d *dir) counts(wid string) map[string]any {
	d.t.Helper()
	out := map[string]any{}
	for _, g := range d.page("/admin/workspaces/" + wid + "/groups").Items {
		out[g["name"].(string)] = g["member_count"]
	}
	return out
}

// count answers GET /admin/groups/{gid}'s member_count.
func (d *dir) count(gid string) any {
	d.t.Helper()
	return d.must(200, "GET", "/admin/groups/"+gid, nil).Map(d.t)["member_count"]
}

func wantCounts(t *testing.T, what string, got map[string]any, want string) {
	t.Helper()
	if fmt.Sprint(got) != want {
		t.Errorf("%s: counts %v, want %s", what, got, want)
	}
}

// Every add and removal keeps the count on the group and in the list,
// removals from the workspace included; the backend list stays as the
// original answered it.
func TestGroupMemberCounts(t *testing.T) {
	d := newDir(t)
	w := d.workspace("acme")
	ada := d.member(w, "ada@example.com", "editor")
	bob := d.member(w, "bob@example.com", "viewer")
	cy := d.member(w, "cy@example.com", "viewer")
	eng, qa := d.group(w, "Engineering"), d.group(w, "QA")
	created := d.must(201, "POST", "/admin/workspaces/"+w+"/groups", map[string]any{"name": "Ops"}).Map(t)
	if created["member_count"] != float64(0) {
		t.Errorf("created group: %v, want member_count 0", created)
	}
	wantCounts(t, "new groups", d.counts(w), "map[Engineering:0 Ops:0 QA:0]")

	d.join(eng, ada)
	d.join(eng, bob)
	d.join(eng, cy)
	d.join(qa, ada)
	wantCounts(t, "after joins", d.counts(w), "map[Engineering:3 Ops:0 QA:1]")
	if got := d.count(eng); got != float64(3) {
		t.Errorf("GET group: member_count %v, want 3", got)
	}

	// Refused changes change nothing.
	d.must(409, "POST", "/admin/groups/"+eng+"/members/"+ada, nil)
	d.must(404, "DELETE", "/admin/groups/"+qa+"/members/"+bob, nil)
	wantCounts(t, "after refused changes", d.counts(w), "map[Engineering:3 Ops:0 QA:1]")

	d.must(204, "DELETE", "/admin/groups/"+eng+"/members/"+cy, nil)
	renamed := d.must(200, "PATCH", "/admin/groups/"+eng, map[string]any{"name": "Builders"}).Map(t)
	if renamed["member_count"] != float64(2) {
		t.Errorf("renamed group: %v, want member_count 2", renamed)
	}
	wantCounts(t, "after a leave and a rename", d.counts(w), "map[Builders:2 Ops:0 QA:1]")

	// Leaving the workspace leaves every group, counted.
	d.must(204, "DELETE", "/admin/workspaces/"+w+"/members/"+ada, nil)
	wantCounts(t, "after ada left the workspace", d.counts(w), "map[Builders:1 Ops:0 QA:0]")
	if got := d.count(eng); got != float64(1) {
		t.Errorf("GET group after ada left: member_count %v, want 1", got)
	}
	d.must(404, "GET", "/admin/groups/"+unknownID, nil)

	// The backend read answers the original's fields only.
	res := d.backend("docu-store").get("/workspaces/"+w+"/groups", bob, w)
	if res.Status != 200 || strings.Contains(string(res.Body), "member_count") {
		t.Errorf("backend groups: %d %s, want 200 without member_count", res.Status, res.Body)
	}
}

// unCount removes member_count from a group and its list entry: a group
// as it was stored before the counter existed.
func (d *dir) unCount(wid, gid string) {
	d.t.Helper()
	for _, k := range [][2]string{{"GROUP#" + gid, "GROUP"}, {"WS#" + wid, "GROUP#" + gid}} {
		if _, err := d.api.Env.Client.UpdateItem(d.t.Context(), &ddb.UpdateItemInput{
			TableName: aws.String(d.api.Env.Names["Directory"]), Key: dynamo.Key(k[0], k[1]),
			UpdateExpression: aws.String("REMOVE member_count"),
		}); err != nil {
			d.t.Fatal(err)
		}
	}
}

// A group made before the counter is counted on its first read (and
// written back, so the next read is one Query again), and on its first
// change.
func TestGroupsBeforeTheCounterAreCounted(t *testing.T) {
	d := newDir(t)
	w := d.workspace("acme")
	ada := d.member(w, "ada@example.com", "editor")
	bob := d.member(w, "bob@example.com", "viewer")
	eng, qa, ops := d.group(w, "Engineering"), d.group(w, "QA"), d.group(w, "Ops")
	for _, g := range []string{eng, qa, ops} {
		d.join(g, ada)
		d.join(g, bob)
		d.unCount(w, g)
	}
	wantCounts(t, "first read", d.counts(w), "map[Engineering:2 Ops:2 QA:2]")
	for _, it := range d.scan() {
		if strings.Contains(fmt.Sprint(it["sk"]), "GROUP") && it["member_count"] != float64(2) {
			t.Errorf("count not written back: %v", it)
		}
	}

	// A change of a group not counted yet counts it first.
	d.unCount(w, qa)
	d.must(204, "DELETE", "/admin/groups/"+qa+"/members/"+bob, nil)
	d.unCount(w, ops)
	d.must(204, "DELETE", "/admin/workspaces/"+w+"/members/"+ada, nil)
	wantCounts(t, "after changes", d.counts(w), "map[Engineering:1 Ops:1 QA:0]")
	d.unCount(w, eng)
	if got := d.count(eng); got != float64(1) {
		t.Errorf("GET of a group not counted yet: %v, want 1", got)
	}
	d.unCount(w, eng)
	d.join(eng, d.member(w, "cy@example.com", "viewer"))
	wantCounts(t, "after a join", d.counts(w), "map[Engineering:2 Ops:1 QA:0]")
}

// The admin list of groups stays one Query with the counts; a group not
// counted yet costs one Query with Select=COUNT and one write, once.
func TestGroupListCost(t *testing.T) {
	d := dirOn(t, apitest.NewInProcess(t, "counts the function's DynamoDB calls"))
	w := d.workspace("acme")
	ada := d.member(w, "ada@example.com", "editor")
	g := d.group(w, "Engineering")
	d.group(w, "QA")
	d.join(g, ada)
	c := d.api.Env.Counter
	// calls answers the calls since the last, less the admin guard's one
	// BatchGetItem (the session's account and revocation).
	calls := func() string {
		n := c.Counts()
		if n["BatchGetItem"] != 1 {
			t.Errorf("admin guard: %v, want one BatchGetItem", n)
		}
		delete(n, "BatchGetItem")
		c.Reset()
		return fmt.Sprint(n)
	}
	c.Reset()
	wantCounts(t, "list", d.counts(w), "map[Engineering:1 QA:0]")
	if got := calls(); got != "map[Query:1]" {
		t.Errorf("list of counted groups: %s, want map[Query:1]", got)
	}
	d.unCount(w, g)
	c.Reset()
	wantCounts(t, "list", d.counts(w), "map[Engineering:1 QA:0]")
	if got := calls(); got != "map[Query:2 TransactWriteItems:1]" {
		t.Errorf("list with a group not counted yet: %s, want map[Query:2 TransactWriteItems:1]", got)
	}
	d.counts(w)
	if got := calls(); got != "map[Query:1]" {
		t.Errorf("list after the count was written back: %s, want map[Query:1]", got)
	}
}

// A member of more groups than one transaction holds leaves the workspace
// in steps, every group's count following.
func TestMemberOfManyGroupsLeavesCounted(t *testing.T) {
	d := newDir(t)
	w := d.workspace("acme")
	ada := d.member(w, "ada@example.com", "editor")
	bob := d.member(w, "bob@example.com", "viewer")
	want := map[string]any{}
	for i := range 40 {
		g := d.group(w, fmt.Sprintf("G%02d", i))
		d.join(g, ada)
		d.join(g, bob)
		want[fmt.Sprintf("G%02d", i)] = 1
	}
	d.must(204, "DELETE", "/admin/workspaces/"+w+"/members/"+ada, nil)
	got := map[string]any{}
	for _, g := range d.page("/admin/workspaces/" + w + "/groups?limit=100").Items {
		got[g["name"].(string)] = int(g["member_count"].(float64))
	}
	wantCounts(t, "after ada left 40 groups", got, fmt.Sprint(want))
}
