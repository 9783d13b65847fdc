package serviceapps_test

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sentinel/internal/apitest"
	"sentinel/internal/authtier"
	"sentinel/internal/serviceapps"
)

// keyShape is a key of the stage: sk_test_ locally, sk_live_ deployed.
func keyShape(api *apitest.API) *regexp.Regexp {
	return regexp.MustCompile(`^` + api.Config.KeyPrefix() + `[A-Za-z0-9_-]{43}$`)
}

func TestCreateShowsKeyOnceAndStoresOnlyItsHash(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	res := admin.Do("POST", "/admin/service-apps", map[string]any{"name": "Docu Store", "service_name": "docu-store", "allowed_origins": []string{"http://localhost:3000"}})
	if res.Status != 201 {
		t.Fatalf("create: got %d %s, want 201", res.Status, res.Body)
	}
	m := res.Map(t)
	key, _ := m["api_key"].(string)
	if !keyShape(api).MatchString(key) {
		t.Fatalf("api_key %q does not match %s", key, keyShape(api))
	}
	if got := m["key_prefix"]; got != key[:12] {
		t.Errorf("key_prefix = %v, want %q", got, key[:12])
	}
	if m["is_active"] != true || m["created_by"] != apitest.AdminEmail {
		t.Errorf("is_active/created_by = %v/%v", m["is_active"], m["created_by"])
	}
	id := m["id"].(string)
	for _, path := range []string{"/admin/service-apps", "/admin/service-apps/" + id, "/admin/activity"} {
		got := admin.Do("GET", path, nil)
		if got.Status != 200 {
			t.Fatalf("GET %s: %d %s", path, got.Status, got.Body)
		}
		body := string(got.Body)
		if strings.Contains(body, key) || strings.Contains(body, key[12:]) || strings.Contains(body, "key_hash") || strings.Contains(body, "api_key") {
			t.Errorf("GET %s leaks the key or its hash: %s", path, body)
		}
	}
	var list []map[string]any
	admin.Do("GET", "/admin/service-apps", nil).JSON(t, &list)
	if len(list) != 1 || list[0]["service_name"] != "docu-store" {
		t.Errorf("list = %v, want the one app", list)
	}
	// The plaintext key is nowhere in the table, only its SHA-256.
	for _, table := range api.Env.Names {
		items := scanAll(t, api, table)
		if strings.Contains(items, key) {
			t.Errorf("table %s stores the plaintext key", table)
		}
	}
	if !strings.Contains(scanAll(t, api, api.Env.Names["ServiceApps"]), sha256hex(key)) {
		t.Error("ServiceApps does not hold the key's SHA-256")
	}
}

func TestValidationAndConflicts(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	admin.CreateApp("billing", "https://billing.example.com")
	big := strings.Repeat("x", 300<<10)
	cases := []struct {
		name       string
		body       any
		wantStatus int
		wantDetail string
	}{
		{"duplicate service name", map[string]any{"name": "B", "service_name": "billing"}, 409, "service_name 'billing' is already taken"},
		{"origin of another app", map[string]any{"name": "B", "service_name": "b2", "allowed_origins": []string{"https://billing.example.com"}}, 409, "Origin 'https://billing.example.com' is already used by another service app"},
		{"bad service name", map[string]any{"name": "B", "service_name": "Bad_Name"}, 422, "service_name: must match ^[a-z][a-z0-9-]*[a-z0-9]$"},
		{"short service name", map[string]any{"name": "B", "service_name": "b"}, 422, "service_name: must be 2 to 255 characters"},
		{"blank name", map[string]any{"name": "  ", "service_name": "ok-name"}, 422, "name: must not be empty"},
		{"origin with path", map[string]any{"name": "B", "service_name": "ok", "allowed_origins": []string{"https://a.example.com/"}}, 422, "allowed_origins[0]: must be an exact origin like https://app.example.com or http://localhost:3000"},
		{"wildcard origin", map[string]any{"name": "B", "service_name": "ok", "allowed_origins": []string{"https://*.example.com"}}, 422, "allowed_origins[0]: must not contain a wildcard"},
		{"ftp origin", map[string]any{"name": "B", "service_name": "ok", "allowed_origins": []string{"ftp://a.example.com"}}, 422, "allowed_origins[0]: must be an exact origin like https://app.example.com or http://localhost:3000"},
		{"overlong origin", map[string]any{"name": "B", "service_name": "ok", "allowed_origins": []string{"https://" + strings.Repeat("a", 300) + ".example.com"}}, 422, "allowed_origins[0]: must be at most 300 characters"},
		{"duplicate origin", map[string]any{"name": "B", "service_name": "ok", "allowed_origins": []string{"http://a.test", "http://a.test"}}, 422, "allowed_origins[1]: is listed twice"},
		{"wrong type", map[string]any{"name": 5, "service_name": "ok"}, 422, "name: must be a string"},
		{"malformed json", "{", 400, "Malformed JSON body"},
		{"too large", `{"name":"` + big + `"}`, 413, "Request body exceeds 262144 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := admin.Do("POST", "/admin/service-apps", apitest.Bad(tc.body))
			if res.Status != tc.wantStatus || res.Detail(t) != tc.wantDetail {
				t.Errorf("got %d %q, want %d %q", res.Status, res.Detail(t), tc.wantStatus, tc.wantDetail)
			}
		})
	}
	t.Run("too many origins", func(t *testing.T) {
		var origins []string
		for i := range 51 {
			origins = append(origins, fmt.Sprintf("https://o%d.example.com", i))
		}
		res := admin.Do("POST", "/admin/service-apps", map[string]any{"name": "B", "service_name": "many", "allowed_origins": origins})
		if res.Status != 422 || res.Detail(t) != "allowed_origins: must have at most 50 entries" {
			t.Errorf("got %d %s", res.Status, res.Body)
		}
	})
	t.Run("wrong content type", func(t *testing.T) {
		res := api.Do(apitest.Request{Method: "POST", Path: "/admin/service-apps", Body: `{}`, Invalid: true, Header: map[string]string{
			"Cookie": "admin_token=" + admin.Cookie, "X-Requested-With": "x", "Content-Type": "text/plain"}})
		if res.Status != 415 {
			t.Errorf("got %d %s, want 415", res.Status, res.Body)
		}
	})
	t.Run("unsupported method", func(t *testing.T) {
		res := admin.Do("PUT", "/admin/service-apps", map[string]any{})
		if api.Deployed() {
			// API Gateway answers a method no route has itself, before any
			// function: its 404 (README, Known limits).
			if res.Status != 404 || string(res.Body) != `{"message":"Not Found"}` {
				t.Errorf("got %d %s, want API Gateway's 404", res.Status, res.Body)
			}
			return
		}
		if res.Status != 405 || res.Header.Get("Allow") != "GET, POST" {
			t.Errorf("got %d Allow=%q, want 405 GET, POST", res.Status, res.Header.Get("Allow"))
		}
	})
	t.Run("unknown id", func(t *testing.T) {
		for _, id := range []string{"3fa85f64-5717-4562-b3fc-2c963f66afa6", "not-a-uuid"} {
			if res := admin.Do("GET", "/admin/service-apps/"+id, nil); res.Status != 404 {
				t.Errorf("GET %s: got %d, want 404", id, res.Status)
			}
		}
	})
	t.Run("patch origin taken by another app", func(t *testing.T) {
		id, _ := admin.CreateApp("other")
		res := admin.Do("PATCH", "/admin/service-apps/"+id, map[string]any{"allowed_origins": []string{"https://billing.example.com"}})
		if res.Status != 409 {
			t.Errorf("got %d %s, want 409", res.Status, res.Body)
		}
		res = admin.Do("PATCH", "/admin/service-apps/"+id, map[string]any{"allowed_origins": []string{"https://other.example.com"}, "name": "Renamed"})
		if res.Status != 200 || res.Map(t)["name"] != "Renamed" {
			t.Errorf("patch: got %d %s", res.Status, res.Body)
		}
	})
	t.Run("bad grace", func(t *testing.T) {
		id, _ := admin.CreateApp("grace")
		for _, g := range []int{-1, 604801} {
			res := admin.Do("POST", "/admin/service-apps/"+id+"/rotate-key", map[string]any{"grace_period_seconds": g})
			if res.Status != 422 || res.Detail(t) != "grace_period_seconds: must be from 0 to 604800" {
				t.Errorf("grace %d: got %d %s", g, res.Status, res.Body)
			}
		}
	})
}

// Origins released by a patch or a delete can be claimed again, and so can
// a deleted app's service name once ReuseDelay has passed.
func TestClaimsAreReleased(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	id, _ := admin.CreateApp("first", "https://a.example.com")
	if res := admin.Do("PATCH", "/admin/service-apps/"+id, map[string]any{"allowed_origins": []string{}}); res.Status != 200 {
		t.Fatalf("patch: %d %s", res.Status, res.Body)
	}
	admin.CreateApp("second", "https://a.example.com")
	if res := admin.Do("DELETE", "/admin/service-apps/"+id, nil); res.Status != 204 {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	api.Clock.Advance(serviceapps.ReuseDelay)
	admin.CreateApp("first")
}

func whoami(api *apitest.API, key string) *apitest.Response {
	return api.Key("GET", "/service/whoami", key, nil)
}

func TestKeyLifecycle(t *testing.T) {
	api := apitest.NewInProcess(t, "moves the clock past a one-hour grace period")
	admin := api.SignIn()
	id, key := admin.CreateApp("docu-store")
	res := whoami(api, key)
	if res.Status != 200 {
		t.Fatalf("whoami: %d %s", res.Status, res.Body)
	}
	m := res.Map(t)
	if m["service_name"] != "docu-store" || m["key_prefix"] != key[:12] || m["key_expires_at"] != nil {
		t.Errorf("whoami = %v", m)
	}
	const msg = "Invalid or missing service API key"
	for name, k := range map[string]string{"missing": "", "malformed": "nope", "unknown": "sk_test_" + strings.Repeat("A", 43)} {
		if res := whoami(api, k); res.Status != 401 || res.Detail(t) != msg {
			t.Errorf("%s key: got %d %s", name, res.Status, res.Body)
		}
	}
	// Origin never stands in for a key on key-only routes.
	if res := api.Do(apitest.Request{Method: "GET", Path: "/service/whoami", Header: map[string]string{"Origin": "http://localhost:3000"}}); res.Status != 401 {
		t.Errorf("origin instead of key: got %d", res.Status)
	}

	// Rotation with a grace period: both keys work until it ends. (The
	// clock moves between changes so the activity log's order is certain.)
	api.Clock.Advance(time.Second)
	res = admin.Do("POST", "/admin/service-apps/"+id+"/rotate-key", map[string]any{"grace_period_seconds": 3600})
	if res.Status != 200 {
		t.Fatalf("rotate: %d %s", res.Status, res.Body)
	}
	rot := res.Map(t)
	key2 := rot["api_key"].(string)
	if rot["previous_key_expires_at"] != "2030-01-15T13:00:01.000Z" || len(rot["keys"].([]any)) != 2 || rot["key_prefix"] != key2[:12] {
		t.Errorf("rotate answer = %v", rot)
	}
	api.Clock.Advance(authtier.CacheTTL)
	for _, k := range []string{key, key2} {
		if res := whoami(api, k); res.Status != 200 {
			t.Errorf("during grace: %s... got %d", k[:12], res.Status)
		}
	}
	if got := whoami(api, key).Map(t)["key_expires_at"]; got != "2030-01-15T13:00:01.000Z" {
		t.Errorf("old key's key_expires_at = %v", got)
	}
	api.Clock.Advance(time.Hour)
	admin = api.SignIn() // the first session has expired on the test clock
	if res := whoami(api, key); res.Status != 401 {
		t.Errorf("after grace: old key got %d, want 401", res.Status)
	}
	if keys := admin.Do("GET", "/admin/service-apps/"+id, nil).Map(t)["keys"].([]any); len(keys) != 1 {
		t.Errorf("after grace the app shows %d keys, want 1", len(keys))
	}

	// Rotation without grace: the old key stops at once (within the cache bound).
	key3 := admin.Do("POST", "/admin/service-apps/"+id+"/rotate-key", nil).Map(t)["api_key"].(string)
	api.Clock.Advance(authtier.CacheTTL)
	if res := whoami(api, key2); res.Status != 401 {
		t.Errorf("no grace: old key got %d, want 401", res.Status)
	}
	if res := whoami(api, key3); res.Status != 200 {
		t.Errorf("new key got %d", res.Status)
	}

	// Ending a grace period early.
	key4 := admin.Do("POST", "/admin/service-apps/"+id+"/rotate-key", map[string]any{"grace_period_seconds": 600}).Map(t)["api_key"].(string)
	api.Clock.Advance(time.Second)
	if res := admin.Do("POST", "/admin/service-apps/"+id+"/revoke-previous-key", nil); res.Status != 200 || len(res.Map(t)["keys"].([]any)) != 1 {
		t.Fatalf("revoke previous: %d %s", res.Status, res.Body)
	}
	api.Clock.Advance(authtier.CacheTTL)
	if res := whoami(api, key3); res.Status != 401 {
		t.Errorf("revoked previous key got %d", res.Status)
	}

	// Deactivation and reactivation.
	if res := admin.Do("PATCH", "/admin/service-apps/"+id, map[string]any{"is_active": false}); res.Status != 200 {
		t.Fatalf("deactivate: %d", res.Status)
	}
	api.Clock.Advance(authtier.CacheTTL)
	if res := whoami(api, key4); res.Status != 401 || res.Detail(t) != msg {
		t.Errorf("deactivated: got %d %s", res.Status, res.Body)
	}
	admin.Do("PATCH", "/admin/service-apps/"+id, map[string]any{"is_active": true})
	api.Clock.Advance(authtier.CacheTTL)
	if res := whoami(api, key4); res.Status != 200 {
		t.Errorf("reactivated: got %d", res.Status)
	}

	// Deletion.
	if res := admin.Do("DELETE", "/admin/service-apps/"+id, nil); res.Status != 204 {
		t.Fatalf("delete: %d", res.Status)
	}
	api.Clock.Advance(authtier.CacheTTL)
	if res := whoami(api, key4); res.Status != 401 {
		t.Errorf("deleted: got %d", res.Status)
	}

	// Every change is in the activity log, with the actor.
	var page struct {
		Items []struct{ Action, Actor string }
	}
	admin.Do("GET", "/admin/activity?target_type=service_app&target_id="+id, nil).JSON(t, &page)
	var actions []string
	for _, e := range page.Items {
		actions = append(actions, e.Action)
		if e.Actor != apitest.AdminEmail {
			t.Errorf("entry %s has actor %q", e.Action, e.Actor)
		}
	}
	want := "service_app.delete service_app.activate service_app.deactivate service_app.revoke_previous_key service_app.rotate_key service_app.rotate_key service_app.rotate_key service_app.create"
	if strings.Join(actions, " ") != want {
		t.Errorf("activity = %v\nwant %s", actions, want)
	}
}

// A warm key-only request costs one DynamoDB read at most and none while
// the key is cached; last_used_at is written once a minute at most; unknown
// keys are cached negatively and malformed ones cost nothing.
func TestKeyTierCost(t *testing.T) {
	api := apitest.NewInProcess(t, "counts the handlers' DynamoDB calls")
	admin := api.SignIn()
	_, key := admin.CreateApp("costly")
	c := api.Env.Counter
	step := func(name string, want map[string]int) {
		t.Helper()
		c.Reset()
		if res := whoami(api, key); res.Status != 200 {
			t.Fatalf("%s: whoami %d", name, res.Status)
		}
		if got := c.Counts(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: DynamoDB calls = %v, want %v", name, got, want)
		}
	}
	step("cold", map[string]int{"Query": 1, "UpdateItem": 1})
	step("cached", map[string]int{})
	api.Clock.Advance(authtier.CacheTTL)
	step("cache expired, used this minute", map[string]int{"Query": 1})
	api.Clock.Advance(time.Minute)
	step("a minute later", map[string]int{"Query": 1, "UpdateItem": 1})
	if got := admin.Do("GET", "/admin/service-apps", nil).Body; !strings.Contains(string(got), `"last_used_at":"2030-01-15T12:01:05.000Z"`) {
		t.Errorf("last_used_at not recorded: %s", got)
	}

	unknown := "sk_test_" + strings.Repeat("B", 43)
	c.Reset()
	for range 3 {
		whoami(api, unknown)
	}
	// Each failure is counted (authtier's per-IP failure limit): one
	// UpdateItem, and a PutItem for the one that opens the minute.
	if got := c.Counts(); got["Query"] != 1 || got["UpdateItem"] != 3 || c.Total() != 5 {
		t.Errorf("3 requests with one unknown key: %v, want one Query and the 3 failures counted", got)
	}
	c.Reset()
	for i := range 50 {
		whoami(api, fmt.Sprintf("garbage-%d", i))
	}
	// Malformed keys are never looked up; counting stops once the IP is over
	// the limit. The failure that goes over takes two UpdateItems (refused by
	// the count's condition, then counted without a write token).
	if got := c.Counts(); got["Query"] != 0 || got["GetItem"] != 0 || got["UpdateItem"] != authtier.FailureLimit-3+2 || c.Total() != got["UpdateItem"] {
		t.Errorf("50 malformed keys cost %v DynamoDB calls, want only the failure count up to the limit", got)
	}
}

func TestConcurrentCreatesOfOneServiceName(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	var wg sync.WaitGroup
	statuses := make(chan int, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := admin.Do("POST", "/admin/service-apps", map[string]any{"name": fmt.Sprint("App ", i), "service_name": "race"})
			statuses <- res.Status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != 19 {
		t.Errorf("statuses = %v, want one 201 and nineteen 409", count)
	}
	var list []any
	admin.Do("GET", "/admin/service-apps", nil).JSON(t, &list)
	if len(list) != 1 {
		t.Errorf("%d apps stored, want 1", len(list))
	}
}

func TestSecurityHeaders(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	res := admin.Do("POST", "/admin/service-apps", map[string]any{"name": "H", "service_name": "headers"})
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Content-Type": "application/json"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if res.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
}

// A deleted app's name is kept longer than any function caches its key,
// so the purge before the name's reuse comes after the last write the key
// could make.
func TestReuseDelayOutlastsTheKeyCache(t *testing.T) {
	if serviceapps.ReuseDelay <= authtier.CacheTTL {
		t.Errorf("ReuseDelay %v, want more than the key cache's %v", serviceapps.ReuseDelay, authtier.CacheTTL)
	}
}
