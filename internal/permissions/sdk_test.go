package permissions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"

	"sentinel/internal/gateway"
	"sentinel/internal/routes/all"
)

// sdk replays, over real HTTP through the local API gateway (HTTP request →
// API Gateway v2 event → the function's Lambda adapter), exactly what the
// original Sentinel Python SDK's PermissionClient sends: sentinel_auth
// (github.com/sidxz/Sentinel, sdk/src/sentinel_auth/permissions.py). Each
// method builds the same method, path, headers and JSON body (httpx's
// json=, Python's json.dumps) and reads the answer as the SDK does:
// raise_for_status, then the keys it indexes.
type sdk struct {
	t                             *testing.T
	base, serviceName, serviceKey string
}

// call is httpx's request: X-Service-Key always, the bearer token when one
// is passed (_headers), Content-Type only with a JSON body. It answers the
// status and the body.
func (c *sdk) call(method, path, token string, body map[string]any) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		r = strings.NewReader(pyJSON(body))
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("User-Agent", "python-httpx/0.27.2")
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	req.Header.Set("X-Service-Key", c.serviceKey)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// pyJSON writes a flat object as json.dumps does (", " and ": ", keys in
// insertion order — here sorted, which the server cannot tell apart).
func pyJSON(body map[string]any) string {
	b, _ := json.Marshal(body)
	s := strings.ReplaceAll(string(b), `","`, `", "`)
	s = strings.ReplaceAll(s, `":`, `": `)
	return s
}

// sdkError is SentinelError: raise_for_status on a non-2xx answer.
type sdkError struct{ status int }

func (e sdkError) Error() string { return fmt.Sprintf("Sentinel API error: %d", e.status) }

// ok is _check + response.json() for the answers the SDK parses.
func (c *sdk) ok(status int, body []byte) (map[string]any, error) {
	c.t.Helper()
	if status < 200 || status > 299 {
		return nil, sdkError{status}
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		c.t.Fatalf("response.json(): %v (%s)", err, body)
	}
	return m, nil
}

func (c *sdk) resourcePath(typ, rid string) string {
	return fmt.Sprintf("/permissions/resource/%s/%s/%s", c.serviceName, typ, rid)
}

// lookup is the GET by coordinates share, unshare and update_visibility
// make first, then lookup.json()["id"].
func (c *sdk) lookup(typ, rid string) (string, error) {
	m, err := c.ok(c.call("GET", c.resourcePath(typ, rid), "", nil))
	if err != nil {
		return "", err
	}
	return m["id"].(string), nil
}

func (c *sdk) registerResource(typ, rid, ws, owner, visibility string) (map[string]any, error) {
	return c.ok(c.call("POST", "/permissions/register", "", map[string]any{
		"service_name": c.serviceName, "resource_type": typ, "resource_id": rid,
		"workspace_id": ws, "owner_id": owner, "visibility": visibility,
	}))
}

func (c *sdk) deregisterResource(typ, rid string) error {
	status, _ := c.call("DELETE", c.resourcePath(typ, rid), "", nil)
	if status < 200 || status > 299 {
		return sdkError{status}
	}
	return nil
}

func (c *sdk) share(token, typ, rid, granteeType, grantee, level string) (map[string]any, error) {
	id, err := c.lookup(typ, rid)
	if err != nil {
		return nil, err
	}
	return c.ok(c.call("POST", "/permissions/"+id+"/share", token, map[string]any{"grantee_type": granteeType, "grantee_id": grantee, "permission": level}))
}

func (c *sdk) unshare(token, typ, rid, granteeType, grantee, level string) (map[string]any, error) {
	id, err := c.lookup(typ, rid)
	if err != nil {
		return nil, err
	}
	return c.ok(c.call("DELETE", "/permissions/"+id+"/share", token, map[string]any{"grantee_type": granteeType, "grantee_id": grantee, "permission": level}))
}

func (c *sdk) updateVisibility(token, typ, rid, visibility string) (map[string]any, error) {
	id, err := c.lookup(typ, rid)
	if err != nil {
		return nil, err
	}
	return c.ok(c.call("PATCH", "/permissions/"+id+"/visibility", token, map[string]any{"visibility": visibility}))
}

func (c *sdk) getResourceACL(typ, rid string) (map[string]any, error) {
	return c.ok(c.call("GET", c.resourcePath(typ, rid), "", nil))
}

func (c *sdk) getEnrichedResourceACL(typ, rid string) (map[string]any, error) {
	return c.ok(c.call("GET", c.resourcePath(typ, rid)+"/enriched", "", nil))
}

type permissionResult struct {
	serviceName, resourceType, resourceID, action string
	allowed                                       bool
}

// check reads data["results"] and, per result, the five keys, parsing
// resource_id with uuid.UUID.
func (c *sdk) check(token string, checks [][4]string) ([]permissionResult, error) {
	c.t.Helper()
	var items []map[string]any
	for _, ch := range checks {
		items = append(items, map[string]any{"service_name": ch[0], "resource_type": ch[1], "resource_id": ch[2], "action": ch[3]})
	}
	status, body := c.call("POST", "/permissions/check", token, map[string]any{"checks": items})
	if status < 200 || status > 299 {
		return nil, sdkError{status}
	}
	var data struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(body, &data); err != nil || data.Results == nil {
		c.t.Fatalf(`data["results"]: %v (%s)`, err, body)
	}
	var out []permissionResult
	for _, r := range data.Results {
		rid := uuid.MustParse(r["resource_id"].(string)).String()
		out = append(out, permissionResult{r["service_name"].(string), r["resource_type"].(string), rid, r["action"].(string), r["allowed"].(bool)})
	}
	return out, nil
}

func (c *sdk) can(token, typ, rid, action string) (bool, error) {
	results, err := c.check(token, [][4]string{{c.serviceName, typ, rid, action}})
	if err != nil || len(results) == 0 {
		return false, err
	}
	return results[0].allowed, nil
}

// accessible sends limit only when given, and reads resource_ids (each
// parsed as a UUID) and has_full_access.
func (c *sdk) accessible(token, typ, action, ws string, limit int) ([]string, bool, error) {
	payload := map[string]any{"service_name": c.serviceName, "resource_type": typ, "action": action, "workspace_id": ws}
	if limit > 0 {
		payload["limit"] = limit
	}
	m, err := c.ok(c.call("POST", "/permissions/accessible", token, payload))
	if err != nil {
		return nil, false, err
	}
	var ids []string
	for _, id := range m["resource_ids"].([]any) {
		ids = append(ids, uuid.MustParse(id.(string)).String())
	}
	return ids, m["has_full_access"].(bool), nil
}

func TestOriginalSDKWorksUnchanged(t *testing.T) {
	f := newFixture(t)
	local := &gateway.Local{
		Table: all.Routes,
		Build: func(_ context.Context, name string) (gateway.EventHandler, error) {
			h, err := f.Instance(name)
			if err != nil {
				return nil, err
			}
			return gateway.Adapt(h), nil
		},
		Log: slog.New(slog.DiscardHandler),
	}
	srv := httptest.NewServer(local)
	defer srv.Close()
	c := &sdk{t: t, base: strings.TrimRight(srv.URL+"/", "/"), serviceName: "docu-store", serviceKey: f.key} // base_url.rstrip("/")

	owner := f.member(f.ws, "owner")
	viewer := f.member(f.ws, "viewer")
	ownerTok, viewerTok := f.UserToken(owner, f.ws, "editor"), f.UserToken(viewer, f.ws, "viewer")
	docID := uuid.NewString()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	reg, err := c.registerResource("document", docID, f.ws, owner, "workspace")
	must(err)
	again, err := c.registerResource("document", docID, f.ws, owner, "workspace")
	must(err)
	if reg["id"] == nil || again["id"] != reg["id"] {
		t.Errorf("register twice: %v then %v", reg, again)
	}
	acl, err := c.getResourceACL("document", docID)
	must(err)
	if acl["id"] != reg["id"] || len(acl["shares"].([]any)) != 0 {
		t.Errorf("get_resource_acl = %v", acl)
	}

	if ok, _ := c.can(viewerTok, "document", docID, "edit"); ok {
		t.Error("a viewer can edit before any share")
	}
	shared, err := c.share(ownerTok, "document", docID, "user", viewer, "edit")
	must(err)
	if shared["status"] != "ok" {
		t.Errorf("share = %v", shared)
	}
	if ok, err := c.can(viewerTok, "document", docID, "edit"); err != nil || !ok {
		t.Errorf("can edit after an edit share: %v %v", ok, err)
	}
	other := uuid.NewString()
	results, err := c.check(viewerTok, [][4]string{{"docu-store", "document", docID, "view"}, {"docu-store", "document", other, "view"}})
	must(err)
	if len(results) != 2 || !results[0].allowed || results[1].allowed || results[1].resourceID != other || results[0].serviceName != "docu-store" {
		t.Errorf("check = %+v", results)
	}

	ids, full, err := c.accessible(viewerTok, "document", "edit", f.ws, 0)
	must(err)
	if full || len(ids) != 1 || ids[0] != docID {
		t.Errorf("accessible = %v %v", ids, full)
	}
	ids, full, err = c.accessible(f.UserToken(viewer, f.ws, "admin"), "document", "view", f.ws, 0)
	must(err)
	if !full || len(ids) != 0 {
		t.Errorf("accessible for an admin without a limit = %v %v", ids, full)
	}
	ids, full, err = c.accessible(f.UserToken(viewer, f.ws, "admin"), "document", "view", f.ws, 10)
	must(err)
	if !full || len(ids) != 1 {
		t.Errorf("accessible for an admin with a limit = %v %v", ids, full)
	}

	// update_visibility and unshare send the user's token on key-tier
	// routes: it is ignored, even when it is no valid token at all.
	vis, err := c.updateVisibility("not-a-jwt", "document", docID, "private")
	must(err)
	if vis["visibility"] != "private" || vis["id"] != reg["id"] {
		t.Errorf("update_visibility = %v", vis)
	}
	enriched, err := c.getEnrichedResourceACL("document", docID)
	must(err)
	shares := enriched["shares"].([]any)
	if enriched["owner_name"] != "owner" || enriched["owner_email"] != "owner@example.com" || len(shares) != 1 ||
		shares[0].(map[string]any)["grantee_name"] != "viewer" || shares[0].(map[string]any)["granted_by_name"] != "owner" {
		t.Errorf("get_enriched_resource_acl = %v", enriched)
	}
	unshared, err := c.unshare(ownerTok, "document", docID, "user", viewer, "edit")
	must(err)
	if unshared["status"] != "ok" {
		t.Errorf("unshare = %v", unshared)
	}
	if ok, _ := c.can(viewerTok, "document", docID, "view"); ok {
		t.Error("a viewer can view a private resource after the unshare")
	}
	if _, err := c.unshare(ownerTok, "document", docID, "user", viewer, "edit"); err != (sdkError{404}) {
		t.Errorf("unshare again: %v, want a 404 SentinelError", err)
	}

	must(c.deregisterResource("document", docID))
	if _, err := c.getResourceACL("document", docID); err != (sdkError{404}) {
		t.Errorf("get_resource_acl after deregister: %v, want 404", err)
	}
	if err := c.deregisterResource("document", docID); err != (sdkError{404}) {
		t.Errorf("deregister again: %v, want 404", err)
	}
}
