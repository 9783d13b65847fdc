package rbac_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
)

func TestRoleLifecycle(t *testing.T) {
	f := setup(t)
	ws := f.workspace()
	res := f.admin.Do("POST", "/admin/workspaces/"+ws+"/roles", map[string]any{"name": "Editors", "description": "Can edit"})
	want(t, res, 201)
	role := res.Map(t)
	rid := role["id"].(string)
	if role["workspace_id"] != ws || role["name"] != "Editors" || role["description"] != "Can edit" || role["created_by"] != apitest.AdminEmail ||
		role["action_count"] != 0.0 || role["member_count"] != 0.0 {
		t.Errorf("created role = %v", role)
	}
	f.api.Clock.Step()
	res = f.admin.Do("PATCH", "/admin/roles/"+rid, map[string]any{"name": "Writers"})
	want(t, res, 200)
	if m := res.Map(t); m["name"] != "Writers" || m["description"] != "Can edit" || m["updated_at"] == m["created_at"] {
		t.Errorf("patched role = %v", m)
	}
	res = f.admin.Do("PATCH", "/admin/roles/"+rid, map[string]any{"description": ""})
	if m := res.Map(t); m["description"] != "" || f.role(ws, rid)["description"] != "" {
		t.Errorf("cleared description: answer %v, stored %v", m["description"], f.role(ws, rid)["description"])
	}
	// The old name is free again; the new one is taken.
	f.admin.Role(ws, "Editors")
	want(t, f.admin.Do("POST", "/admin/workspaces/"+ws+"/roles", map[string]any{"name": "Writers"}), 409, "A role named 'Writers' already exists in this workspace")
	// Names are unique per workspace only.
	f.admin.Role(f.workspace(), "Writers")

	var page struct {
		Items      []map[string]any
		NextCursor *string `json:"next_cursor"`
	}
	f.admin.Do("GET", "/admin/workspaces/"+ws+"/roles", nil).JSON(t, &page)
	if len(page.Items) != 2 || page.Items[0]["name"] != "Editors" || page.Items[1]["name"] != "Writers" || page.NextCursor != nil {
		t.Errorf("roles = %v, next %v", page.Items, page.NextCursor)
	}

	f.api.Clock.Step()
	want(t, f.admin.Do("DELETE", "/admin/roles/"+rid, nil), 204)
	want(t, f.admin.Do("DELETE", "/admin/roles/"+rid, nil), 404, "Role not found")
	want(t, f.admin.Do("PATCH", "/admin/roles/"+rid, map[string]any{"name": "X"}), 404, "Role not found")
	f.admin.Role(ws, "Writers")

	f.wantActivity("role", rid, "role.delete role.update role.update role.create")
}

func TestRoleValidationAndErrors(t *testing.T) {
	f := setup(t)
	ws := f.workspace()
	rid := f.admin.Role(ws, "Taken")
	f.admin.Role(ws, "Other")
	cases := []struct {
		name, method, path string
		body               any
		wantStatus         int
		wantDetail         string
	}{
		{"duplicate name", "POST", "/admin/workspaces/" + ws + "/roles", map[string]any{"name": "Taken"}, 409, "A role named 'Taken' already exists in this workspace"},
		{"rename onto a taken name", "PATCH", "/admin/roles/" + rid, map[string]any{"name": "Other"}, 409, "A role named 'Other' already exists in this workspace"},
		{"blank name", "POST", "/admin/workspaces/" + ws + "/roles", map[string]any{"name": " "}, 422, "name: must not be empty"},
		{"long name", "POST", "/admin/workspaces/" + ws + "/roles", map[string]any{"name": strings.Repeat("n", 101)}, 422, "name: must be at most 100 characters"},
		{"long description", "PATCH", "/admin/roles/" + rid, map[string]any{"description": strings.Repeat("d", 1001)}, 422, "description: must be at most 1000 characters"},
		{"unknown workspace", "POST", "/admin/workspaces/" + uuid.NewString() + "/roles", map[string]any{"name": "X"}, 404, "Workspace not found"},
		{"malformed workspace", "POST", "/admin/workspaces/nope/roles", map[string]any{"name": "X"}, 404, "Workspace not found"},
		{"malformed role id", "PATCH", "/admin/roles/nope", map[string]any{"name": "X"}, 404, "Role not found"},
		{"bad limit", "GET", "/admin/workspaces/" + ws + "/roles?limit=101", nil, 422, "limit: must be an integer from 1 to 100"},
		{"bad cursor", "GET", "/admin/workspaces/" + ws + "/roles?cursor=abc", nil, 400, "Invalid cursor"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want(t, f.admin.Do(tc.method, tc.path, tc.body), tc.wantStatus, tc.wantDetail)
		})
	}
	t.Run("cursor of another workspace", func(t *testing.T) {
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		f.admin.Do("GET", "/admin/workspaces/"+ws+"/roles?limit=1", nil).JSON(t, &page)
		want(t, f.admin.Do("GET", "/admin/workspaces/"+f.workspace()+"/roles?cursor="+page.NextCursor, nil), 400, "Invalid cursor")
	})
}

func TestRolePagination(t *testing.T) {
	f := setup(t)
	ws := f.workspace()
	for i := range 5 {
		f.admin.Role(ws, fmt.Sprint("Role ", i))
	}
	var names []string
	cursor := ""
	for pages := 0; ; pages++ {
		var page struct {
			Items      []struct{ Name string }
			NextCursor *string `json:"next_cursor"`
		}
		res := f.admin.Do("GET", "/admin/workspaces/"+ws+"/roles?limit=2&cursor="+cursor, nil)
		want(t, res, 200)
		res.JSON(t, &page)
		for _, r := range page.Items {
			names = append(names, r.Name)
		}
		if page.NextCursor == nil || pages > 5 {
			break
		}
		cursor = *page.NextCursor
	}
	if got := strings.Join(names, ","); got != "Role 0,Role 1,Role 2,Role 3,Role 4" {
		t.Errorf("paged roles = %s", got)
	}
}

func TestConcurrentCreatesOfOneRoleName(t *testing.T) {
	f := setup(t)
	ws := f.workspace()
	var wg sync.WaitGroup
	statuses := make(chan int, 10)
	for range 10 {
		wg.Go(func() {
			statuses <- f.admin.Do("POST", "/admin/workspaces/"+ws+"/roles", map[string]any{"name": "Race"}).Status
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != 9 {
		t.Errorf("statuses = %v, want one 201 and nine 409", count)
	}
}

func TestRoleActions(t *testing.T) {
	f := setup(t)
	ws := f.workspace()
	ids := f.register("a:one", "a:two", "a:three")
	rid := f.admin.Role(ws, "R")
	cases := []struct {
		name       string
		ids        any
		wantStatus int
		wantDetail string
	}{
		{"empty", []string{}, 422, "service_action_ids: must have 1 to 40 entries"},
		{"not a uuid", []string{"x"}, 422, "service_action_ids[0]: must be a UUID"},
		{"twice", []string{ids["a:one"], ids["a:one"]}, 422, "service_action_ids[1]: is listed twice"},
		{"unknown", []string{ids["a:one"], "3fa85f64-5717-4562-b3fc-2c963f66afa6"}, 400, "Service action '3fa85f64-5717-4562-b3fc-2c963f66afa6' not found"},
		{"added", []string{ids["a:one"], ids["a:two"]}, 201, ""},
		{"again, with one more", []string{ids["a:two"], strings.ToUpper(ids["a:three"])}, 201, ""},
		{"nothing new", []string{ids["a:one"]}, 201, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.api.Clock.Step() // so that the activity log's order is certain
			want(t, f.admin.Do("POST", "/admin/roles/"+rid+"/actions", map[string]any{"service_action_ids": tc.ids}), tc.wantStatus, tc.wantDetail)
		})
	}
	want(t, f.admin.Do("POST", "/admin/roles/"+uuid.NewString()+"/actions", map[string]any{"service_action_ids": []string{ids["a:one"]}}), 404, "Role not found")

	var page struct {
		Items      []map[string]any
		NextCursor *string `json:"next_cursor"`
	}
	f.admin.Do("GET", "/admin/roles/"+rid+"/actions?limit=2", nil).JSON(t, &page)
	if len(page.Items) != 2 || page.Items[0]["action"] != "a:one" || page.Items[0]["id"] != ids["a:one"] || page.Items[1]["action"] != "a:three" || page.NextCursor == nil {
		t.Fatalf("first page = %v", page)
	}
	f.admin.Do("GET", "/admin/roles/"+rid+"/actions?limit=2&cursor="+*page.NextCursor, nil).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0]["action"] != "a:two" || page.NextCursor != nil {
		t.Errorf("second page = %v", page)
	}
	if r := f.role(ws, rid); r["action_count"] != 3.0 {
		t.Errorf("action_count = %v", r["action_count"])
	}

	f.api.Clock.Step()
	want(t, f.admin.Do("DELETE", "/admin/roles/"+rid+"/actions/"+ids["a:two"], nil), 204)
	want(t, f.admin.Do("DELETE", "/admin/roles/"+rid+"/actions/"+ids["a:two"], nil), 404, "The role does not hold this action")
	want(t, f.admin.Do("DELETE", "/admin/roles/"+rid+"/actions/nope", nil), 404, "The role does not hold this action")
	if r := f.role(ws, rid); r["action_count"] != 2.0 {
		t.Errorf("action_count after removal = %v", r["action_count"])
	}
	f.wantActivity("role", rid, "role.remove_action role.add_actions role.add_actions role.create")
}

func TestRoleMembers(t *testing.T) {
	f := setup(t)
	ws, other := f.workspace(), f.workspace()
	alice, bob := f.member(ws, "Alice"), f.member(ws, "Bob")
	outsider := f.member(other, "Olga")
	rid := f.admin.Role(ws, "R")
	cases := []struct {
		name, user string
		wantStatus int
		wantDetail string
	}{
		{"member", alice, 201, ""},
		{"again", alice, 409, "User '" + alice + "' already holds this role"},
		{"member of another workspace", outsider, 400, "User '" + outsider + "' is not a member of the role's workspace"},
		{"unknown user", uuid.NewString(), 400, ""},
		{"not a uuid", "bob", 400, "User 'bob' is not a member of the role's workspace"},
		{"another member", bob, 201, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.api.Clock.Step() // so that the activity log's order is certain
			res := f.admin.Do("POST", "/admin/roles/"+rid+"/members/"+tc.user, nil)
			if tc.wantDetail == "" {
				want(t, res, tc.wantStatus)
			} else {
				want(t, res, tc.wantStatus, tc.wantDetail)
			}
		})
	}
	var page struct{ Items []map[string]any }
	f.admin.Do("GET", "/admin/roles/"+rid+"/members", nil).JSON(t, &page)
	got := fmt.Sprint(page.Items)
	if len(page.Items) != 2 || !strings.Contains(got, "email:alice@example.com") || !strings.Contains(got, "name:Bob") || !strings.Contains(got, "assigned_by:"+apitest.AdminEmail) {
		t.Errorf("members = %s", got)
	}
	if r := f.role(ws, rid); r["member_count"] != 2.0 {
		t.Errorf("member_count = %v", r["member_count"])
	}
	f.api.Clock.Step()
	want(t, f.admin.Do("DELETE", "/admin/roles/"+rid+"/members/"+alice, nil), 204)
	want(t, f.admin.Do("DELETE", "/admin/roles/"+rid+"/members/"+alice, nil), 404, "The user does not hold this role")
	want(t, f.admin.Do("GET", "/admin/roles/"+uuid.NewString()+"/members", nil), 404, "Role not found")
	if r := f.role(ws, rid); r["member_count"] != 1.0 {
		t.Errorf("member_count after removal = %v", r["member_count"])
	}
	f.wantActivity("role", rid, "role.remove_member role.add_member role.add_member role.create")
	// Every role entry names the role's workspace and the role, so the
	// activity log can name and link it.
	var entries struct {
		Items []struct {
			Action string
			Detail map[string]any
		}
	}
	f.admin.Do("GET", "/admin/activity?target_type=role&target_id="+rid, nil).JSON(t, &entries)
	name := f.role(ws, rid)["name"]
	for _, e := range entries.Items {
		if e.Detail["workspace_id"] != ws || e.Detail["name"] != name {
			t.Errorf("%s detail %v: want workspace_id %s and name %v", e.Action, e.Detail, ws, name)
		}
	}
}

func TestServiceActionsAdmin(t *testing.T) {
	f := setup(t)
	_, billingKey := f.admin.CreateApp("billing")
	f.register("b:x", "a:y")
	want(t, f.api.Key("POST", "/roles/actions/register", billingKey, map[string]any{"service_name": "billing", "actions": []map[string]any{{"action": "pay"}}}), 201)
	list := func(query string) (actions []string, next *string) {
		t.Helper()
		var page struct {
			Items []struct {
				ServiceName string `json:"service_name"`
				Action      string
			}
			NextCursor *string `json:"next_cursor"`
		}
		res := f.admin.Do("GET", "/admin/service-actions?"+query, nil)
		want(t, res, 200)
		res.JSON(t, &page)
		for _, a := range page.Items {
			actions = append(actions, a.ServiceName+"/"+a.Action)
		}
		return actions, page.NextCursor
	}
	if got, _ := list(""); strings.Join(got, " ") != "billing/pay docu-store/a:y docu-store/b:x" {
		t.Errorf("all actions = %v", got)
	}
	if got, _ := list("service_name=docu-store"); strings.Join(got, " ") != "docu-store/a:y docu-store/b:x" {
		t.Errorf("docu-store's actions = %v", got)
	}
	first, next := list("limit=2")
	rest, last := list("limit=2&cursor=" + *next)
	if len(first) != 2 || strings.Join(rest, " ") != "docu-store/b:x" || last != nil {
		t.Errorf("pages = %v, %v", first, rest)
	}
	want(t, f.admin.Do("GET", "/admin/service-actions?service_name=Bad", nil), 422, "service_name: must match ^[a-z][a-z0-9_.-]*$")
	want(t, f.admin.Do("GET", "/admin/service-actions?cursor=e30", nil), 400, "Invalid cursor")
	want(t, f.admin.Do("DELETE", "/admin/service-actions/"+uuid.NewString(), nil), 404, "Service action not found")
	want(t, f.admin.Do("DELETE", "/admin/service-actions/nope", nil), 404, "Service action not found")
}

// Deleting an action takes it out of every role; registering it again
// brings it back unassigned.
func TestDeleteServiceActionRemovesItFromRoles(t *testing.T) {
	f := setup(t)
	ws := f.workspace()
	alice := f.member(ws, "Alice")
	ids := f.register("reports:export", "reports:view")
	r1, r2 := f.admin.Role(ws, "One"), f.admin.Role(ws, "Two")
	f.admin.AddActions(r1, ids["reports:export"], ids["reports:view"])
	f.admin.AddActions(r2, ids["reports:export"])
	f.admin.Assign(r1, alice)
	f.admin.Assign(r2, alice)
	if ok, roles := f.checkAction(alice, ws, "reports:export"); !ok || len(roles) != 2 {
		t.Fatalf("before: %v %v", ok, roles)
	}
	want(t, f.admin.Do("DELETE", "/admin/service-actions/"+ids["reports:export"], nil), 204)
	if ok, roles := f.checkAction(alice, ws, "reports:export"); ok || len(roles) != 0 {
		t.Errorf("after delete: %v %v", ok, roles)
	}
	if ok, _ := f.checkAction(alice, ws, "reports:view"); !ok {
		t.Error("the other action went too")
	}
	if a, b := f.role(ws, r1)["action_count"], f.role(ws, r2)["action_count"]; a != 1.0 || b != 0.0 {
		t.Errorf("action counts = %v, %v", a, b)
	}
	again := f.register("reports:export")
	if again["reports:export"] != ids["reports:export"] {
		t.Errorf("re-registered id %s, want the derived %s", again["reports:export"], ids["reports:export"])
	}
	if ok, _ := f.checkAction(alice, ws, "reports:export"); ok {
		t.Error("re-registering brought the action back into the roles")
	}
	want(t, f.admin.Do("DELETE", "/admin/service-actions/"+ids["reports:view"], nil), 204)
	f.wantActivity("service_action", ids["reports:export"], "service_action.delete")
}

// Removals larger than one transaction run in chunks and leave nothing
// behind: a role with 260 members and 30 actions (seven transactions, more
// than the retry bound, which counts only failed ones), an action in 60
// roles.
func TestLargeRemovalsLeaveNothing(t *testing.T) {
	f := setup(t)
	ws := f.workspace()
	var names []string
	for i := range 30 {
		names = append(names, fmt.Sprint("act:", i))
	}
	ids := f.register(names...)
	var all []string
	for _, id := range ids {
		all = append(all, id)
	}
	big := f.admin.Role(ws, "Big")
	f.admin.AddActions(big, all...)
	var users []string
	for i := range 260 {
		u := f.admin.Member(ws, fmt.Sprint("user", i, "@example.com"), "viewer")
		users = append(users, u)
		f.admin.Assign(big, u)
	}
	shared := ids["act:0"]
	for i := range 60 {
		rid := f.admin.Role(ws, fmt.Sprint("Small ", i))
		f.admin.AddActions(rid, shared)
		f.admin.Assign(rid, users[i])
	}
	want(t, f.admin.Do("DELETE", "/admin/roles/"+big, nil), 204)
	if ok, roles := f.checkAction(users[1], ws, "act:1"); ok {
		t.Errorf("deleted role still grants: %v", roles)
	}
	if ok, roles := f.checkAction(users[1], ws, "act:0"); !ok || len(roles) != 1 {
		t.Errorf("small role lost: %v %v", ok, roles)
	}
	want(t, f.admin.Do("DELETE", "/admin/service-actions/"+shared, nil), 204)
	if ok, _ := f.checkAction(users[1], ws, "act:0"); ok {
		t.Error("deleted action still granted")
	}
	for _, line := range f.items() {
		if strings.Contains(line, big) || strings.HasPrefix(line, "ACTION#"+shared) {
			t.Errorf("left behind: %s", line)
		}
	}
	if r := f.role(ws, f.admin.Role(ws, "Big")); r == nil {
		t.Error("the name of the deleted role is still taken")
	}
}

// The directory's purge hooks: removing a member takes their roles in that
// workspace only; deleting a workspace removes its roles and everything
// hanging off them.
func TestPurges(t *testing.T) {
	f := setup(t)
	ws, other := f.workspace(), f.workspace()
	alice, bob := f.member(ws, "Alice"), f.member(ws, "Bob")
	f.join(other, "Alice")
	ids := f.register("reports:view")
	r1, r2, elsewhere := f.admin.Role(ws, "One"), f.admin.Role(ws, "Two"), f.admin.Role(other, "One")
	for _, rid := range []string{r1, r2, elsewhere} {
		f.admin.AddActions(rid, ids["reports:view"])
		f.admin.Assign(rid, alice)
	}
	f.admin.Assign(r1, bob)
	before := f.items()
	ctx := t.Context()

	if err := f.api.Deps.RBAC.PurgeMember(ctx, ws, alice); err != nil {
		t.Fatal(err)
	}
	if err := f.api.Deps.RBAC.PurgeMember(ctx, ws, alice); err != nil {
		t.Fatalf("purge is not idempotent: %v", err)
	}
	if ok, _ := f.checkAction(alice, ws, "reports:view"); ok {
		t.Error("purged member still allowed")
	}
	if ok, _ := f.checkAction(alice, other, "reports:view"); !ok {
		t.Error("the member's roles in another workspace went too")
	}
	if ok, _ := f.checkAction(bob, ws, "reports:view"); !ok {
		t.Error("another member's role went too")
	}
	if a, b := f.role(ws, r1)["member_count"], f.role(ws, r2)["member_count"]; a != 1.0 || b != 0.0 {
		t.Errorf("member counts = %v, %v", a, b)
	}
	if got := len(before) - len(f.items()); got != 4 {
		t.Errorf("purging two assignments removed %d items, want 4", got)
	}

	if err := f.api.Deps.RBAC.PurgeWorkspace(ctx, ws); err != nil {
		t.Fatal(err)
	}
	if err := f.api.Deps.RBAC.PurgeWorkspace(ctx, ws); err != nil {
		t.Fatalf("purge is not idempotent: %v", err)
	}
	for _, line := range f.items() {
		for _, id := range []string{ws, r1, r2} {
			if strings.Contains(line, id) {
				t.Errorf("left behind: %s", line)
			}
		}
	}
	if ok, _ := f.checkAction(alice, other, "reports:view"); !ok {
		t.Error("another workspace's role went too")
	}
	var list struct{ Items []any }
	f.admin.Do("GET", "/admin/workspaces/"+ws+"/roles", nil).JSON(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("roles after purge = %v", list.Items)
	}
	// The action now belongs to one role only.
	want(t, f.admin.Do("DELETE", "/admin/service-actions/"+ids["reports:view"], nil), 204)
	if ok, _ := f.checkAction(alice, other, "reports:view"); ok {
		t.Error("deleted action still granted")
	}
}
