package authtier_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"sentinel/internal/apitest"
	"sentinel/internal/authtier"
	"sentinel/internal/directory"
	"sentinel/internal/identity"
	"sentinel/internal/token"
	"sentinel/internal/web"
)

// testRoutes serves the dual and origin tiers through test routes (their
// public endpoints arrive with later issues).
func testRoutes(api *apitest.API) http.Handler {
	echo := web.Func(func(r *http.Request) (int, any, error) {
		s, _ := identity.ServiceFrom(r.Context())
		out := map[string]any{"service": s.ServiceName, "via_origin": s.ViaOrigin}
		if u, ok := identity.UserFrom(r.Context()); ok {
			out["user"], out["wid"], out["role"], out["groups"] = u.ID, u.WorkspaceID, u.Role, u.Groups
		}
		if scope := r.URL.Query().Get("scope"); scope != "" {
			if err := authtier.RequireScope(r.Context(), scope); err != nil {
				return 0, nil, err
			}
		}
		return 200, out, nil
	})
	rt := &web.Router{}
	rt.Handle("GET", "/dual", api.Deps.Auth.Dual(echo))
	rt.Handle("GET", "/origin", api.Deps.Auth.KeyOrOrigin(echo))
	return web.Middleware(rt)
}

func call(h http.Handler, path string, header map[string]string) *apitest.Response {
	r := httptest.NewRequest("GET", path, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return &apitest.Response{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
}

func TestDualTier(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	docs, key := admin.CreateApp("docu-store")
	_, otherKey := admin.CreateApp("billing")
	h := testRoutes(api)
	user := api.UserToken("u1", "w1", "editor", "g1")
	authzFor := func(appID, svc string) string {
		c := token.Authz("u1", "idp-u1", appID, svc, "w1", "acme", "viewer", nil, nil)
		tok, err := api.Deps.Keys.User.Sign(c, api.Clock.Now(), 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	authz := func(svc string) string { return authzFor(docs, svc) }
	cases := []struct {
		name       string
		header     map[string]string
		wantStatus int
		wantDetail string
	}{
		{"key and access token", map[string]string{"X-Service-Key": key, "Authorization": "Bearer " + user}, 200, ""},
		{"authz token for this service", map[string]string{"X-Service-Key": key, "Authorization": "Bearer " + authz("docu-store")}, 200, ""},
		{"authz token replayed by another service", map[string]string{"X-Service-Key": otherKey, "Authorization": "Bearer " + authz("docu-store")}, 401, "Invalid user token: issued for another service"},
		// The service name alone does not do: a deleted app's tokens (or
		// tokens naming no app) are not the new app's (issue 17 item 7).
		{"authz token of another app with this service name", map[string]string{"X-Service-Key": key, "Authorization": "Bearer " + authzFor("8f8c6d5e-0000-4000-8000-000000000001", "docu-store")}, 401, "Invalid user token: issued for another service"},
		{"authz token naming no app", map[string]string{"X-Service-Key": key, "Authorization": "Bearer " + authzFor("", "docu-store")}, 401, "Invalid user token: issued for another service"},
		{"no token", map[string]string{"X-Service-Key": key}, 401, "Missing bearer token"},
		{"token without key", map[string]string{"Authorization": "Bearer " + user}, 401, "Invalid or missing service API key"},
		{"origin instead of key", map[string]string{"Origin": "http://localhost:3000", "Authorization": "Bearer " + user}, 401, "Invalid or missing service API key"},
		{"bad token", map[string]string{"X-Service-Key": key, "Authorization": "Bearer x.y.z"}, 401, "Invalid user token: malformed token"},
		{"basic auth", map[string]string{"X-Service-Key": key, "Authorization": "Basic dXNlcjpwYXNz"}, 401, "Missing bearer token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := call(h, "/dual", tc.header)
			if res.Status != tc.wantStatus || (tc.wantDetail != "" && res.Detail(t) != tc.wantDetail) {
				t.Errorf("got %d %s, want %d %q", res.Status, res.Body, tc.wantStatus, tc.wantDetail)
			}
		})
	}
	res := call(h, "/dual", map[string]string{"X-Service-Key": key, "Authorization": "Bearer " + user})
	if m := res.Map(t); m["user"] != "u1" || m["wid"] != "w1" || m["role"] != "editor" || m["service"] != "docu-store" {
		t.Errorf("identity = %v", m)
	}
	// Scope: a body naming another service is refused.
	res = call(h, "/dual?scope=billing", map[string]string{"X-Service-Key": key, "Authorization": "Bearer " + user})
	if res.Status != 403 || res.Detail(t) != "Service key is not authorized for service 'billing'" {
		t.Errorf("scope: got %d %s", res.Status, res.Body)
	}
}

func TestOriginTierAndKeyBeatsOrigin(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	id, key := admin.CreateApp("docu-store", "http://localhost:3000")
	_, otherKey := admin.CreateApp("billing")
	h := testRoutes(api)
	cases := []struct {
		name        string
		header      map[string]string
		wantStatus  int
		wantService string
		wantOrigin  bool
	}{
		{"allowed origin", map[string]string{"Origin": "http://localhost:3000"}, 200, "docu-store", true},
		{"trailing slash is another origin", map[string]string{"Origin": "http://localhost:3000/"}, 401, "", false},
		{"other port", map[string]string{"Origin": "http://localhost:3001"}, 401, "", false},
		{"null origin", map[string]string{"Origin": "null"}, 401, "", false},
		{"origin too long to be a key", map[string]string{"Origin": "https://" + strings.Repeat("a", 2025) + ".example.com"}, 401, "", false},
		{"no origin", nil, 401, "", false},
		{"key beats origin", map[string]string{"Origin": "http://localhost:3000", "X-Service-Key": otherKey}, 200, "billing", false},
		{"invalid key beats a good origin", map[string]string{"Origin": "http://localhost:3000", "X-Service-Key": "sk_test_bad"}, 401, "", false},
		{"empty key header still decides", map[string]string{"Origin": "http://localhost:3000", "X-Service-Key": ""}, 401, "", false},
		{"key alone", map[string]string{"X-Service-Key": key}, 200, "docu-store", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/origin", nil)
			for k, v := range tc.header {
				r.Header[http.CanonicalHeaderKey(k)] = []string{v}
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.wantStatus {
				t.Fatalf("got %d %s, want %d", w.Code, w.Body, tc.wantStatus)
			}
			if tc.wantStatus == 200 {
				body := w.Body.String()
				if !strings.Contains(body, `"service":"`+tc.wantService+`"`) || strings.Contains(body, `"via_origin":true`) != tc.wantOrigin {
					t.Errorf("body = %s", body)
				}
			}
		})
	}
	// Deactivating the app stops its origin within the cache bound.
	admin.Do("PATCH", "/admin/service-apps/"+id, map[string]any{"is_active": false})
	api.Clock.Advance(authtier.CacheTTL)
	if res := call(h, "/origin", map[string]string{"Origin": "http://localhost:3000"}); res.Status != 401 {
		t.Errorf("origin of a deactivated app: %d", res.Status)
	}
}

type inactiveUsers map[string]bool

func (u inactiveUsers) Active(_ context.Context, id string) (bool, error) { return !u[id], nil }

func (u inactiveUsers) MemberGroups(context.Context, string, string) ([]string, bool, error) {
	return nil, true, nil
}

// A deactivated user's tokens are refused (the directory supplies Users).
func TestDeactivatedUserRefused(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	api.Deps.Auth = authtier.New(api.Deps.Apps, api.Deps.Keys.User, inactiveUsers{"gone": true}, nil, api.Clock.Now)
	h := testRoutes(api)
	res := call(h, "/dual", map[string]string{"X-Service-Key": key, "Authorization": "Bearer " + api.UserToken("gone", "w1", "owner")})
	if res.Status != 401 || res.Detail(t) != "Invalid user token: user is deactivated" {
		t.Errorf("got %d %s", res.Status, res.Body)
	}
}

// BenchmarkKeyTier measures the service-key middleware on a warm cache
// (the common case: zero DynamoDB calls).
func BenchmarkKeyTier(b *testing.B) {
	api := apitest.New(b)
	admin := api.SignIn()
	_, key := admin.CreateApp("bench")
	h := api.Deps.Auth.KeyOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	r := httptest.NewRequest("GET", "/service/whoami", nil)
	r.Header.Set("X-Service-Key", key)
	h.ServeHTTP(httptest.NewRecorder(), r)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}

// BenchmarkDualTier adds the user token, seen before: answered from the
// tier's verified-token cache, not verified again (BenchmarkVerify in
// internal/token compares the two).
func BenchmarkDualTier(b *testing.B) {
	api := apitest.New(b)
	admin := api.SignIn()
	_, key := admin.CreateApp("bench")
	h := api.Deps.Auth.Dual(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	r := httptest.NewRequest("GET", "/dual", nil)
	r.Header.Set("X-Service-Key", key)
	r.Header.Set("Authorization", "Bearer "+api.UserToken("u1", "w1", "viewer"))
	h.ServeHTTP(httptest.NewRecorder(), r)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}

// A user in more groups than a token carries: the token holds the first
// token.MaxGroups and says so; the dual tier reads all of them from the
// directory, and refuses the token once the user has left the workspace.
func TestTruncatedGroupsReadFromDirectory(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	h := testRoutes(api)
	dir, ctx := api.Deps.Directory, t.Context()
	ws, err := dir.CreateWorkspace(ctx, directory.NewWorkspace{Name: "Acme", Slug: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := dir.AddMember(ctx, ws.ID, "ada@example.com", "viewer")
	if err != nil {
		t.Fatal(err)
	}
	var groups []string
	for i := range token.MaxGroups + 5 {
		g, err := dir.CreateGroup(ctx, ws.ID, directory.NewGroup{Name: fmt.Sprintf("Group %02d", i)})
		if err == nil {
			_, err = dir.AddGroupMember(ctx, g.ID, m.UserID)
		}
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, g.ID)
	}
	tok := api.UserToken(m.UserID, ws.ID, "viewer", groups...)
	c, err := api.Deps.Keys.User.Verify(tok, api.Clock.Now(), token.AudAccess)
	if err != nil || len(c.Groups) != token.MaxGroups || !c.GroupsTruncated {
		t.Fatalf("token: %v, %d groups, truncated %v", err, len(c.Groups), c.GroupsTruncated)
	}
	header := map[string]string{"X-Service-Key": key, "Authorization": "Bearer " + tok}
	res := call(h, "/dual", header)
	var got struct{ Groups []string }
	res.JSON(t, &got)
	if res.Status != 200 || !slices.Equal(slices.Sorted(slices.Values(got.Groups)), slices.Sorted(slices.Values(groups))) {
		t.Errorf("dual tier: %d, %d groups, want all %d", res.Status, len(got.Groups), len(groups))
	}
	if err := dir.RemoveMember(ctx, ws.ID, m.UserID); err != nil {
		t.Fatal(err)
	}
	api.Clock.Advance(authtier.CacheTTL)
	if res := call(h, "/dual", header); res.Status != 401 || res.Detail(t) != "Invalid user token: user is no longer a member of the workspace" {
		t.Errorf("after leaving: %d %s", res.Status, res.Body)
	}
}
