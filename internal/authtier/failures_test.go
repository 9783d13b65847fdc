package authtier_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/apitest"
	"sentinel/internal/authtier"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/ratelimit"
)

// The original project's pentest: 30 requests with bad credentials to
// /permissions/check from one address. The first FailureLimit get 401, the
// rest 429 with Retry-After; successful calls before them were never
// counted; once over, the address is refused even with a good key until the
// window ends, while other addresses are unaffected.
func TestServiceRouteFailureLimit(t *testing.T) {
	api := apitest.NewInProcess(t, "sends from chosen client addresses and moves the clock past the window")
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	user := api.UserToken("u1", "w1", "editor")
	check := map[string]any{"checks": []any{map[string]any{"service_name": "docu-store", "resource_type": "document", "resource_id": "3f1e7c52-7a4b-4d6e-9a51-0c2b8d9e4f10", "action": "view"}}}
	dual := func(k, bearer string) *apitest.Response {
		return api.Do(apitest.Request{Method: "POST", Path: "/permissions/check", Body: check,
			Header: map[string]string{"X-Service-Key": k, "Authorization": "Bearer " + bearer}})
	}

	// Many successful calls count nothing: the warm ones cost no DynamoDB call at all.
	for i := range 3 * authtier.FailureLimit {
		if res := api.Key("GET", "/service/whoami", key, nil); res.Status != 200 {
			t.Fatalf("whoami %d: %d %s", i, res.Status, res.Body)
		}
	}
	api.Env.Counter.Reset()
	if res := dual(key, user); res.Status != 200 {
		t.Fatalf("check: %d %s", res.Status, res.Body)
	}
	if n := api.Env.Counter.Counts()["UpdateItem"] + api.Env.Counter.Counts()["PutItem"]; n != 0 {
		t.Errorf("a successful call wrote %d times", n)
	}
	if c := failureCount(t, api, api.RemoteAddr); c != 0 {
		t.Errorf("failures counted after only successful calls: %d", c)
	}

	// Bad credentials of every kind, from one address.
	bad := []func() *apitest.Response{
		func() *apitest.Response { return dual("", user) },                                                      // no key
		func() *apitest.Response { return dual("not-a-key", user) },                                             // malformed key
		func() *apitest.Response { return dual("sk_test_"+fmt.Sprintf("%043d", 7), user) },                      // unknown key
		func() *apitest.Response { return dual(key, "x.y.z") },                                                  // good key, bad token
		func() *apitest.Response { return api.Key("GET", "/service/whoami", "sk_test_wrong", nil) },             // key tier
		func() *apitest.Response { return api.Key("POST", "/roles/check", "", map[string]any{"user_id": "u"}) }, // key tier
	}
	statuses := map[int]int{}
	retryAfter := 0
	for i := range 30 {
		res := bad[i%len(bad)]()
		statuses[res.Status]++
		switch {
		case i < authtier.FailureLimit && res.Status != 401:
			t.Errorf("attempt %d: %d %s, want 401", i+1, res.Status, res.Body)
		case i >= authtier.FailureLimit:
			if res.Status != 429 || res.Detail(t) != "Too many failed authentication attempts; try again later" {
				t.Errorf("attempt %d: %d %s, want 429", i+1, res.Status, res.Body)
			}
			// The window's end, in whole seconds rounded up (the clock stands still here).
			s, err := strconv.Atoi(res.Header.Get("Retry-After"))
			if err != nil || s < 1 || s > int(authtier.FailureWindow.Seconds())+1 {
				t.Errorf("attempt %d: Retry-After %q", i+1, res.Header.Get("Retry-After"))
			}
			retryAfter = s
		}
	}
	if statuses[401] != authtier.FailureLimit || statuses[429] != 30-authtier.FailureLimit {
		t.Errorf("statuses = %v", statuses)
	}

	// Blocked: even a good key is refused from this address, before any lookup.
	api.Env.Counter.Reset()
	if res := dual(key, user); res.Status != 429 {
		t.Errorf("good credentials from a blocked address: %d %s", res.Status, res.Body)
	}
	if n := api.Env.Counter.Total(); n != 0 {
		t.Errorf("a blocked request cost %d DynamoDB calls", n)
	}
	// Another address is unaffected.
	blocked := api.RemoteAddr
	api.RemoteAddr = "198.51.100.7:5555"
	if res := dual(key, user); res.Status != 200 {
		t.Errorf("another address: %d %s", res.Status, res.Body)
	}
	if res := dual("", user); res.Status != 401 {
		t.Errorf("another address's first failure: %d %s", res.Status, res.Body)
	}
	// Retry-After later, the blocked address works again.
	api.RemoteAddr = blocked
	api.Clock.Advance(time.Duration(retryAfter) * time.Second)
	if res := dual(key, user); res.Status != 200 {
		t.Errorf("after the window: %d %s", res.Status, res.Body)
	}
	if res := dual("", user); res.Status != 401 {
		t.Errorf("a failure after the window: %d %s", res.Status, res.Body)
	}
}

// The count is shared: failures spread over two function instances (two
// authenticators, as two Lambdas would hold) add up to one limit.
func TestFailureLimitSharedByInstances(t *testing.T) {
	api := apitest.NewInProcess(t, "builds a second instance of the tier in process")
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	instance := func() http.Handler {
		limits := ratelimit.New(api.Env.Client, api.Env.Names[dynamo.Limits.ID], api.Clock.Now)
		a := authtier.New(api.Deps.Apps, api.Deps.Keys.User, api.Deps.Directory, limits, api.Clock.Now)
		return a.KeyOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	}
	a, b := instance(), instance()
	send := func(h http.Handler, k string) int {
		r := httptest.NewRequest("GET", "/service/whoami", nil)
		r.RemoteAddr = "203.0.113.9:1000"
		r.Header.Set("X-Service-Key", k)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	for i := range authtier.FailureLimit {
		h := a
		if i%2 == 1 {
			h = b
		}
		if got := send(h, "sk_test_nope"); got != 401 {
			t.Fatalf("failure %d: %d, want 401", i+1, got)
		}
	}
	if got := send(b, "sk_test_nope"); got != 429 {
		t.Errorf("failure %d on the second instance: %d, want 429", authtier.FailureLimit+1, got)
	}
	// The first instance learns of the block from its own next failure...
	if got := send(a, "sk_test_nope"); got != 429 {
		t.Errorf("failure on the first instance: %d, want 429", got)
	}
	// ...and the second refuses even a good key until the window ends.
	if got := send(b, key); got != 429 {
		t.Errorf("good key on a blocking instance: %d, want 429", got)
	}
}

// failureCount reads the address's failure counter from the Limits table.
func failureCount(t *testing.T, api *apitest.API, remoteAddr string) int {
	t.Helper()
	ip, _, _ := net.SplitHostPort(remoteAddr)
	out, err := api.Env.Client.GetItem(context.Background(), &ddb.GetItemInput{
		TableName: aws.String(api.Env.Names[dynamo.Limits.ID]), Key: map[string]ddb.AttributeValue{"pk": dynamo.S("SVCAUTH#IP#" + ip)},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Item == nil {
		return 0
	}
	n, _ := strconv.Atoi(out.Item["count"].(*ddb.AttributeValueMemberN).Value)
	return n
}
