// Package apitest runs the API's real handlers, route table and auth tiers
// against a fresh set of DynamoDB Local tables, with a clock the test
// controls, for integration tests.
package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"sentinel/internal/activity"
	"sentinel/internal/adminauth"
	"sentinel/internal/app"
	"sentinel/internal/authtier"
	"sentinel/internal/awsjson"
	"sentinel/internal/config"
	"sentinel/internal/devidp"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
	"sentinel/internal/idptest"
	"sentinel/internal/metrics"
	"sentinel/internal/permissions"
	"sentinel/internal/rbac"
	"sentinel/internal/routes"
	"sentinel/internal/routes/adminappsroutes"
	"sentinel/internal/routes/all"
	"sentinel/internal/serviceapps"
	"sentinel/internal/token"
	"sentinel/internal/wire/activitywire"
	"sentinel/internal/wire/adminwire"
	"sentinel/internal/wire/directorywire"
	"sentinel/internal/wire/dualwire"
	"sentinel/internal/wire/permissionswire"
	"sentinel/internal/wire/rbacwire"
	"sentinel/internal/wire/secretswire"
)

// Issuer is the issuer of the test deployment.
const Issuer = "http://sentinel.test"

var (
	ringOnce          sync.Once
	ringKey, adminKey token.Key
)

func generateKeys() {
	for _, k := range []*token.Key{&ringKey, &adminKey} {
		var err error
		if *k, err = token.GenerateKey(); err != nil {
			panic(err)
		}
	}
}

// Ring returns the user-token signing key ring shared by the test binary
// (3072-bit keys take a while to generate).
func Ring(t testing.TB) *token.Ring {
	t.Helper()
	ringOnce.Do(generateKeys)
	return token.NewRing(Issuer, ringKey)
}

// AdminRing returns the admin-session signing key ring shared by the test
// binary: a key of its own, as deployed.
func AdminRing(t testing.TB) *token.Ring {
	t.Helper()
	ringOnce.Do(generateKeys)
	return token.NewRing(Issuer, adminKey)
}

// Clock is a settable clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
	// wall, on the deployed stack, makes it the wall clock its functions
	// run on: Advance waits.
	wall testing.TB
}

// maxWait is the longest Advance a deployed-stack test waits for: long
// enough for a deleted app's service name to be free again
// (serviceapps.ReuseDelay), which the tests of that reuse wait out on the
// deployed stack, where the functions' key caches are real.
const maxWait = serviceapps.ReuseDelay

// NewClock returns a clock showing start.
func NewClock(start time.Time) *Clock { return &Clock{t: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	if c.wall != nil {
		return time.Now()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	if c.wall != nil {
		c.wall.Helper()
		if d > maxWait {
			c.wall.Fatalf("Advance(%v): the deployed stack runs on the wall clock; a test that needs more than %v of it builds its API with NewInProcess", d, maxWait)
		}
		time.Sleep(d)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Step moves the clock on so that what the API does next happens at a
// later time than what it did before, at the millisecond its times show:
// in process a second (times a test reads easily), on the wall clock a
// few milliseconds, not a second of waiting.
func (c *Clock) Step() {
	if c.wall != nil {
		time.Sleep(2 * time.Millisecond)
		return
	}
	c.Advance(time.Second)
}

// API is the whole API over DynamoDB Local: each function built from its
// own routes, tables and keys, as its Lambda would be, on first use.
type API struct {
	t     testing.TB
	Env   *dynamotest.Env
	Deps  *Deps
	Clock *Clock
	// Config is the deployment's configuration every function gets.
	Config config.Config
	// RemoteAddr is the client address requests come from (on the
	// deployed stack: read only, the loopback address of this test).
	RemoteAddr string
	// stack is the deployed-shape stack requests go to, if any, and
	// client the HTTP client this test's requests come from.
	stack  *Stack
	client *http.Client
	// server serves the in-process handlers over HTTP once URL is asked.
	server *httptest.Server

	keys     secretswire.Keys // every function's key rings
	db       dynamo.DB        // what functions call DynamoDB through: a WireClient, as deployed (UseDB, NewInProcessAt)
	cfg      config.Config    // the configuration Config returns to at each ColdStart
	mu       sync.Mutex
	handlers map[string]http.Handler // per function, built on first use
	provide  []func(*app.Env)        // Provide's services, in every function
	metrics  *metrics.Sink           // the functions' EMF lines (CaptureMetrics), nil: none
}

// Deps are services over every table, for tests that set up or inspect
// state without the API.
type Deps struct {
	Keys     secretswire.Keys
	Activity *activity.Log
	Apps     *serviceapps.Store
	// Directory records its changes and purges RBAC and permissions when
	// it removes a workspace or member, as the admin functions' does.
	Directory   *directory.Store
	RBAC        *rbac.Store        // with the directory and the activity log
	Permissions *permissions.Store // with the directory and the activity log
	Admins      *adminauth.Service
	// Auth is the dual tier's authenticator.
	Auth *authtier.Authenticator
}

// Option changes the test deployment's configuration before it is built.
type Option func(*config.Config)

// New builds the API on fresh tables: in process, or, when the suite runs
// against a deployed-shape stack (StackEnv), that stack with its tables
// emptied. Options change the configuration, which only the in-process
// API can take: with options the test runs in process.
func New(t testing.TB, opts ...Option) *API {
	t.Helper()
	if len(opts) == 0 {
		if a := deployed(t); a != nil {
			return a
		}
	}
	return NewInProcess(t, "", opts...)
}

// NewWithIdP builds the API (as New does, on the deployed-shape stack when
// the suite runs there) with an OpenID Connect issuer it trusts as the
// provider devidp.ProviderName with audience idptest.Audience: in process,
// a test issuer of its own; on the stack, the stack's dev IdP, served over
// HTTPS. Its resolve rate limit leaves the tests alone (the limit has its
// own test).
func NewWithIdP(t testing.TB) (*API, *idptest.Issuer) {
	t.Helper()
	if a := deployed(t); a != nil {
		return a, idptest.Open(t, a.stack.IdP.Dir, a.stack.IdP.URL)
	}
	iss := idptest.New(t)
	return New(t, func(c *config.Config) {
		c.OIDCProviders = map[string]config.OIDCProvider{devidp.ProviderName: iss.Provider(idptest.Audience)}
		c.AuthzRateLimit = 1000
	}), iss
}

// NewInProcess builds the API in process even when the suite runs against
// a deployed-shape stack, for a test that needs what only the process
// gives: a clock it moves, counted DynamoDB calls, chosen client
// addresses. why says which.
func NewInProcess(t testing.TB, why string, opts ...Option) *API {
	t.Helper()
	if os.Getenv(StackEnv) != "" {
		if why == "" {
			why = "it changes the configuration"
		}
		t.Logf("runs in process, not on the deployed stack: %s", why)
	}
	return newInProcess(t, dynamotest.New(t), "", opts...)
}

// NewInProcessAt builds the API in process with its DynamoDB client
// pointed at endpoint (a fault proxy in front of DynamoDB Local), the
// tables created directly; Env.Client still talks to DynamoDB Local.
func NewInProcessAt(t testing.TB, endpoint string, opts ...Option) *API {
	t.Helper()
	return newInProcess(t, dynamotest.New(t), endpoint, opts...)
}

func newInProcess(t testing.TB, env *dynamotest.Env, endpoint string, opts ...Option) *API {
	t.Helper()
	// In the future, so that DynamoDB Local (which expires TTL items by the
	// wall clock) never deletes an item the test still reads.
	clock := &Clock{t: time.Date(2030, 1, 15, 12, 0, 0, 0, time.UTC)}
	cfg := config.Config{Stage: "local", Issuer: Issuer, PasswordCost: bcrypt.MinCost, Version: "test",
		// DynamoDB Local on a loaded test machine is far slower than
		// DynamoDB: the tests of behaviour take budgets that never cut
		// them short. internal/faultproxy tests the budgets with short ones.
		ServiceBudget: time.Minute, AdminBudget: 2 * time.Minute}
	for _, o := range opts {
		o(&cfg)
	}
	a := &API{t: t, Env: env, Clock: clock, Config: cfg, cfg: cfg, handlers: map[string]http.Handler{}, RemoteAddr: "192.0.2.10:4242",
		keys: secretswire.Keys{User: Ring(t), Admin: AdminRing(t)}}
	// The functions call DynamoDB as deployed ones do, through a
	// WireClient of their own (endpoint may be a fault proxy); Env.Client
	// is the tests' own.
	if endpoint == "" {
		endpoint = dynamotest.Endpoint(t)
	}
	a.db = dynamo.LocalWireClient(endpoint, awsjson.Options{Observe: env.Counter.Observe})
	deps, err := a.deps()
	if err != nil {
		t.Fatal(err)
	}
	a.Deps = deps
	return a
}

// ColdStart builds every function's services and handlers again, as new
// Lambda instances would: their caches start empty. Options change the
// configuration of this start only.
func (a *API) ColdStart(opts ...Option) {
	a.t.Helper()
	a.redeploy("ColdStart", func() {
		a.Config = a.cfg
		for _, o := range opts {
			o(&a.Config)
		}
	})
}

// URL is the API's address for a client that makes its own HTTP requests
// (an SDK): the deployed-shape stack's, or a server of the in-process
// handlers started for the test.
func (a *API) URL() string {
	if a.stack != nil {
		return a.stack.URL
	}
	if a.server == nil {
		a.server = httptest.NewServer(a.validating(a))
		a.t.Cleanup(a.server.Close)
	}
	return a.server.URL
}

// allKeys is every use of the signing keys.
const allKeys = token.SignUser | token.SignAdmin | token.VerifyUser | token.VerifyAdmin

// env is a function's environment: its declared tables only, the test
// clock, and the test's key rings of its key use.
func (a *API) env(name string, tables []dynamo.Table, keys token.Use) *app.Env {
	names := dynamo.Names{}
	for _, t := range tables {
		names[t.ID] = a.Env.Names.Name(t)
	}
	e := app.NewEnv(a.t.Context(), name, a.Config, a.db, names, keys)
	e.Now = a.Clock.Now
	e.Metrics = a.metrics
	if keys.Uses(token.UserRing) {
		app.Provide(e, secretswire.UserKeys, a.keys.User)
	}
	if keys.Uses(token.AdminRing) {
		app.Provide(e, secretswire.AdminKeys, a.keys.Admin)
	}
	for _, p := range a.provide {
		p(e)
	}
	return e
}

func (a *API) deps() (*Deps, error) {
	e := a.env("test", dynamo.All, allKeys)
	d := &Deps{Keys: a.keys}
	var err error
	if d.Activity, err = activitywire.Log.Get(e); err != nil {
		return nil, err
	}
	apps, err := adminappsroutes.Handlers.Get(e)
	if err != nil {
		return nil, err
	}
	roles, err := rbacwire.Roles.Get(e)
	if err != nil {
		return nil, err
	}
	perms, err := permissionswire.Admin.Get(e)
	if err != nil {
		return nil, err
	}
	d.Apps, d.RBAC, d.Permissions = apps.Store, roles.Store, perms.Store
	dir, err := directorywire.Writer.Get(e)
	if err != nil {
		return nil, err
	}
	d.Directory = dir.WithDependents(d.RBAC, d.Permissions).WithRoles(d.RBAC)
	if d.Admins, err = adminwire.Service.Get(e); err != nil {
		return nil, err
	}
	if d.Auth, err = dualwire.DualAuthenticator.Get(e); err != nil {
		return nil, err
	}
	return d, nil
}

// Provide makes every function built from now on, and Deps, use v as s: a
// fake peer, say. Functions already built are built again on their next
// request, as a new deployment would be; Deps is built again now.
func Provide[T any](a *API, s *app.Service[T], v T) {
	a.t.Helper()
	a.redeploy("Provide("+s.Name+")", func() { a.provide = append(a.provide, func(e *app.Env) { app.Provide(e, s, v) }) })
}

// CaptureMetrics makes every function built from now on write its EMF
// lines (one per request, internal/metrics) to the buffer returned, as a
// Lambda writes them to stdout; before, they write none.
func (a *API) CaptureMetrics() *metrics.Buffer {
	a.t.Helper()
	buf := &metrics.Buffer{}
	a.redeploy("CaptureMetrics", func() { a.metrics = metrics.NewSink(buf, a.Config.Stage) })
	return buf
}

// UseDB makes every function built from now on, and Deps, call DynamoDB
// through db (a wrapper of a client that logs or delays calls, say), as
// Provide does for a service.
func (a *API) UseDB(db dynamo.DB) {
	a.t.Helper()
	a.redeploy("UseDB", func() { a.db = db })
}

// redeploy changes what the in-process functions are built from: the
// functions already built are built again on their next request, Deps now.
func (a *API) redeploy(what string, change func()) {
	a.t.Helper()
	if a.stack != nil {
		a.t.Fatalf("%s: the deployed stack's functions build their own services; build the API with NewInProcess", what)
	}
	a.mu.Lock()
	change()
	clear(a.handlers)
	a.mu.Unlock()
	deps, err := a.deps()
	if err != nil {
		a.t.Fatal(err)
	}
	a.Deps = deps
}

// Instance builds a new instance of a function, as another Lambda
// container would be: its own services and caches, the same tables.
func (a *API) Instance(function string) (http.Handler, error) {
	fn, ok := all.Function(function)
	if !ok {
		return nil, fmt.Errorf("no function %q", function)
	}
	a.mu.Lock()
	e := a.env(fn.Name, fn.Tables(), fn.Keys)
	a.mu.Unlock()
	return routes.Handler(fn, e)
}

// handler returns a function's handler, built on its first request.
func (a *API) handler(function string) (http.Handler, error) {
	a.mu.Lock()
	h := a.handlers[function]
	a.mu.Unlock()
	if h != nil {
		return h, nil
	}
	h, err := a.Instance(function)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if prev := a.handlers[function]; prev != nil {
		return prev, nil
	}
	a.handlers[function] = h
	return h, nil
}

// ServeHTTP dispatches like API Gateway: the route table picks the
// function. A function that cannot be built (its cold start fails) fails
// the test.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, _, _, ok := routes.Match(all.Routes, r.Method, r.URL.Path)
	if !ok {
		routes.Unrouted(all.Routes).ServeHTTP(w, r)
		return
	}
	h, err := a.handler(route.Function)
	if err != nil {
		a.t.Errorf("cold start: %v", err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	h.ServeHTTP(w, r)
}

// Response is a recorded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as an object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Detail returns the error detail.
func (r *Response) Detail(t testing.TB) string {
	t.Helper()
	d, _ := r.Map(t)["detail"].(string)
	return d
}

// Request describes a call.
type Request struct {
	Method, Path string
	Body         any // marshalled to JSON unless a string or []byte
	Header       map[string]string
	// Invalid marks a request a test sends malformed on purpose (bad JSON,
	// a wrong type, a missing field): its answer is still checked against
	// the OpenAPI document, the request itself is not.
	Invalid bool
}

// bad is a body a test sends malformed on purpose; see Bad.
type bad struct{ body any }

// Bad marks a body as deliberately malformed (for the helpers that take
// only a body): the request is sent as if the body were given as is, and
// is not checked against the OpenAPI document (see Request.Invalid).
func Bad(body any) any { return bad{body} }

// Do sends a request through the function handlers (or to the deployed
// stack) and checks the exchange against the OpenAPI document.
func (a *API) Do(req Request) *Response {
	a.t.Helper()
	if b, ok := req.Body.(bad); ok {
		req.Body, req.Invalid = b.body, true
	}
	var body []byte
	switch b := req.Body.(type) {
	case nil:
	case string:
		body = []byte(b)
	case []byte:
		body = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		body = j
	}
	res := a.do(req, body)
	validate(a.t, req, body, res)
	return res
}

func (a *API) do(req Request, body []byte) *Response {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	if a.stack != nil {
		h := http.Header{}
		if body != nil {
			h.Set("Content-Type", "application/json")
		}
		for k, v := range req.Header {
			h.Set(k, v)
		}
		return a.send(req.Method, req.Path, rd, h)
	}
	r := httptest.NewRequest(req.Method, req.Path, rd)
	r.RemoteAddr = a.RemoteAddr
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range req.Header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	a.ServeHTTP(w, r)
	return &Response{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
}

// Admin is a signed-in admin session.
type Admin struct {
	api    *API
	Cookie string
}

// AdminEmail and AdminPassword are the test admin's credentials.
const (
	AdminEmail    = "root@example.com"
	AdminPassword = "correct horse battery staple"
)

// SignIn creates the test admin (once) and signs in.
func (a *API) SignIn() *Admin {
	a.t.Helper()
	if ok, err := a.Deps.Admins.Exists(a.t.Context(), AdminEmail); err != nil || !ok {
		if _, err := a.Deps.Admins.Ensure(a.t.Context(), AdminEmail, AdminPassword); err != nil {
			a.t.Fatalf("ensure admin: %v", err)
		}
	}
	res, s := a.SignInAs(AdminEmail, AdminPassword)
	if res.Status != 200 {
		a.t.Fatalf("sign in: %d %s", res.Status, res.Body)
	}
	if s == nil {
		a.t.Fatal("sign in set no admin_token cookie")
	}
	return s
}

// SignInAs signs in with a password: the answer, and the session its
// cookie holds (nil when it set none).
func (a *API) SignInAs(email, password string) (*Response, *Admin) {
	a.t.Helper()
	res := a.Do(Request{Method: "POST", Path: "/admin/auth/login", Body: map[string]string{"email": email, "password": password},
		Header: map[string]string{"X-Requested-With": "XMLHttpRequest"}})
	return res, a.Session(res)
}

// Session is the admin session whose cookie res sets (nil when none).
func (a *API) Session(res *Response) *Admin {
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "admin_token" && c.Value != "" {
			return &Admin{api: a, Cookie: c.Value}
		}
	}
	return nil
}

// Do sends an admin request with the session cookie and X-Requested-With.
func (s *Admin) Do(method, path string, body any) *Response {
	s.api.t.Helper()
	return s.api.Do(Request{Method: method, Path: path, Body: body, Header: map[string]string{
		"Cookie": "admin_token=" + s.Cookie, "X-Requested-With": "XMLHttpRequest",
	}})
}

// CreateApp creates a service app and returns its id and key.
func (s *Admin) CreateApp(serviceName string, origins ...string) (id, key string) {
	s.api.t.Helper()
	if origins == nil {
		origins = []string{}
	}
	res := s.Do("POST", "/admin/service-apps", map[string]any{"name": "App " + serviceName, "service_name": serviceName, "allowed_origins": origins})
	if res.Status != 201 {
		s.api.t.Fatalf("create app %s: %d %s", serviceName, res.Status, res.Body)
	}
	m := res.Map(s.api.t)
	return m["id"].(string), m["api_key"].(string)
}

// origins numbers the origins Origin makes.
var origins atomic.Int64

// Origin is an origin no other test uses, for an app's allowed origins:
// https://<name>.o<n>.example.com. The functions of a deployed-shape
// stack keep their warm state across tests and cache origin lookups for a
// few seconds, so an origin an earlier test gave another app would still
// be that app's there.
func (a *API) Origin(name string) string {
	return fmt.Sprintf("https://%s.o%d.example.com", name, origins.Add(1))
}

// Key calls an endpoint with a service key.
func (a *API) Key(method, path, key string, body any) *Response {
	a.t.Helper()
	return a.Do(Request{Method: method, Path: path, Body: body, Header: map[string]string{"X-Service-Key": key}})
}

// UserToken signs an access token for a user in a workspace.
func (a *API) UserToken(userID, workspaceID, role string, groups ...string) string {
	a.t.Helper()
	tok, err := a.Deps.Keys.User.Sign(token.Access(userID, workspaceID, "", role, groups), a.Clock.Now(), 15*time.Minute)
	if err != nil {
		a.t.Fatal(err)
	}
	return tok
}
