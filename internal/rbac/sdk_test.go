package rbac_test

import (
	"encoding/json"
	"strings"
	"testing"

	"sentinel/internal/apitest"
)

// TestSDKRoleClientWire replays the requests of the original Sentinel
// Python SDK's RoleClient (package sentinel_auth, sdk/src/sentinel_auth/
// roles.py of github.com/sidxz/Sentinel) exactly as it sends them through
// httpx, and reads the answers the way it does:
//
//   - register_actions(actions): POST /roles/actions/register, X-Service-Key
//     only, JSON {"service_name", "actions": [{action, description?}]};
//     raise_for_status, then returns response.json() as is.
//   - check_action(token, action, workspace_id): POST /roles/check-action,
//     X-Service-Key + Authorization: Bearer, JSON {"service_name", "action",
//     "workspace_id": str(uuid)}; returns response.json()["allowed"].
//   - get_user_actions(token, workspace_id): GET /roles/user-actions with
//     params service_name and workspace_id, both headers; returns
//     response.json()["actions"].
//
// httpx adds Accept, Accept-Encoding, Connection and User-Agent, and for
// json= a compact body with Content-Type: application/json.
func TestSDKRoleClientWire(t *testing.T) {
	f := setup(t)
	ws := f.workspace()
	alice := f.member(ws, "Alice")
	token := f.api.UserToken(alice, ws, "editor")
	httpx := func(method, path, body string, bearer bool) *apitest.Response {
		t.Helper()
		h := map[string]string{
			"Accept": "*/*", "Accept-Encoding": "gzip, deflate", "Connection": "keep-alive",
			"User-Agent": "python-httpx/0.28.1", "X-Service-Key": f.key,
		}
		if bearer {
			h["Authorization"] = "Bearer " + token
		}
		req := apitest.Request{Method: method, Path: path, Header: h}
		if body != "" {
			req.Body = body
			h["Content-Type"] = "application/json"
		}
		res := f.api.Do(req)
		if res.Status < 200 || res.Status > 299 { // raise_for_status
			t.Fatalf("%s %s: %d %s", method, path, res.Status, res.Body)
		}
		return res
	}
	sdkJSON := func(res *apitest.Response) any {
		t.Helper()
		var v any
		if err := json.Unmarshal(res.Body, &v); err != nil {
			t.Fatalf("response.json(): %v", err)
		}
		return v
	}

	// await roles.register_actions([{"action": "reports:export", "description": "Export reports as CSV/PDF"}, {"action": "reports:view"}])
	registered := sdkJSON(httpx("POST", "/roles/actions/register",
		`{"service_name":"docu-store","actions":[{"action":"reports:export","description":"Export reports as CSV/PDF"},{"action":"reports:view"}]}`, false))
	list, _ := registered.([]any)
	if len(list) != 2 {
		t.Fatalf("register_actions returned %v", registered)
	}
	exportID := list[0].(map[string]any)["id"].(string)

	checkAction := func(action string) any {
		t.Helper()
		// await roles.check_action(token, action, workspace_id)
		m, _ := sdkJSON(httpx("POST", "/roles/check-action", `{"service_name":"docu-store","action":"`+action+`","workspace_id":"`+ws+`"}`, true)).(map[string]any)
		return m["allowed"]
	}
	userActions := func() any {
		t.Helper()
		// await roles.get_user_actions(token, workspace_id)
		m, _ := sdkJSON(httpx("GET", "/roles/user-actions?service_name=docu-store&workspace_id="+ws, "", true)).(map[string]any)
		return m["actions"]
	}
	if got := checkAction("reports:export"); got != false {
		t.Errorf("check_action before any role = %v, want False", got)
	}
	if got, ok := userActions().([]any); !ok || len(got) != 0 {
		t.Errorf("get_user_actions before any role = %v, want []", got)
	}

	rid := f.admin.Role(ws, "Exporters")
	f.admin.AddActions(rid, exportID)
	f.admin.Assign(rid, alice)
	if got := checkAction("reports:export"); got != true {
		t.Errorf("check_action = %v, want True", got)
	}
	if got := checkAction("reports:view"); got != false {
		t.Errorf("check_action of an action the role lacks = %v, want False", got)
	}
	got, _ := userActions().([]any)
	var names []string
	for _, a := range got {
		s, ok := a.(string)
		if !ok {
			t.Fatalf("get_user_actions item %v is not a str", a)
		}
		names = append(names, s)
	}
	if strings.Join(names, ",") != "reports:export" {
		t.Errorf("get_user_actions = %v, want [reports:export]", names)
	}
}
