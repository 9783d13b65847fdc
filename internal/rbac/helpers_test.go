package rbac_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"sentinel/internal/apitest"
	"sentinel/internal/directorytest"
)

// fixture is the API with a fake directory, a signed-in admin and the
// service app "docu-store".
type fixture struct {
	t     *testing.T
	api   *apitest.API
	admin *apitest.Admin
	dir   *directorytest.Fake
	key   string
}

func setup(t *testing.T) *fixture {
	t.Helper()
	api := apitest.NewInProcess(t, "a fake directory stands in for the Directory area")
	dir := directorytest.New()
	api.Deps.RBAC.Directory = dir
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	return &fixture{t: t, api: api, admin: admin, dir: dir, key: key}
}

// want fails the test unless res has the status (and detail, when given).
func want(t *testing.T, res *apitest.Response, status int, detail ...string) {
	t.Helper()
	if res.Status != status || (len(detail) > 0 && res.Detail(t) != detail[0]) {
		t.Fatalf("got %d %s, want %d %v", res.Status, res.Body, status, detail)
	}
}

// register registers actions of docu-store and returns their ids by name.
func (f *fixture) register(actions ...string) map[string]string {
	f.t.Helper()
	var body []map[string]any
	for _, a := range actions {
		body = append(body, map[string]any{"action": a})
	}
	res := f.api.Key("POST", "/roles/actions/register", f.key, map[string]any{"service_name": "docu-store", "actions": body})
	want(f.t, res, 201)
	var out []struct{ ID, Action string }
	res.JSON(f.t, &out)
	ids := map[string]string{}
	for _, a := range out {
		ids[a.Action] = a.ID
	}
	return ids
}

func (f *fixture) createRole(wid, name string) string {
	f.t.Helper()
	res := f.admin.Do("POST", "/admin/workspaces/"+wid+"/roles", map[string]any{"name": name})
	want(f.t, res, 201)
	return res.Map(f.t)["id"].(string)
}

func (f *fixture) addActions(rid string, ids ...string) {
	f.t.Helper()
	want(f.t, f.admin.Do("POST", "/admin/roles/"+rid+"/actions", map[string]any{"service_action_ids": ids}), 201)
}

func (f *fixture) assign(rid, uid string) {
	f.t.Helper()
	want(f.t, f.admin.Do("POST", "/admin/roles/"+rid+"/members/"+uid, nil), 201)
}

// dual calls a dual-tier route as uid in wid.
func (f *fixture) dual(method, path, uid, wid string, body any) *apitest.Response {
	f.t.Helper()
	return f.api.Do(apitest.Request{Method: method, Path: path, Body: body, Header: map[string]string{
		"X-Service-Key": f.key, "Authorization": "Bearer " + f.api.UserToken(uid, wid, "viewer"),
	}})
}

// checkAction answers whether uid may do action in wid, and through which roles.
func (f *fixture) checkAction(uid, wid, action string) (bool, []string) {
	f.t.Helper()
	res := f.dual("POST", "/roles/check-action", uid, wid, map[string]any{"service_name": "docu-store", "action": action, "workspace_id": wid})
	want(f.t, res, 200)
	var d struct {
		Allowed bool
		Roles   []string
	}
	res.JSON(f.t, &d)
	return d.Allowed, d.Roles
}

func (f *fixture) role(wid, rid string) map[string]any {
	f.t.Helper()
	var page struct{ Items []map[string]any }
	res := f.admin.Do("GET", "/admin/workspaces/"+wid+"/roles?limit=100", nil)
	want(f.t, res, 200)
	res.JSON(f.t, &page)
	for _, r := range page.Items {
		if r["id"] == rid {
			return r
		}
	}
	return nil
}

// items dumps the RBAC table as "pk sk" lines, sorted (tests may Scan;
// request paths may not).
func (f *fixture) items() []string {
	f.t.Helper()
	out, err := f.api.Env.Client.Scan(f.t.Context(), &dynamodb.ScanInput{TableName: aws.String(f.api.Env.Names["RBAC"])})
	if err != nil {
		f.t.Fatal(err)
	}
	var items []struct {
		PK string `dynamodbav:"pk"`
		SK string `dynamodbav:"sk"`
	}
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil {
		f.t.Fatal(err)
	}
	var lines []string
	for _, it := range items {
		lines = append(lines, fmt.Sprintf("%s %s", it.PK, it.SK))
	}
	sort.Strings(lines)
	return lines
}

// wantActivity checks the actions recorded for a target, newest first,
// each by the test admin.
func (f *fixture) wantActivity(targetType, id, want string) {
	f.t.Helper()
	var page struct {
		Items []struct{ Action, Actor string }
	}
	f.admin.Do("GET", "/admin/activity?target_type="+targetType+"&target_id="+id, nil).JSON(f.t, &page)
	var actions []string
	for _, e := range page.Items {
		if e.Actor != apitest.AdminEmail {
			f.t.Errorf("entry %s has actor %q", e.Action, e.Actor)
		}
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); got != want {
		f.t.Errorf("activity of %s %s = %s, want %s", targetType, id, got, want)
	}
}
