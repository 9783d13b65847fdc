package authz_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sentinel/internal/apitest"
	"sentinel/internal/authz"
	"sentinel/internal/config"
	"sentinel/internal/devidp"
	"sentinel/internal/dynamo"
	"sentinel/internal/idp"
	"sentinel/internal/idptest"
	"sentinel/internal/routes/all"
	"sentinel/internal/routes/authzroutes"
	"sentinel/internal/token"
)

// provider is the name the tests' IdP is registered under: the dev IdP's,
// as on the deployed-shape stack.
const provider = devidp.ProviderName

// env is the API with a test IdP registered as provider, and one app,
// docs, allowed from docsOrigin. dir and rbac are set when fakes stand in
// for the directory and RBAC (setupFakes).
type env struct {
	api     *apitest.API
	admin   *apitest.Admin
	iss     *idptest.Issuer
	dir     *fakeDirectory
	rbac    *fakeRBAC
	docsKey string
	// docsOrigin is docs' origin, this test's own (apitest.API.Origin).
	docsOrigin string
}

// setup builds the env on the real stores: on the deployed-shape stack
// when the suite runs there (`make deployed-test`), where the IdP is the
// stack's dev IdP over HTTPS and each resolve fetches its keys as a
// deployed function does.
func setup(t *testing.T) *env {
	t.Helper()
	api, iss := apitest.NewWithIdP(t)
	return newEnv(api, iss)
}

// setupFakes builds the env in process with fake directory and RBAC, for
// tests that look inside them or make them fail.
func setupFakes(t *testing.T, opts ...apitest.Option) *env {
	t.Helper()
	iss := idptest.New(t)
	register := func(c *config.Config) {
		c.OIDCProviders = map[string]config.OIDCProvider{provider: iss.Provider(idptest.Audience)}
		c.AuthzRateLimit = 1000 // the rate limit has its own test
	}
	api := apitest.NewInProcess(t, "fake directory and RBAC stand in for the stores", append([]apitest.Option{register}, opts...)...)
	e := newEnv(api, iss)
	e.dir, e.rbac = newFakeDirectory(), &fakeRBAC{}
	apitest.Provide[authz.Directory](api, authzroutes.Directory, e.dir)
	apitest.Provide[authz.RBAC](api, authzroutes.RBAC, e.rbac)
	return e
}

func newEnv(api *apitest.API, iss *idptest.Issuer) *env {
	e := &env{api: api, iss: iss, docsOrigin: api.Origin("docs")}
	e.admin = api.SignIn()
	_, e.docsKey = e.admin.CreateApp("docs", e.docsOrigin)
	return e
}

// idToken is a valid test IdP token for email, changed by change.
func (e *env) idToken(t *testing.T, email string, change ...func(jwt.MapClaims)) string {
	t.Helper()
	claims := e.iss.Claims(email, e.api.Clock.Now())
	for _, c := range change {
		c(claims)
	}
	return e.iss.Token(t, claims)
}

func (e *env) resolve(header map[string]string, body any) *apitest.Response {
	return e.api.Do(apitest.Request{Method: "POST", Path: "/authz/resolve", Body: body, Header: header})
}

func fromOrigin(origin string) map[string]string { return map[string]string{"Origin": origin} }

func resolveBody(idToken string, workspaceID ...string) map[string]any {
	b := map[string]any{"idp_token": idToken, "provider": provider}
	if len(workspaceID) > 0 {
		b["workspace_id"] = workspaceID[0]
	}
	return b
}

// POST /authz/resolve, section 7: a new user is created just in time and
// sees no workspaces; once a member, the user gets the workspace list and,
// for a workspace, an authz token with the membership, groups and actions.
// On the real directory and RBAC, filled through the admin API.
func TestResolveProvisionsAndGrants(t *testing.T) {
	e := setup(t)
	tok := e.idToken(t, "Ada@Example.com")

	res := e.resolve(fromOrigin(e.docsOrigin), resolveBody(tok))
	if res.Status != 200 {
		t.Fatalf("first resolve = %d %s", res.Status, res.Body)
	}
	var first struct {
		User       map[string]string `json:"user"`
		Workspaces []any             `json:"workspaces"`
	}
	res.JSON(t, &first)
	users := e.users(t, "ada@example.com")
	if len(users) != 1 || users[0]["email"] != "ada@example.com" {
		t.Fatalf("users = %v, want one created for ada@example.com (emails are stored lowercased)", users)
	}
	ada := users[0]["id"].(string)
	if want := map[string]string{"id": ada, "email": "ada@example.com", "name": "Test User"}; !reflect.DeepEqual(first.User, want) {
		t.Errorf("user = %v, want %v", first.User, want)
	}
	if first.Workspaces == nil || len(first.Workspaces) != 0 {
		t.Errorf("workspaces = %s, want []", res.Body)
	}

	acme := e.admin.Workspace("Acme", "acme")
	e.admin.Member(acme, "ada@example.com", "editor")
	groups := []string{e.admin.Group(acme, "g1", ada), e.admin.Group(acme, "g2", ada)}
	slices.Sort(groups)
	e.grant(t, e.docsKey, "docs", acme, ada, "doc:read", "doc:write")
	_, billingKey := e.admin.CreateApp("billing")
	e.grant(t, billingKey, "billing", acme, ada, "invoice:pay")

	// Found again by its identity: the same user, not a second one.
	res = e.resolve(fromOrigin(e.docsOrigin), resolveBody(tok))
	if res.Status != 200 || !strings.Contains(string(res.Body), `"workspaces":[{"id":"`+acme+`","name":"Acme","slug":"acme","role":"editor"}]`) {
		t.Errorf("resolve without workspace_id = %d %s", res.Status, res.Body)
	}
	if n := len(e.users(t, "ada@example.com")); n != 1 {
		t.Errorf("%d users for ada@example.com after a second sign-in, want 1", n)
	}

	res = e.resolve(fromOrigin(e.docsOrigin), resolveBody(tok, acme))
	if res.Status != 200 {
		t.Fatalf("resolve with workspace_id = %d %s", res.Status, res.Body)
	}
	var grant struct {
		User       map[string]string `json:"user"`
		Workspace  map[string]string `json:"workspace"`
		AuthzToken string            `json:"authz_token"`
		ExpiresIn  int               `json:"expires_in"`
	}
	res.JSON(t, &grant)
	if grant.User["id"] != ada || !reflect.DeepEqual(grant.Workspace, map[string]string{"id": acme, "slug": "acme", "role": "editor"}) || grant.ExpiresIn != 300 {
		t.Errorf("grant = %s", res.Body)
	}
	c, err := e.api.Deps.Keys.User.Verify(grant.AuthzToken, e.api.Clock.Now(), token.AudAuthz)
	if err != nil {
		t.Fatalf("authz token does not verify: %v", err)
	}
	sub := e.iss.Claims("Ada@Example.com", e.api.Clock.Now())["sub"].(string)
	if c.Type != "authz" || c.Subject != ada || c.IdPSub != sub || c.Svc != "docs" || c.WID != acme || c.WSlug != "acme" || c.WRole != "editor" ||
		!reflect.DeepEqual(c.Groups, groups) || !reflect.DeepEqual(c.Actions, []string{"doc:read", "doc:write"}) ||
		c.Issuer != e.api.Config.Issuer || c.ID == "" || c.ExpiresAt.Sub(c.IssuedAt.Time) != 5*time.Minute {
		t.Errorf("claims = %+v, want groups %v", c, groups)
	}

	// Not a member, or no such workspace: the same 403.
	other := e.admin.Workspace("Other", "other")
	for _, wid := range []string{other, "00000000-0000-4000-8000-000000000000"} {
		if res := e.resolve(fromOrigin(e.docsOrigin), resolveBody(tok, wid)); res.Status != 403 || res.Detail(t) != "User is not a member of this workspace" {
			t.Errorf("workspace %s: %d %s, want 403", wid, res.Status, res.Body)
		}
	}
	// A user an admin created (no IdP identity yet) is found by the
	// verified email and linked, not duplicated.
	bob := e.admin.User("bob@example.com", "Bob")
	res = e.resolve(fromOrigin(e.docsOrigin), resolveBody(e.idToken(t, " BOB@example.com ", func(c jwt.MapClaims) { c["sub"] = "bob-sub" })))
	if res.Status != 200 || res.Map(t)["user"].(map[string]any)["id"] != bob {
		t.Errorf("resolve as Bob = %d %s, want Bob (%s)", res.Status, res.Body, bob)
	}
	if n := len(e.users(t, "bob@example.com")); n != 1 {
		t.Errorf("%d users for bob@example.com, want 1", n)
	}
	// A deactivated user: 403, whatever is asked.
	e.admin.Must(200, "PATCH", "/admin/users/"+ada, map[string]any{"is_active": false})
	for _, body := range []map[string]any{resolveBody(tok), resolveBody(tok, acme)} {
		if res := e.resolve(fromOrigin(e.docsOrigin), body); res.Status != 403 || res.Detail(t) != "User is deactivated" {
			t.Errorf("inactive user: %d %s, want 403", res.Status, res.Body)
		}
	}
}

// A user an admin created (no IdP identity yet) is found by the verified
// email and linked, not duplicated; a lost race to a concurrent first
// sign-in is retried.
func TestResolveLinksByVerifiedEmail(t *testing.T) {
	e := setupFakes(t)
	bob := e.dir.addUser("bob@example.com", "Bob")
	res := e.resolve(fromOrigin(e.docsOrigin), resolveBody(e.idToken(t, " BOB@example.com ", func(c jwt.MapClaims) { c["sub"] = "bob-sub" })))
	if res.Status != 200 || res.Map(t)["user"].(map[string]any)["id"] != bob.ID {
		t.Fatalf("resolve = %d %s, want Bob (%s)", res.Status, res.Body, bob.ID)
	}
	if e.dir.linkedTo(provider, "bob-sub") != bob.ID {
		t.Error("identity not linked to Bob")
	}
	if got := strings.Join(e.dir.calls, ","); strings.Contains(got, "CreateUser") || !strings.Contains(got, "UserByEmail bob@example.com") {
		t.Errorf("directory calls %s: want a lookup by the lowercased email and no create", got)
	}

	// Two first sign-ins at once: this one loses the create and finds the
	// winner's user by identity.
	e.dir.raceCreates = 1
	res = e.resolve(fromOrigin(e.docsOrigin), resolveBody(e.idToken(t, "carol@example.com", func(c jwt.MapClaims) { delete(c, "name") })))
	carol, _ := e.dir.userByEmail("carol@example.com")
	if res.Status != 200 || res.Map(t)["user"].(map[string]any)["id"] != carol.ID {
		t.Errorf("resolve after a lost race = %d %s", res.Status, res.Body)
	}
	if carol.Name != "carol" {
		t.Errorf("name without a name claim = %q, want the email's local part", carol.Name)
	}
}

// A user found without a name (an admin pre-provisioned the email) gets
// the name the IdP token carries, whether found by identity or linked by
// email; a name is never replaced, and a refusable or failed one leaves
// the sign-in alone.
func TestResolveFillsAMissingName(t *testing.T) {
	e := setupFakes(t)
	const none = "\x00" // no name claim at all
	tests := []struct {
		name    string
		stored  string // the user's name before the sign-in
		linked  bool   // found by identity (else linked by the email)
		claim   string // the token's name claim
		active  bool
		fail    error // what SetName answers
		status  int
		want    string // the user's name after
		setName bool   // whether SetName is called
	}{
		{"linked by email, no name", "", false, "Ada Lovelace", true, nil, 200, "Ada Lovelace", true},
		{"found by identity, no name", "", true, "Ada Lovelace", true, nil, 200, "Ada Lovelace", true},
		{"linked by email, named", "Bob", false, "Robert", true, nil, 200, "Bob", false},
		{"found by identity, named", "Bob", true, "Robert", true, nil, 200, "Bob", false},
		{"no name claim", "", false, none, true, nil, 200, "", false},
		{"a blank name claim", "", true, "  ", true, nil, 200, "", false},
		{"a name claim too long", "", true, strings.Repeat("x", 256), true, nil, 200, "", false},
		{"deactivated", "", true, "Ada Lovelace", false, nil, 403, "", false},
		{"setting it fails", "", true, "Ada Lovelace", true, errors.New("boom"), 200, "", true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			email, sub := fmt.Sprintf("user%d@example.com", i), fmt.Sprint("sub-", i)
			u := e.dir.addUser(email, tt.stored)
			if tt.linked {
				if err := e.dir.LinkIdentity(t.Context(), u.ID, provider, sub); err != nil {
					t.Fatal(err)
				}
			}
			e.dir.setActive(u.ID, tt.active)
			e.dir.mu.Lock()
			e.dir.calls, e.dir.writes, e.dir.failSetName = nil, nil, tt.fail
			e.dir.mu.Unlock()
			tok := e.idToken(t, email, func(c jwt.MapClaims) {
				c["sub"], c["name"] = sub, tt.claim
				if tt.claim == none {
					delete(c, "name")
				}
			})
			res := e.resolve(fromOrigin(e.docsOrigin), resolveBody(tok))
			if res.Status != tt.status {
				t.Fatalf("resolve = %d %s, want %d", res.Status, res.Body, tt.status)
			}
			if got, _ := e.dir.userByEmail(email); got.Name != tt.want {
				t.Errorf("stored name = %q, want %q", got.Name, tt.want)
			}
			if tt.status == 200 {
				if got := res.Map(t)["user"].(map[string]any)["name"]; got != tt.want {
					t.Errorf("answered name = %q, want %q", got, tt.want)
				}
			}
			// Each change names the calling service's authz mode as its actor.
			var want []string
			if !tt.linked {
				want = append(want, "LinkIdentity by authz:docs")
			}
			if tt.setName {
				want = append(want, "SetName by authz:docs")
			}
			if !slices.Equal(e.dir.writes, want) {
				t.Errorf("writes = %v, want %v", e.dir.writes, want)
			}
		})
	}

	// A first sign-in creates the user, with the same actor.
	e.dir.writes = nil
	if res := e.resolve(fromOrigin(e.docsOrigin), resolveBody(e.idToken(t, "new@example.com"))); res.Status != 200 {
		t.Fatalf("first sign-in = %d %s", res.Status, res.Body)
	}
	if want := []string{"CreateUser by authz:docs"}; !slices.Equal(e.dir.writes, want) {
		t.Errorf("writes = %v, want %v", e.dir.writes, want)
	}
}

// Each IdP failure is a 400 with its reason; schema errors are 422s.
func TestResolveRefusals(t *testing.T) {
	e := setup(t)
	now := e.api.Clock.Now()
	stranger := idptest.NewKey(t)
	forgedTok := idptest.Sign(t, jwt.SigningMethodRS256, stranger.Private, stranger.ID, e.iss.Claims("ada@example.com", now))
	valid := e.idToken(t, "ada@example.com")
	parts := strings.Split(valid, ".")
	badSig := parts[0] + "." + parts[1] + "." + strings.Split(forgedTok, ".")[2]

	tests := []struct {
		name   string
		body   any
		status int
		detail string
	}{
		{"expired", resolveBody(e.idToken(t, "ada@example.com", func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Second).Unix() })), 400, "IdP token has expired"},
		{"bad signature", resolveBody(badSig), 400, "IdP token signature is invalid"},
		{"issued in the future", resolveBody(e.idToken(t, "ada@example.com", func(c jwt.MapClaims) { c["iat"] = now.Add(2 * time.Minute).Unix() })), 400, "IdP token is issued in the future"},
		{"older than max_age", resolveBody(e.idToken(t, "ada@example.com", func(c jwt.MapClaims) { c["iat"] = now.Add(-61 * time.Minute).Unix() })), 400, "IdP token is too old; sign in again"},
		{"unknown key", resolveBody(forgedTok), 400, "IdP token is signed with a key the provider does not publish"},
		{"wrong audience", resolveBody(e.idToken(t, "ada@example.com", func(c jwt.MapClaims) { c["aud"] = "someone-else" })), 400, "IdP token has the wrong audience"},
		{"wrong issuer", resolveBody(e.idToken(t, "ada@example.com", func(c jwt.MapClaims) { c["iss"] = "https://accounts.google.com" })), 400, "IdP token has the wrong issuer"},
		{"email not verified", resolveBody(e.idToken(t, "ada@example.com", func(c jwt.MapClaims) { c["email_verified"] = false })), 400, "IdP token email is not verified"},
		{"unknown provider", map[string]any{"idp_token": valid, "provider": "google"}, 400, "Unknown identity provider 'google'"},
		{"malformed", resolveBody("abc"), 400, "IdP token is malformed"},
		{"no token", map[string]any{"provider": provider}, 422, "idp_token: must not be empty"},
		{"no provider", map[string]any{"idp_token": valid}, 422, "provider: must not be empty"},
		{"workspace_id not a UUID", resolveBody(valid, "acme"), 422, "workspace_id: must be a UUID"},
		{"workspace_id a number", map[string]any{"idp_token": valid, "provider": provider, "workspace_id": 7}, 422, "workspace_id: must be a string"},
		{"not JSON", "idp_token=x", 400, "Malformed JSON body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.resolve(fromOrigin(e.docsOrigin), apitest.Bad(tt.body))
			if res.Status != tt.status || res.Detail(t) != tt.detail {
				t.Errorf("got %d %s, want %d %q", res.Status, res.Body, tt.status, tt.detail)
			}
		})
	}
	if users := e.users(t, "ada@example.com"); len(users) != 0 {
		t.Errorf("refused requests created users: %v", users)
	}
}

// Without its peers, the service is not built: authz-resolve's cold start
// fails, naming what is missing, rather than its requests.
func TestNewRefusesMissingPeers(t *testing.T) {
	_, err := authz.New(authz.Options{Verifier: idp.New(nil, nil, time.Now), Keys: apitest.Ring(t), Now: time.Now})
	if err == nil || err.Error() != "authz: missing RBAC, directory, origin lookup, rate limiter, service apps" {
		t.Errorf("New without peers: %v", err)
	}
}

var corsHeaders = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age", "Access-Control-Expose-Headers", "Vary"}

func noCORS(t *testing.T, what string, res *apitest.Response) {
	t.Helper()
	for _, h := range corsHeaders {
		if v := res.Header.Get(h); v != "" {
			t.Errorf("%s: %s = %q, want no CORS headers", what, h, v)
		}
	}
}

func wantCORS(t *testing.T, what string, res *apitest.Response, origin string) {
	t.Helper()
	for h, want := range map[string]string{
		"Access-Control-Allow-Origin":  origin,
		"Vary":                         "Origin",
		"Access-Control-Allow-Methods": "POST, OPTIONS",
		"Access-Control-Allow-Headers": "Content-Type, Authorization, X-Service-Key",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s: %s = %q, want %q", what, h, got, want)
		}
	}
}

// CORS, section 7: allowed origins get the CORS headers on the preflight
// and on every answer (errors included, so the page can read them); other
// origins get none, and their preflight is the origin tier's 401.
func TestCORS(t *testing.T) {
	e := setup(t)
	_, billingKey := e.admin.CreateApp("billing", e.api.Origin("billing"))
	preflight := func(header map[string]string) *apitest.Response {
		h := map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
		for k, v := range header {
			h[k] = v
		}
		return e.api.Do(apitest.Request{Method: "OPTIONS", Path: "/authz/resolve", Header: h})
	}

	res := preflight(fromOrigin(e.docsOrigin))
	if res.Status != 204 || len(res.Body) != 0 || res.Header.Get("Access-Control-Max-Age") != "600" {
		t.Errorf("preflight from an allowed origin = %d %q %v", res.Status, res.Body, res.Header)
	}
	wantCORS(t, "preflight", res, e.docsOrigin)

	for _, origin := range []string{"https://evil.example.com", e.docsOrigin + ":443", e.docsOrigin + "/", "null", ""} {
		res := preflight(fromOrigin(origin))
		if res.Status != 401 || res.Detail(t) != "Invalid or missing service API key or origin" {
			t.Errorf("preflight from %q = %d %s, want the origin tier's 401", origin, res.Status, res.Body)
		}
		noCORS(t, "preflight from "+origin, res)
		if res := e.resolve(fromOrigin(origin), resolveBody(e.idToken(t, "ada@example.com"))); res.Status != 401 {
			t.Errorf("POST from %q = %d, want 401", origin, res.Status)
		} else {
			noCORS(t, "POST from "+origin, res)
		}
	}

	// Answers to an allowed origin carry CORS, errors too.
	res = e.resolve(fromOrigin(e.docsOrigin), resolveBody(e.idToken(t, "ada@example.com")))
	wantCORS(t, "200", res, e.docsOrigin)
	if res.Header.Get("Access-Control-Expose-Headers") != "Retry-After, X-Request-Id" {
		t.Errorf("Expose-Headers = %q", res.Header.Get("Access-Control-Expose-Headers"))
	}
	res = e.resolve(fromOrigin(e.docsOrigin), resolveBody("abc"))
	if res.Status != 400 {
		t.Errorf("bad token = %d", res.Status)
	}
	wantCORS(t, "400", res, e.docsOrigin)

	// With a key, the key decides; CORS only for the key's own app's origin.
	key := func(k, origin string) map[string]string {
		h := map[string]string{"X-Service-Key": k}
		if origin != "" {
			h["Origin"] = origin
		}
		return h
	}
	tok := e.idToken(t, "ada@example.com")
	if res := e.resolve(key(e.docsKey, e.docsOrigin), resolveBody(tok)); res.Status != 200 {
		t.Errorf("key + own origin = %d", res.Status)
	} else {
		wantCORS(t, "key + own origin", res, e.docsOrigin)
	}
	for name, h := range map[string]map[string]string{
		"key + another app's origin": key(billingKey, e.docsOrigin),
		"key + unknown origin":       key(e.docsKey, "https://evil.example.com"),
		"key without origin":         key(e.docsKey, ""),
	} {
		// A token of its own: an ID token belongs to the first app resolving it.
		res := e.resolve(h, resolveBody(e.idToken(t, "ada@example.com", func(c jwt.MapClaims) { c["jti"] = name })))
		if res.Status != 200 {
			t.Errorf("%s = %d %s", name, res.Status, res.Body)
		}
		noCORS(t, name, res)
	}
	// An invalid key is 401 even from an allowed origin (key beats origin).
	if res := e.resolve(key("sk_test_"+strings.Repeat("A", 43), e.docsOrigin), resolveBody(tok)); res.Status != 401 {
		t.Errorf("bad key from an allowed origin = %d, want 401", res.Status)
	} else {
		noCORS(t, "bad key", res)
	}
}

// Rate limit, section 7: per client IP as API Gateway saw it, counted in
// DynamoDB so every Lambda instance shares it; X-Forwarded-For is ignored.
func TestRateLimitPerClientIP(t *testing.T) {
	e := setupFakes(t, func(c *config.Config) { c.AuthzRateLimit = 3 })
	tok := e.idToken(t, "ada@example.com")
	call := func(forwardedFor string) *apitest.Response {
		return e.resolve(map[string]string{"Origin": e.docsOrigin, "X-Forwarded-For": forwardedFor}, resolveBody(tok))
	}
	// A second function instance on the same tables, as another Lambda
	// container would be.
	otherInstance, err := e.api.Instance("authz-resolve")
	if err != nil {
		t.Fatal(err)
	}

	if res := call("203.0.113.1"); res.Status != 200 {
		t.Fatalf("first = %d %s", res.Status, res.Body)
	}
	if res := e.resolve(fromOrigin(e.docsOrigin), resolveBody("abc")); res.Status != 400 {
		t.Fatalf("second (refused token, still counted) = %d", res.Status)
	}
	r := httptest.NewRequest("POST", "/authz/resolve", strings.NewReader(`{"idp_token":"`+tok+`","provider":"`+provider+`"}`))
	r.RemoteAddr = e.api.RemoteAddr
	r.Header.Set("Origin", e.docsOrigin)
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	otherInstance.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("third, on another instance = %d %s", w.Code, w.Body)
	}
	e.api.Clock.Advance(20 * time.Second)
	res := call("198.51.100.99")
	if res.Status != 429 || res.Detail(t) != "Too many requests; try again later" || res.Header.Get("Retry-After") != "41" {
		t.Fatalf("fourth = %d %s Retry-After %q, want 429 with Retry-After 41", res.Status, res.Body, res.Header.Get("Retry-After"))
	}
	wantCORS(t, "429", res, e.docsOrigin) // so the page can read Retry-After
	if res := e.api.Do(apitest.Request{Method: "OPTIONS", Path: "/authz/resolve", Header: fromOrigin(e.docsOrigin)}); res.Status != 204 {
		t.Errorf("preflight while limited = %d, want 204 (preflights are not counted)", res.Status)
	}

	e.api.RemoteAddr = "198.51.100.7:5555"
	if res := call(""); res.Status != 200 {
		t.Errorf("another client IP = %d", res.Status)
	}
	e.api.RemoteAddr = "192.0.2.10:4242"
	e.api.Clock.Advance(40 * time.Second)
	if res := call(""); res.Status != 200 {
		t.Errorf("after the minute = %d %s", res.Status, res.Body)
	}
	if n := e.api.Env.Counter.Counts()["Scan"]; n != 0 {
		t.Errorf("%d Scans", n)
	}
}

// The dual tier refuses an authz token issued for another service: a
// backend of billing cannot replay a token the docs frontend obtained.
func TestAuthzTokenReplayAcrossServicesRefused(t *testing.T) {
	e := setup(t)
	_, billingKey := e.admin.CreateApp("billing")
	tok := e.idToken(t, "ada@example.com")
	if res := e.resolve(fromOrigin(e.docsOrigin), resolveBody(tok)); res.Status != 200 {
		t.Fatal(res.Status)
	}
	ada := e.users(t, "ada@example.com")[0]["id"].(string)
	acme := e.admin.Workspace("Acme", "acme")
	e.admin.Member(acme, "ada@example.com", "viewer")
	e.grant(t, e.docsKey, "docs", acme, ada, "doc:read")
	res := e.resolve(fromOrigin(e.docsOrigin), resolveBody(tok, acme))
	authzToken, _ := res.Map(t)["authz_token"].(string)
	if authzToken == "" {
		t.Fatalf("no authz token: %d %s", res.Status, res.Body)
	}

	// A dual-tier route of each backend: the tier is what decides.
	call := func(key, service string) *apitest.Response {
		return e.api.Do(apitest.Request{Method: "GET", Path: "/roles/user-actions?service_name=" + service + "&workspace_id=" + acme,
			Header: map[string]string{"X-Service-Key": key, "Authorization": "Bearer " + authzToken}})
	}
	if res := call(e.docsKey, "docs"); res.Status != 200 || fmt.Sprint(res.Map(t)["actions"]) != "[doc:read]" {
		t.Errorf("docs backend = %d %s, want 200 with the token's actions", res.Status, res.Body)
	}
	if res := call(billingKey, "billing"); res.Status != 401 || !strings.Contains(res.Detail(t), "issued for another service") {
		t.Errorf("billing backend = %d %s, want 401 issued for another service", res.Status, res.Body)
	}
}

// The route table declares what the functions need: the limits table, the
// keys to sign and the authz settings for resolve; the preflight needs none.
func TestAuthzRoutesDeclareTheirNeeds(t *testing.T) {
	resolve, _ := all.Function("authz-resolve")
	preflight, _ := all.Function("authz-resolve-preflight")
	if resolve.Keys != token.SignUser || preflight.Keys != 0 {
		t.Errorf("keys: resolve %v, preflight %v; want sign-user, none", resolve.Keys, preflight.Keys)
	}
	if got := fmt.Sprint(resolve.Tables()); !strings.Contains(got, dynamo.Limits.ID) {
		t.Errorf("resolve tables %s, want Limits", got)
	}
	if got := fmt.Sprint(preflight.Tables()); strings.Contains(got, dynamo.Limits.ID) {
		t.Errorf("preflight tables %s, want no Limits", got)
	}
	// The stack sets authz mode's settings on resolve only.
	if !reflect.DeepEqual(resolve.Settings, slices.Sorted(slices.Values(config.AuthzSettings))) || len(preflight.Settings) != 0 {
		t.Errorf("settings: resolve %v, preflight %v", resolve.Settings, preflight.Settings)
	}
}
