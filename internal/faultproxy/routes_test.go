package faultproxy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/authtier"
	"sentinel/internal/config"
	"sentinel/internal/devidp"
	"sentinel/internal/dynamotest"
	"sentinel/internal/faultproxy"
	"sentinel/internal/idptest"
)

// Short budgets (through the configuration, as a deployment would set
// them) keep the suite quick where a fault persists; the admin one leaves a
// persistent transaction conflict room to be retried to its end (a 409) on
// most routes. Setup, passing faults and the retries after a fault keep
// apitest's long ones: DynamoDB Local on a loaded machine is slow.
const (
	serviceBudget = 1500 * time.Millisecond
	adminBudget   = 2 * time.Second
)

func short(c *config.Config) { c.ServiceBudget, c.AdminBudget = serviceBudget, adminBudget }

// fixture is one API behind the fault proxy, with what the route classes
// need: an app and its key, a workspace with a member, a resource.
type fixture struct {
	api    *apitest.API
	proxy  *faultproxy.Proxy
	iss    *idptest.Issuer
	admin  *apitest.Admin
	key    string
	origin string
	ws     string
	member string // user id
	token  string // the member's access token (editor)
	doc    string // a registered resource's resource_id, shared with nobody
	docID  string // its record id
}

func newFixture(t *testing.T) *fixture {
	proxy := faultproxy.New(t, dynamotest.Endpoint(t))
	iss := idptest.New(t)
	api := apitest.NewInProcessAt(t, proxy.URL, func(c *config.Config) {
		c.OIDCProviders = map[string]config.OIDCProvider{devidp.ProviderName: iss.Provider(idptest.Audience)}
		c.AuthzRateLimit = 10000
		c.AuthFailureLimit = 10000
	})
	f := &fixture{api: api, proxy: proxy, iss: iss, origin: api.Origin("docs")}
	f.admin = api.SignIn()
	_, f.key = f.admin.CreateApp("docs", f.origin)
	f.ws = f.decode(t, f.admin.Do("POST", "/admin/workspaces", map[string]string{"name": "Acme", "slug": "acme"}), 201)["id"].(string)
	f.member = f.addMember(t, "ada@example.com")
	f.token = api.UserToken(f.member, f.ws, "editor")
	f.doc = uuid.NewString()
	f.docID = f.decode(t, f.register(f.doc), 201)["id"].(string)
	return f
}

func (f *fixture) decode(t *testing.T, res *apitest.Response, want int) map[string]any {
	t.Helper()
	if res.Status != want {
		t.Fatalf("%d %s, want %d", res.Status, res.Body, want)
	}
	return res.Map(t)
}

func (f *fixture) addMember(t *testing.T, email string) string {
	t.Helper()
	m := f.decode(t, f.admin.Do("POST", "/admin/workspaces/"+f.ws+"/members", map[string]string{"email": email, "role": "editor"}), 201)
	return m["user_id"].(string)
}

func (f *fixture) keyed(method, path string, body any) apitest.Request {
	return apitest.Request{Method: method, Path: path, Body: body, Header: map[string]string{"X-Service-Key": f.key}}
}

func (f *fixture) dual(method, path string, body any) apitest.Request {
	r := f.keyed(method, path, body)
	r.Header["Authorization"] = "Bearer " + f.token
	return r
}

func (f *fixture) registerBody(id string) map[string]any {
	return map[string]any{"service_name": "docs", "resource_type": "doc", "resource_id": id, "workspace_id": f.ws, "owner_id": f.member, "visibility": "private"}
}

func (f *fixture) register(id string) *apitest.Response {
	return f.api.Do(f.keyed("POST", "/permissions/register", f.registerBody(id)))
}

// count is how many items of an admin list match.
func (f *fixture) count(t *testing.T, path string, match func(map[string]any) bool) int {
	t.Helper()
	var page struct{ Items []map[string]any }
	res := f.admin.Do("GET", path, nil)
	if res.Status != 200 {
		t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
	}
	res.JSON(t, &page)
	n := 0
	for _, it := range page.Items {
		if match(it) {
			n++
		}
	}
	return n
}

// class is one route class: a request (n numbers the case, for writes
// that create something new each time), the status of its success, and
// what the data must be once it succeeded (after the fault cleared and the
// client retried): exactly what one successful run leaves.
type class struct {
	name   string
	req    func(f *fixture, n int) apitest.Request
	ok     int
	verify func(t *testing.T, f *fixture, n int, res *apitest.Response)
}

// same is the verification of a read: the answer of a run without faults.
func same(baseline func(f *fixture) apitest.Request) func(t *testing.T, f *fixture, n int, res *apitest.Response) {
	return func(t *testing.T, f *fixture, _ int, res *apitest.Response) {
		t.Helper()
		f.proxy.Clear()
		f.api.ColdStart()
		want := f.api.Do(baseline(f))
		if !bytes.Equal(compact(t, res.Body), compact(t, want.Body)) {
			t.Fatalf("answer %s, want the fault-free %s", res.Body, want.Body)
		}
	}
}

func compact(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	out, _ := json.Marshal(v)
	return out
}

var classes = []class{
	{
		name: "key tier", ok: 200,
		req:    func(f *fixture, _ int) apitest.Request { return f.keyed("GET", "/service/whoami", nil) },
		verify: same(func(f *fixture) apitest.Request { return f.keyed("GET", "/service/whoami", nil) }),
	},
	{
		name: "dual tier", ok: 200,
		req:    func(f *fixture, _ int) apitest.Request { return f.dual("GET", "/workspaces/"+f.ws+"/members", nil) },
		verify: same(func(f *fixture) apitest.Request { return f.dual("GET", "/workspaces/"+f.ws+"/members", nil) }),
	},
	{
		name: "check", ok: 200,
		req:    func(f *fixture, _ int) apitest.Request { return f.dual("POST", "/permissions/check", f.checks(1)) },
		verify: same(func(f *fixture) apitest.Request { return f.dual("POST", "/permissions/check", f.checks(1)) }),
	},
	{
		name: "batch check", ok: 200,
		req:    func(f *fixture, _ int) apitest.Request { return f.dual("POST", "/permissions/check", f.checks(30)) },
		verify: same(func(f *fixture) apitest.Request { return f.dual("POST", "/permissions/check", f.checks(30)) }),
	},
	{
		name: "accessible", ok: 200,
		req: func(f *fixture, _ int) apitest.Request {
			return f.dual("POST", "/permissions/accessible", f.accessible())
		},
		verify: same(func(f *fixture) apitest.Request { return f.dual("POST", "/permissions/accessible", f.accessible()) }),
	},
	{
		// A new resource each case: registered exactly once, with its owner.
		name: "register", ok: 201,
		req: func(f *fixture, n int) apitest.Request {
			return f.keyed("POST", "/permissions/register", f.registerBody(caseID(n)))
		},
		verify: func(t *testing.T, f *fixture, n int, res *apitest.Response) {
			got := f.decode(t, f.api.Do(f.keyed("GET", "/permissions/resource/docs/doc/"+caseID(n), nil)), 200)
			if got["id"] != res.Map(t)["id"] || got["owner_id"] != f.member {
				t.Fatalf("stored %v, want the registered record %s", got, res.Body)
			}
			if c := f.count(t, "/admin/permissions?workspace_id="+f.ws+"&limit=100", func(m map[string]any) bool { return m["resource_id"] == caseID(n) }); c != 1 {
				t.Fatalf("%d records of the resource, want 1", c)
			}
		},
	},
	{
		// Sharing the shared-with-nobody resource to a new member: one share.
		name: "share", ok: 201,
		req: func(f *fixture, n int) apitest.Request {
			return f.dual("POST", "/permissions/"+f.docID+"/share", map[string]string{"grantee_type": "user", "grantee_id": f.grantee(n), "permission": "edit"})
		},
		verify: func(t *testing.T, f *fixture, n int, _ *apitest.Response) {
			got := f.decode(t, f.api.Do(f.keyed("GET", "/permissions/resource/docs/doc/"+f.doc, nil)), 200)
			shares := 0
			for _, s := range got["shares"].([]any) {
				if s.(map[string]any)["grantee_id"] == f.grantee(n) {
					shares++
				}
			}
			if shares != 1 {
				t.Fatalf("%d shares to the grantee, want 1: %v", shares, got["shares"])
			}
		},
	},
	{
		// Adding a member by a new email pre-provisions the user: one user,
		// one membership, never one without the other.
		name: "admin write", ok: 201,
		req: func(f *fixture, n int) apitest.Request {
			return f.adminReq("POST", "/admin/workspaces/"+f.ws+"/members", map[string]string{"email": caseEmail(n), "role": "viewer"})
		},
		verify: func(t *testing.T, f *fixture, n int, _ *apitest.Response) {
			f.oneUserAndMembership(t, caseEmail(n))
		},
	},
	{
		// A new user resolved just in time: exactly one user for the email.
		name: "authz resolve", ok: 200,
		req: func(f *fixture, n int) apitest.Request {
			return apitest.Request{Method: "POST", Path: "/authz/resolve", Header: map[string]string{"Origin": f.origin},
				Body: map[string]any{"provider": devidp.ProviderName, "idp_token": f.idToken(n)}}
		},
		verify: func(t *testing.T, f *fixture, n int, res *apitest.Response) {
			user := res.Map(t)["user"].(map[string]any)
			if c := f.count(t, "/admin/users?q="+caseEmail(n), func(m map[string]any) bool { return m["email"] == caseEmail(n) }); c != 1 || user["email"] != caseEmail(n) {
				t.Fatalf("%d users with the email, want 1 (answered %v)", c, user)
			}
		},
	},
}

func caseID(n int) string    { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }
func caseEmail(n int) string { return fmt.Sprintf("case%d@example.com", n) }

func (f *fixture) checks(n int) map[string]any {
	var cs []map[string]string
	for i := range n {
		id := f.doc
		if i > 0 {
			id = caseID(1_000_000 + i) // unregistered: denied
		}
		cs = append(cs, map[string]string{"service_name": "docs", "resource_type": "doc", "resource_id": id, "action": "edit"})
	}
	return map[string]any{"checks": cs}
}

func (f *fixture) accessible() map[string]any {
	return map[string]any{"service_name": "docs", "resource_type": "doc", "action": "view", "workspace_id": f.ws}
}

func (f *fixture) adminReq(method, path string, body any) apitest.Request {
	return apitest.Request{Method: method, Path: path, Body: body, Header: map[string]string{"Cookie": "admin_token=" + f.admin.Cookie, "X-Requested-With": "x"}}
}

// grantee is case n's member to share with, added before the fault.
var grantees = map[int]string{}

func (f *fixture) grantee(n int) string { return grantees[n] }

func (f *fixture) idToken(n int) string {
	tok, err := f.iss.Sign(f.iss.Claims(caseEmail(n), f.api.Clock.Now()))
	if err != nil {
		panic(err)
	}
	return tok
}

func (f *fixture) oneUserAndMembership(t *testing.T, email string) {
	t.Helper()
	users := f.count(t, "/admin/users?q="+email, func(m map[string]any) bool { return m["email"] == email })
	members := f.count(t, "/admin/workspaces/"+f.ws+"/members?q="+email, func(m map[string]any) bool { return m["email"] == email })
	if users != 1 || members != 1 {
		t.Fatalf("%d users and %d memberships for %s, want 1 and 1", users, members, email)
	}
}

// fault is one way DynamoDB fails, and what a request that meets it must
// answer: the status and Retry-After of a persistent fault (0: the route
// succeeds, the fault passing or being retried away).
type fault struct {
	name       string
	rules      []faultproxy.Rule
	status     int
	retryAfter string
	// mayTimeOut accepts the 503 of a budget spent retrying instead of
	// status: a conflict that never ends is retried by the transaction and
	// again from its reads, which may outlast the budget on routes that
	// read a lot first.
	mayTimeOut bool
}

var faults = []fault{
	{"throughput exceeded", []faultproxy.Rule{{Kind: faultproxy.Throughput}}, 503, "2", false},
	{"throttling", []faultproxy.Rule{{Kind: faultproxy.Throttling}}, 503, "2", false},
	{"server error", []faultproxy.Rule{{Kind: faultproxy.ServerError}}, 503, "1", false},
	{"hang", []faultproxy.Rule{{Kind: faultproxy.Hang}}, 503, "1", false},
	{"connection reset", []faultproxy.Rule{{Kind: faultproxy.Reset}}, 503, "1", false},
	{"unprocessed keys", []faultproxy.Rule{{Kind: faultproxy.Unprocessed, Op: "BatchGetItem"}}, 503, "2", false},
	{"transaction conflict", []faultproxy.Rule{{Kind: faultproxy.Conflict, Op: "TransactWriteItems"}}, 409, "", true},
	// Passing faults: retried (by the SDK, or the dynamo retry policy) or
	// merely slow, within the budget.
	{"latency", []faultproxy.Rule{{Kind: faultproxy.Latency, Delay: 20 * time.Millisecond}}, 0, "", false},
	{"passing faults", []faultproxy.Rule{
		{Kind: faultproxy.Throughput, Times: 1}, {Kind: faultproxy.Throttling, Skip: 1, Times: 1},
		{Kind: faultproxy.ServerError, Skip: 2, Times: 1}, {Kind: faultproxy.Reset, Skip: 3, Times: 1},
		{Kind: faultproxy.Unprocessed, Op: "BatchGetItem", Times: 2}, {Kind: faultproxy.Conflict, Op: "TransactWriteItems", Times: 2},
	}, 0, "", false},
	// A write that lands but whose answer is lost: the SDK retries it, and
	// the retry must neither fail nor duplicate (a transaction's retry
	// carries the same client token; a conditional write's retry meets its
	// own item).
	{"lost answer", []faultproxy.Rule{
		{Kind: faultproxy.LostAnswer, Op: "TransactWriteItems", Times: 1}, {Kind: faultproxy.LostAnswer, Op: "PutItem", Times: 1},
		{Kind: faultproxy.LostAnswer, Op: "UpdateItem", Times: 1},
	}, 0, "", false},
}

// slackRoute is what a loaded machine may add to a route's budget.
const slackRoute = 1500 * time.Millisecond

// Every route class through every fault: the status and Retry-After, an
// answer within the budget, and — once the fault clears and the client
// retries — exactly the data one successful run leaves.
func TestRoutesUnderFaults(t *testing.T) {
	f := newFixture(t)
	n := 0
	for _, c := range classes {
		for _, flt := range faults {
			n++
			t.Run(c.name+"/"+flt.name, func(t *testing.T) {
				if c.name == "share" {
					grantees[n] = f.addMember(t, fmt.Sprintf("grantee%d@example.com", n))
				}
				req := c.req(f, n)
				persistent := flt.status != 0
				if persistent {
					f.api.ColdStart(short) // nothing cached: every lookup meets the fault
				} else {
					f.api.ColdStart()
				}
				f.proxy.Set(flt.rules...)
				start := time.Now()
				res := f.api.Do(req)
				took := time.Since(start)
				hit := 0
				for _, r := range flt.rules {
					hit += f.proxy.Injected(r.Kind)
				}
				f.proxy.Clear()

				budget := serviceBudget
				if strings.HasPrefix(req.Path, "/admin/") {
					budget = adminBudget
				}
				if persistent && took > budget+slackRoute {
					t.Errorf("answered after %v, want within the budget %v (+ %v slack)", took, budget, slackRoute)
				}
				want := flt.status
				if hit == 0 || want == 0 { // the route makes no such call, or the fault passes
					want = c.ok
				}
				timedOut := flt.mayTimeOut && hit > 0 && res.Status == 503
				if timedOut {
					want = 503
				}
				if res.Status != want {
					t.Fatalf("%d %s (%d faults injected), want %d", res.Status, res.Body, hit, want)
				}
				wantAfter := flt.retryAfter
				if timedOut {
					wantAfter = "1"
				}
				if got := res.Header.Get("Retry-After"); want == 503 && got != wantAfter {
					t.Errorf("Retry-After %q, want %q", got, wantAfter)
				}
				if res.Status != c.ok {
					if !strings.Contains(string(res.Body), `"detail"`) {
						t.Errorf("body %s, want {\"detail\": …}", res.Body)
					}
					// The client retries once the fault has cleared.
					f.api.ColdStart()
					if res = f.api.Do(c.req(f, n)); res.Status != c.ok {
						t.Fatalf("retry after the fault cleared: %d %s, want %d", res.Status, res.Body, c.ok)
					}
				}
				c.verify(t, f, n, res)
			})
		}
	}
}

// What keeps working through a DynamoDB outage (README, "Deadlines and
// outages"): a key and a user looked up less than authtier.OutageTTL ago,
// past their 5 s cache, answer from the cache; older ones, the 503.
func TestCachesServeThroughOutage(t *testing.T) {
	f := newFixture(t)
	f.api.ColdStart(short)
	whoami := f.keyed("GET", "/service/whoami", nil)
	if res := f.api.Do(whoami); res.Status != 200 {
		t.Fatalf("whoami before the outage: %d %s", res.Status, res.Body)
	}
	// The dual tier's lookups (key, user status) cached too; its handler
	// reads the directory, which the outage stops.
	members := f.dual("GET", "/workspaces/"+f.ws+"/members", nil)
	if res := f.api.Do(members); res.Status != 200 {
		t.Fatalf("members before the outage: %d %s", res.Status, res.Body)
	}
	for _, step := range []struct {
		after      time.Duration
		fault      faultproxy.Kind
		whoami     int
		dualDetail string // what the dual route's 503 is about
	}{
		{10 * time.Second, faultproxy.ServerError, 200, "unavailable"},
		{time.Minute, faultproxy.Hang, 200, "did not answer in time"},
		{authtier.OutageTTL, faultproxy.ServerError, 503, "unavailable"},
	} {
		f.api.Clock.Advance(step.after)
		f.proxy.Set(faultproxy.Rule{Kind: step.fault})
		start := time.Now()
		res := f.api.Do(whoami)
		if took := time.Since(start); took > serviceBudget+slackRoute {
			t.Errorf("%v later, %s: whoami after %v, want within the budget", step.after, step.fault, took)
		}
		if res.Status != step.whoami {
			t.Errorf("%v later, %s: whoami %d %s, want %d", step.after, step.fault, res.Status, res.Body, step.whoami)
		}
		if res := f.api.Do(members); res.Status != 503 || !strings.Contains(string(res.Body), step.dualDetail) {
			t.Errorf("%v later, %s: members %d %s, want 503 (%s)", step.after, step.fault, res.Status, res.Body, step.dualDetail)
		}
		f.proxy.Clear()
	}
	if res := f.api.Do(whoami); res.Status != 200 {
		t.Errorf("whoami once DynamoDB is back: %d %s, want 200 without a restart", res.Status, res.Body)
	}
}
