package adminauth_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"sentinel/internal/apitest"
	"sentinel/internal/apperr"
	"sentinel/internal/config"
	"sentinel/internal/wire/adminwire"
)

func login(api *apitest.API, email, password string, header map[string]string) *apitest.Response {
	h := map[string]string{"X-Requested-With": "XMLHttpRequest"}
	for k, v := range header {
		h[k] = v
	}
	return api.Do(apitest.Request{Method: "POST", Path: "/admin/auth/login", Body: map[string]string{"email": email, "password": password}, Header: h})
}

func TestLoginCookieMeLogout(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	res := login(api, apitest.AdminEmail, apitest.AdminPassword, nil)
	cookies := (&http.Response{Header: res.Header}).Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies = %v", cookies)
	}
	c := cookies[0]
	if c.Name != "admin_token" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/admin" || c.MaxAge != 3600 {
		t.Errorf("cookie = %+v", c)
	}
	// Secure outside the local stage (the deployed stack serves https).
	if c.Secure == api.Config.Local() {
		t.Errorf("cookie Secure = %v on stage %s", c.Secure, api.Config.Stage)
	}
	if me := admin.Do("GET", "/admin/auth/me", nil); me.Status != 200 || me.Map(t)["email"] != apitest.AdminEmail {
		t.Errorf("me = %d %s", me.Status, me.Body)
	}
	// Writes need X-Requested-With.
	res = api.Do(apitest.Request{Method: "POST", Path: "/admin/service-apps", Body: map[string]string{"name": "x", "service_name": "xy"},
		Header: map[string]string{"Cookie": "admin_token=" + admin.Cookie}})
	if res.Status != 403 {
		t.Errorf("write without X-Requested-With: %d", res.Status)
	}
	if res := login(api, apitest.AdminEmail, apitest.AdminPassword, map[string]string{"X-Requested-With": ""}); res.Status != 403 {
		t.Errorf("login without X-Requested-With: %d", res.Status)
	}
	// No cookie, a forged cookie.
	if res := api.Do(apitest.Request{Method: "GET", Path: "/admin/auth/me"}); res.Status != 401 {
		t.Errorf("me without cookie: %d", res.Status)
	}
	if res := api.Do(apitest.Request{Method: "GET", Path: "/admin/auth/me", Header: map[string]string{"Cookie": "admin_token=" + api.UserToken("u", "w", "owner")}}); res.Status != 401 {
		t.Errorf("me with a user token as cookie: %d", res.Status)
	}
	// Logout revokes the token id.
	if res := admin.Do("POST", "/admin/auth/logout", nil); res.Status != 200 || !strings.Contains(res.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("logout = %d %v", res.Status, res.Header)
	}
	if res := admin.Do("GET", "/admin/auth/me", nil); res.Status != 401 {
		t.Errorf("me after logout: %d", res.Status)
	}
}

func TestSessionLastsAtMostAnHour(t *testing.T) {
	api := apitest.NewInProcess(t, "moves the clock an hour")
	admin := api.SignIn()
	api.Clock.Advance(59 * time.Minute)
	if res := admin.Do("GET", "/admin/auth/me", nil); res.Status != 200 {
		t.Errorf("after 59 min: %d", res.Status)
	}
	api.Clock.Advance(time.Minute)
	if res := admin.Do("GET", "/admin/auth/me", nil); res.Status != 401 {
		t.Errorf("after 60 min: %d", res.Status)
	}
}

func TestEmailLockout(t *testing.T) {
	api := apitest.NewInProcess(t, "moves the clock past the lockout window")
	api.SignIn()
	for _, email := range []string{apitest.AdminEmail, "nobody@example.com"} {
		for i := range 5 {
			res := login(api, email, "wrong password", nil)
			if res.Status != 401 || res.Detail(t) != "Invalid email or password" {
				t.Fatalf("%s failure %d: %d %s", email, i+1, res.Status, res.Body)
			}
			api.Clock.Advance(time.Minute)
		}
		// Locked, even with the right password, until the window passes.
		res := login(api, email, apitest.AdminPassword, nil)
		if res.Status != 429 || res.Header.Get("Retry-After") == "" {
			t.Fatalf("%s sixth attempt: %d %s", email, res.Status, res.Body)
		}
		if ra := res.Header.Get("Retry-After"); ra != "601" {
			t.Errorf("Retry-After = %s, want 601 (the 15-minute window opened 5 minutes ago)", ra)
		}
		api.Clock.Advance(10 * time.Minute)
	}
	if res := login(api, apitest.AdminEmail, apitest.AdminPassword, nil); res.Status != 200 {
		t.Errorf("after the window: %d %s", res.Status, res.Body)
	}
}

// The limits count an attempt before its password is compared, atomically:
// 50 wrong passwords at once for one email get at most 5 comparisons (the
// others a 429 without one), and 50 at once from one IP for as many emails
// at most 20 (issue 17 item 2).
func TestLimitsHoldUnderParallelAttempts(t *testing.T) {
	cases := []struct {
		name  string
		email func(i int) string
		max   int
	}{
		{"one email", func(int) string { return apitest.AdminEmail }, 5},
		{"one IP, many emails", func(i int) string { return fmt.Sprintf("p%d@example.com", i) }, 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := apitest.NewInProcess(t, "counts the passwords the process compares")
			api.SignIn()
			// The admin-auth function signs in with the instance the test counts.
			apitest.Provide(api, adminwire.Service, api.Deps.Admins)
			before := api.Deps.Admins.PasswordsCompared()
			var wg sync.WaitGroup
			statuses := make([]int, 50)
			for i := range statuses {
				wg.Go(func() { statuses[i] = login(api, tc.email(i), "wrong password", nil).Status })
			}
			wg.Wait()
			compared := int(api.Deps.Admins.PasswordsCompared() - before)
			count := map[int]int{}
			for _, s := range statuses {
				count[s]++
			}
			if compared > tc.max {
				t.Errorf("%d passwords compared, want at most %d", compared, tc.max)
			}
			if count[401] != compared || count[429] != 50-compared {
				t.Errorf("answers %v for %d comparisons: want a 401 for each comparison and 429 for every other attempt", count, compared)
			}
			if compared != tc.max {
				t.Errorf("%d passwords compared, want the limit's %d (no attempt lost)", compared, tc.max)
			}
			// The right password is refused too until the window ends.
			if res := login(api, tc.email(0), apitest.AdminPassword, nil); res.Status != 429 {
				t.Errorf("the right password after the burst: %d, want 429", res.Status)
			}
		})
	}
}

// A successful sign-in gives its counts back: the windows count failures.
func TestSuccessfulSignInsAreNotCounted(t *testing.T) {
	api := apitest.New(t)
	api.SignIn()
	for i := range 30 {
		if res := login(api, apitest.AdminEmail, apitest.AdminPassword, nil); res.Status != 200 {
			t.Fatalf("sign-in %d: %d %s", i+1, res.Status, res.Body)
		}
	}
	for i := range 4 {
		if res := login(api, apitest.AdminEmail, "wrong password", nil); res.Status != 401 {
			t.Fatalf("failure %d: %d", i+1, res.Status)
		}
	}
	if res := login(api, apitest.AdminEmail, apitest.AdminPassword, nil); res.Status != 200 {
		t.Fatalf("after 4 failures: %d", res.Status)
	}
	if res := login(api, apitest.AdminEmail, "wrong password", nil); res.Status != 401 {
		t.Fatalf("fifth failure: %d", res.Status)
	}
	if res := login(api, apitest.AdminEmail, apitest.AdminPassword, nil); res.Status != 429 {
		t.Errorf("after five failures in the window (a success between them): %d, want 429", res.Status)
	}
}

// A password reset (admin create on an existing email) ends every session
// of the admin at once; so does a deactivation, and a deactivated admin is
// reactivated only when asked (issue 17 item 3).
func TestCredentialChangesEndSessions(t *testing.T) {
	api := apitest.New(t)
	ctx := t.Context()
	admins := api.Deps.Admins
	first, second := api.SignIn(), api.SignIn()
	me := func(s *apitest.Admin) int { return s.Do("GET", "/admin/auth/me", nil).Status }
	if me(first) != 200 || me(second) != 200 {
		t.Fatal("sessions before the reset do not work")
	}
	const newPassword = "a brand new password 42"
	if created, err := admins.Ensure(ctx, apitest.AdminEmail, newPassword); err != nil || created {
		t.Fatalf("reset: created %v, err %v", created, err)
	}
	if me(first) != 401 || me(second) != 401 {
		t.Errorf("sessions after a password reset: %d %d, want 401 401", me(first), me(second))
	}
	if res := login(api, apitest.AdminEmail, apitest.AdminPassword, nil); res.Status != 401 {
		t.Errorf("old password: %d", res.Status)
	}
	res := login(api, apitest.AdminEmail, newPassword, nil)
	if res.Status != 200 {
		t.Fatalf("new password: %d %s", res.Status, res.Body)
	}
	third := &apitest.Admin{}
	*third = *first
	third.Cookie = (&http.Response{Header: res.Header}).Cookies()[0].Value
	if me(third) != 200 {
		t.Fatal("a session after the reset does not work")
	}

	if err := admins.Deactivate(ctx, apitest.AdminEmail); err != nil {
		t.Fatal(err)
	}
	if me(third) != 401 {
		t.Errorf("session after deactivation: %d, want 401", me(third))
	}
	// A reset does not reactivate silently.
	_, err := admins.Ensure(ctx, apitest.AdminEmail, newPassword)
	if !apperr.Is(err, apperr.Conflict) || !strings.Contains(err.Error(), "--reactivate") {
		t.Fatalf("reset of a deactivated admin: %v, want a 409 naming --reactivate", err)
	}
	if res := login(api, apitest.AdminEmail, newPassword, nil); res.Status != 401 {
		t.Errorf("sign-in after the refused reset: %d, want 401 (still deactivated)", res.Status)
	}
	if _, err := admins.Reactivate(ctx, apitest.AdminEmail, newPassword); err != nil {
		t.Fatal(err)
	}
	if me(third) != 401 {
		t.Errorf("a session from before the deactivation after reactivation: %d, want 401", me(third))
	}
	res = login(api, apitest.AdminEmail, newPassword, nil)
	if res.Status != 200 {
		t.Fatalf("sign-in after reactivation: %d %s", res.Status, res.Body)
	}
	third.Cookie = (&http.Response{Header: res.Header}).Cookies()[0].Value
	if err := admins.Deactivate(ctx, "nobody@example.com"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("deactivating an unknown admin: %v, want 404", err)
	}
	page := third.Do("GET", "/admin/activity", nil)
	for _, action := range []string{"admin.password_reset", "admin.deactivate", "admin.reactivate"} {
		if !strings.Contains(string(page.Body), `"`+action+`"`) {
			t.Errorf("no %s in the activity log: %s", action, page.Body)
		}
	}
}

// One client IP may fail at most 20 times a minute, whatever emails it
// tries and whatever X-Forwarded-For claims.
func TestIPLimitIgnoresForwardedFor(t *testing.T) {
	api := apitest.NewInProcess(t, "sends from several client addresses and moves the clock a minute")
	api.SignIn()
	for i := range 20 {
		res := login(api, fmt.Sprintf("u%d@example.com", i), "x", map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i)})
		if res.Status != 401 {
			t.Fatalf("failure %d: %d", i+1, res.Status)
		}
	}
	res := login(api, apitest.AdminEmail, apitest.AdminPassword, map[string]string{"X-Forwarded-For": "198.51.100.7"})
	if res.Status != 429 {
		t.Errorf("21st attempt from the same source IP: %d, want 429", res.Status)
	}
	api.RemoteAddr = "198.51.100.7:1000"
	if res := login(api, apitest.AdminEmail, apitest.AdminPassword, nil); res.Status != 200 {
		t.Errorf("another source IP: %d", res.Status)
	}
	api.RemoteAddr = "192.0.2.10:4242"
	api.Clock.Advance(time.Minute)
	if res := login(api, apitest.AdminEmail, apitest.AdminPassword, nil); res.Status != 200 {
		t.Errorf("a minute later: %d", res.Status)
	}
}

// Behind the admin site's CloudFront distribution every admin shares the
// edge's source IP; the per-IP limit counts the viewer instead, but only
// for requests carrying the origin secret the stack gives the distribution
// (issue 17 item 7). A direct call naming a viewer counts against its own
// source IP.
func TestIPLimitCountsTheViewerBehindCloudFront(t *testing.T) {
	const secret = "origin-secret-of-the-stack-0123"
	api := apitest.New(t, func(c *config.Config) { c.OriginSecret = secret })
	api.SignIn()
	api.RemoteAddr = "130.176.0.1:443" // a CloudFront edge
	viaCloudFront := func(viewer string) map[string]string {
		return map[string]string{"X-Sentinel-Origin-Verify": secret, "CloudFront-Viewer-Address": viewer + ":50123"}
	}
	for i := range 20 {
		if res := login(api, fmt.Sprintf("u%d@example.com", i), "x", viaCloudFront("203.0.113.5")); res.Status != 401 {
			t.Fatalf("failure %d: %d", i+1, res.Status)
		}
	}
	if res := login(api, apitest.AdminEmail, apitest.AdminPassword, viaCloudFront("203.0.113.5")); res.Status != 429 {
		t.Errorf("21st attempt of the same viewer: %d, want 429", res.Status)
	}
	if res := login(api, apitest.AdminEmail, apitest.AdminPassword, viaCloudFront("198.51.100.20")); res.Status != 200 {
		t.Errorf("another admin behind the same edge: %d %s, want 200", res.Status, res.Body)
	}
	// Without the secret the header names nobody: the edge's own address
	// counts, and it has not failed yet.
	forged := map[string]string{"CloudFront-Viewer-Address": "203.0.113.5:1"}
	if res := login(api, apitest.AdminEmail, apitest.AdminPassword, forged); res.Status != 200 {
		t.Errorf("a direct call naming the limited viewer: %d, want 200 (its own source IP counts)", res.Status)
	}
	api.RemoteAddr = "203.0.113.77:999"
	for i := range 20 {
		login(api, fmt.Sprintf("v%d@example.com", i), "x", map[string]string{"X-Sentinel-Origin-Verify": "guess", "CloudFront-Viewer-Address": fmt.Sprintf("198.51.100.%d:1", i)})
	}
	if res := login(api, apitest.AdminEmail, apitest.AdminPassword, nil); res.Status != 429 {
		t.Errorf("after 20 failures with a wrong secret and changing viewers: %d, want 429 for the source IP", res.Status)
	}
}

func TestLoginActivityHasNoSecrets(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	login(api, apitest.AdminEmail, "hunter2-wrong", nil)
	res := admin.Do("GET", "/admin/activity?action=admin.login_failed", nil)
	var page struct{ Items []map[string]any }
	res.JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0]["target_id"] != apitest.AdminEmail {
		t.Fatalf("login_failed entries = %s", res.Body)
	}
	all := string(admin.Do("GET", "/admin/activity", nil).Body)
	for _, secret := range []string{"hunter2-wrong", apitest.AdminPassword, admin.Cookie} {
		if strings.Contains(all, secret) {
			t.Errorf("activity log contains a secret %q", secret)
		}
	}
}
