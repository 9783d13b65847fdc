package faultproxy_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sentinel/internal/apitest"
	"sentinel/internal/awsjson"
	"sentinel/internal/budget"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/faultproxy"
	"sentinel/internal/idempotency"
)

// production gives the functions the deployed budgets.
func production(c *config.Config) { c.ServiceBudget, c.AdminBudget = budget.Service, budget.Admin }

// limitCount is a rate-limit counter's count in the Limits table (0: none).
func (f *fixture) limitCount(t *testing.T, key string) int {
	t.Helper()
	c, _, err := dynamo.Get[struct {
		Count int `dynamodbav:"count"`
	}](t.Context(), dynamo.Repo{DB: f.api.Env.Client, Table: f.api.Env.Names.Name(dynamo.Limits)}, dynamo.Item{"pk": dynamo.S(key)})
	if err != nil {
		t.Fatalf("counter %s: %v", key, err)
	}
	return c.Count
}

// ip is the client address the API's requests come from.
func (f *fixture) ip() string { return strings.Split(f.api.RemoteAddr, ":")[0] }

// A route class whose request makes single writes (PutItem, UpdateItem):
// the request, its success's status, the state it changes read before and
// checked after.
type writeClass struct {
	name   string
	req    func(f *fixture, n int) apitest.Request
	ok     int
	before func(t *testing.T, f *fixture, n int) int
	verify func(t *testing.T, f *fixture, n int, before int, res *apitest.Response)
}

// counted verifies that the counter key(f, n) counted the request exactly
// want times.
func counted(key func(f *fixture, n int) string, want int) (func(*testing.T, *fixture, int) int, func(*testing.T, *fixture, int, int, *apitest.Response)) {
	return func(t *testing.T, f *fixture, n int) int { return f.limitCount(t, key(f, n)) },
		func(t *testing.T, f *fixture, n int, before int, _ *apitest.Response) {
			t.Helper()
			if got := f.limitCount(t, key(f, n)); got != before+want {
				t.Errorf("counter %s: %d, want %d (%d before, this request %+d)", key(f, n), got, before+want, before, want)
			}
		}
}

const unknownKey = "sk_test_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

var writeClasses = func() []writeClass {
	refusedBefore, refusedVerify := counted(func(f *fixture, _ int) string { return "SVCAUTH#IP#" + f.ip() }, 1)
	resolveBefore, resolveCounted := counted(func(f *fixture, _ int) string { return "AUTHZ#IP#" + f.ip() }, 1)
	signInBefore, signInVerify := counted(func(f *fixture, _ int) string { return "LOGIN#IP#" + f.ip() }, 0)
	failedBefore, failedCounted := counted(func(f *fixture, _ int) string { return "LOGIN#IP#" + f.ip() }, 1)
	resolve := classes[len(classes)-1]
	if resolve.name != "authz resolve" {
		panic("classes: authz resolve is no longer last")
	}
	return []writeClass{
		{
			// A refused key counts one failure of its IP.
			name: "refused key", ok: 401,
			req: func(f *fixture, _ int) apitest.Request {
				return apitest.Request{Method: "GET", Path: "/service/whoami", Header: map[string]string{"X-Service-Key": unknownKey}}
			},
			before: refusedBefore, verify: refusedVerify,
		},
		{
			// A resolve counts one request of its IP, claims its ID token
			// and creates its user once.
			name: "authz resolve", ok: 200, req: resolve.req, before: resolveBefore,
			verify: func(t *testing.T, f *fixture, n int, before int, res *apitest.Response) {
				resolveCounted(t, f, n, before, res)
				resolve.verify(t, f, n, res)
			},
		},
		{
			// A sign-in takes a slot of its IP's and its email's limits and
			// gives both back.
			name: "sign-in", ok: 200,
			req: func(f *fixture, _ int) apitest.Request {
				return apitest.Request{Method: "POST", Path: "/admin/auth/login", Body: map[string]string{"email": apitest.AdminEmail, "password": apitest.AdminPassword},
					Header: map[string]string{"X-Requested-With": "XMLHttpRequest"}}
			},
			before: signInBefore,
			verify: func(t *testing.T, f *fixture, n int, before int, res *apitest.Response) {
				signInVerify(t, f, n, before, res)
				if got := f.limitCount(t, "LOGIN#EMAIL#"+apitest.AdminEmail); got != 0 {
					t.Errorf("the email's sign-in count: %d, want 0 (given back)", got)
				}
			},
		},
		{
			// A failed sign-in counts one failure of its IP and of its email,
			// and is logged once.
			name: "failed sign-in", ok: 401,
			req: func(f *fixture, n int) apitest.Request {
				return apitest.Request{Method: "POST", Path: "/admin/auth/login", Body: map[string]string{"email": caseEmail(n), "password": "not the password"},
					Header: map[string]string{"X-Requested-With": "XMLHttpRequest"}}
			},
			before: failedBefore,
			verify: func(t *testing.T, f *fixture, n int, before int, res *apitest.Response) {
				failedCounted(t, f, n, before, res)
				if got := f.limitCount(t, "LOGIN#EMAIL#"+caseEmail(n)); got != 1 {
					t.Errorf("the email's failure count: %d, want 1", got)
				}
				if got := f.count(t, "/admin/activity?action=admin.login_failed&target_type=admin&target_id="+caseEmail(n), func(map[string]any) bool { return true }); got != 1 {
					t.Errorf("%d failed sign-ins logged, want 1", got)
				}
			},
		},
		{
			// Registering an action stores it once, as described.
			name: "register actions", ok: 201,
			req: func(f *fixture, n int) apitest.Request {
				return f.keyed("POST", "/roles/actions/register", map[string]any{"service_name": "docs",
					"actions": []map[string]string{{"action": fmt.Sprintf("act%d", n), "description": "case"}}})
			},
			before: func(*testing.T, *fixture, int) int { return 0 },
			verify: func(t *testing.T, f *fixture, n int, _ int, _ *apitest.Response) {
				act := fmt.Sprintf("act%d", n)
				if got := f.count(t, "/admin/service-actions?service_name=docs&limit=100", func(m map[string]any) bool {
					return m["action"] == act && m["description"] == "case"
				}); got != 1 {
					t.Errorf("%d stored actions %s, want 1", got, act)
				}
			},
		},
	}
}()

// Every route class that makes single writes, through writes that land but
// whose answer is lost (the connection reset) or late (held past the
// attempt timeout): the client repeats the write, which must neither fail
// (meeting its own condition) nor count twice. The request answers as a
// run without the fault does, within the deployed budget, and leaves
// exactly what one run leaves.
func TestSingleWritesUnderLostAnswers(t *testing.T) {
	f := newFixture(t)
	// AWS's attempt timeout, not DynamoDB Local's, so that a late answer is
	// abandoned and retried within the deployed budgets.
	f.api.UseDB(dynamo.LocalWireClient(f.proxy.URL, awsjson.Options{AttemptTimeout: budget.AttemptTimeout, Observe: f.api.Env.Counter.Observe}))
	faults := []struct {
		name string
		kind faultproxy.Kind
		ops  []string
	}{
		{"lost answer", faultproxy.LostAnswer, []string{"PutItem", "UpdateItem"}},
		{"late answer/UpdateItem", faultproxy.LateAnswer, []string{"UpdateItem"}},
		{"late answer/PutItem", faultproxy.LateAnswer, []string{"PutItem"}},
	}
	n := 10_000
	for _, c := range writeClasses {
		hits := 0
		for _, flt := range faults {
			n++
			t.Run(c.name+"/"+flt.name, func(t *testing.T) {
				req := c.req(f, n)
				before := c.before(t, f, n)
				f.api.ColdStart(production)
				var rules []faultproxy.Rule
				for _, op := range flt.ops {
					rules = append(rules, faultproxy.Rule{Kind: flt.kind, Op: op, Times: 1})
				}
				f.proxy.Set(rules...)
				start := time.Now()
				res := f.api.Do(req)
				took := time.Since(start)
				hit := f.proxy.Injected(flt.kind)
				f.proxy.Clear()
				hits += hit
				limit := budget.Service
				if strings.HasPrefix(req.Path, "/admin/") {
					limit = budget.Admin
				}
				if took > limit+slackRoute {
					t.Errorf("answered after %v, want within the budget %v (+ %v slack)", took, limit, slackRoute)
				}
				if res.Status != c.ok {
					t.Fatalf("%d %s (%d faults injected), want %d", res.Status, res.Body, hit, c.ok)
				}
				c.verify(t, f, n, before, res)
			})
		}
		if hits == 0 {
			t.Errorf("%s: no fault injected: the class makes no single write", c.name)
		}
	}
}

// The operator's admin create (adminauth's upsert, an UpdateItem that adds
// to the session version and answers what the account was) repeated after
// its first attempt landed still tells a new admin from a password reset.
func TestAdminUpsertUnderLostAnswers(t *testing.T) {
	f := newFixture(t)
	f.api.UseDB(dynamo.LocalWireClient(f.proxy.URL, awsjson.Options{AttemptTimeout: budget.AttemptTimeout, Observe: f.api.Env.Counter.Observe}))
	const email, password = "operator@example.com", "a long enough password"
	for i, step := range []struct {
		kind    faultproxy.Kind
		created bool
		action  string
	}{
		{faultproxy.LostAnswer, true, "admin.create"},
		{faultproxy.LateAnswer, false, "admin.password_reset"},
	} {
		f.proxy.Set(faultproxy.Rule{Kind: step.kind, Op: "UpdateItem", Times: 1})
		created, err := f.api.Deps.Admins.Ensure(t.Context(), email, password)
		hit := f.proxy.Injected(step.kind)
		f.proxy.Clear()
		if err != nil || created != step.created || hit != 1 {
			t.Fatalf("step %d (%s): created %v, err %v, %d faults; want created %v", i, step.kind, created, err, hit, step.created)
		}
		if got := f.count(t, "/admin/activity?action="+step.action+"&target_type=admin&target_id="+email, func(map[string]any) bool { return true }); got != 1 {
			t.Errorf("step %d: %d %s entries, want 1", i, got, step.action)
		}
	}
	if res, s := f.api.SignInAs(email, password); res.Status != 200 || s == nil {
		t.Errorf("sign-in after: %d %s", res.Status, res.Body)
	}
}

// A create whose transaction landed but whose answer came too late (the
// request's budget ended: 503), retried by the client with its
// Idempotency-Key once the fault clears: one app, and the answer names it.
func TestCreateRetriedWithIdempotencyKey(t *testing.T) {
	f := newFixture(t)
	req := f.adminReq("POST", "/admin/service-apps", map[string]any{"name": "Ledger", "service_name": "ledger", "allowed_origins": []string{}})
	req.Header[idempotency.Header] = "ledger-create-1"
	f.api.ColdStart(short)
	f.proxy.Set(faultproxy.Rule{Kind: faultproxy.LateAnswer, Op: "TransactWriteItems", Times: 1})
	res := f.api.Do(req)
	hit := f.proxy.Injected(faultproxy.LateAnswer)
	f.proxy.Clear()
	if res.Status != 503 || hit != 1 {
		t.Fatalf("create with its answer held: %d %s (%d faults), want 503", res.Status, res.Body, hit)
	}
	f.api.ColdStart()
	retry := f.api.Do(req)
	var apps []map[string]any
	f.admin.Do("GET", "/admin/service-apps", nil).JSON(t, &apps)
	var ids []string
	for _, a := range apps {
		if a["service_name"] == "ledger" {
			ids = append(ids, a["id"].(string))
		}
	}
	if len(ids) != 1 {
		t.Fatalf("%d apps named ledger, want 1", len(ids))
	}
	if retry.Status != 409 || !strings.Contains(string(retry.Body), ids[0]) {
		t.Errorf("the retry: %d %s, want 409 naming app %s", retry.Status, retry.Body, ids[0])
	}
}
