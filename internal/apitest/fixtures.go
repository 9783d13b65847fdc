package apitest

import (
	"testing"
	"time"

	"sentinel/internal/dynamo"
)

// The directory fixtures every area's tests build through the admin API,
// as an admin would: on the deployed-shape stack they go through its
// functions into its real Directory table.

// Must sends an admin request and fails the test unless it answers status.
func (s *Admin) Must(status int, method, path string, body any) *Response {
	s.api.t.Helper()
	res := s.Do(method, path, body)
	if res.Status != status {
		s.api.t.Fatalf("%s %s = %d %s, want %d", method, path, res.Status, res.Body, status)
	}
	return res
}

// Workspace creates a workspace and returns its id.
func (s *Admin) Workspace(name, slug string) string {
	s.api.t.Helper()
	return s.Must(201, "POST", "/admin/workspaces", map[string]any{"name": name, "slug": slug}).Map(s.api.t)["id"].(string)
}

// User creates a user and returns its id.
func (s *Admin) User(email, name string) string {
	s.api.t.Helper()
	return s.Must(201, "POST", "/admin/users", map[string]any{"email": email, "name": name}).Map(s.api.t)["id"].(string)
}

// Member makes the user with email (pre-provisioned when unknown) a member
// of workspace wid with role and returns the user's id.
func (s *Admin) Member(wid, email, role string) string {
	s.api.t.Helper()
	return s.Must(201, "POST", "/admin/workspaces/"+wid+"/members", map[string]any{"email": email, "role": role}).Map(s.api.t)["user_id"].(string)
}

// Group creates a group in workspace wid with the members uids and
// returns its id.
func (s *Admin) Group(wid, name string, uids ...string) string {
	s.api.t.Helper()
	gid := s.Must(201, "POST", "/admin/workspaces/"+wid+"/groups", map[string]any{"name": name}).Map(s.api.t)["id"].(string)
	for _, uid := range uids {
		s.Join(gid, uid)
	}
	return gid
}

// Join adds the user uid (a member of the group's workspace) to group gid.
func (s *Admin) Join(gid, uid string) {
	s.api.t.Helper()
	s.Must(201, "POST", "/admin/groups/"+gid+"/members/"+uid, nil)
}

// Within fails the test unless the API's time at (api.md's format,
// milliseconds) lies between from and to, the times the test read before
// and after the call that set it: in process, where the clock stands
// still, exactly the clock's time; on the deployed-shape stack, where the
// functions run on the wall clock, within the call.
func Within(t testing.TB, what, at string, from, to time.Time) {
	t.Helper()
	got, err := time.Parse(dynamo.TimeFormat, at)
	if err != nil {
		t.Errorf("%s = %q: %v", what, at, err)
		return
	}
	if lo := from.UTC().Truncate(time.Millisecond); got.Before(lo) || got.After(to) {
		t.Errorf("%s = %s, want between %s and %s", what, at, dynamo.FormatTime(lo), dynamo.FormatTime(to))
	}
}

// RegisterActions registers actions of service with the service's key and
// returns their ids by action.
func (a *API) RegisterActions(key, service string, actions ...string) map[string]string {
	a.t.Helper()
	var body []map[string]any
	for _, act := range actions {
		body = append(body, map[string]any{"action": act})
	}
	res := a.Key("POST", "/roles/actions/register", key, map[string]any{"service_name": service, "actions": body})
	if res.Status != 201 {
		a.t.Fatalf("register %v: %d %s", actions, res.Status, res.Body)
	}
	var out []struct{ ID, Action string }
	res.JSON(a.t, &out)
	ids := map[string]string{}
	for _, r := range out {
		ids[r.Action] = r.ID
	}
	return ids
}

// Role creates a role in workspace wid and returns its id.
func (s *Admin) Role(wid, name string) string {
	s.api.t.Helper()
	return s.Must(201, "POST", "/admin/workspaces/"+wid+"/roles", map[string]any{"name": name}).Map(s.api.t)["id"].(string)
}

// AddActions adds service actions (by id) to role rid.
func (s *Admin) AddActions(rid string, ids ...string) {
	s.api.t.Helper()
	s.Must(201, "POST", "/admin/roles/"+rid+"/actions", map[string]any{"service_action_ids": ids})
}

// Assign gives role rid to the user uid.
func (s *Admin) Assign(rid, uid string) {
	s.api.t.Helper()
	s.Must(201, "POST", "/admin/roles/"+rid+"/members/"+uid, nil)
}
