package serviceapps_test

import (
	"strings"
	"testing"

	"sentinel/internal/apitest"
	"sentinel/internal/idempotency"
)

// createWithKey creates a service app as s, sending key as Idempotency-Key.
func createWithKey(api *apitest.API, s *apitest.Admin, key, serviceName string) *apitest.Response {
	return api.Do(createRequest(s, key, serviceName))
}

func createRequest(s *apitest.Admin, key, serviceName string) apitest.Request {
	return apitest.Request{Method: "POST", Path: "/admin/service-apps",
		Body:   map[string]any{"name": "App " + serviceName, "service_name": serviceName, "allowed_origins": []string{}},
		Header: map[string]string{"Cookie": "admin_token=" + s.Cookie, "X-Requested-With": "XMLHttpRequest", idempotency.Header: key}}
}

// appsNamed is how many service apps the list holds with serviceName.
func appsNamed(t *testing.T, s *apitest.Admin, serviceName string) int {
	t.Helper()
	var apps []map[string]any
	res := s.Do("GET", "/admin/service-apps", nil)
	res.JSON(t, &apps)
	n := 0
	for _, a := range apps {
		if a["service_name"] == serviceName {
			n++
		}
	}
	return n
}

// A create sent again with its Idempotency-Key after it landed is told
// apart from a name someone else took: a 409 naming the app created, as
// its api_key is never stored to be shown again. The key with another body
// is a 422; another admin's key of the same value is its own.
func TestCreateIdempotencyKey(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	const key = "create-billing-1"
	first := createWithKey(api, admin, key, "billing")
	if first.Status != 201 {
		t.Fatalf("first create: %d %s", first.Status, first.Body)
	}
	id := first.Map(t)["id"].(string)

	again := createWithKey(api, admin, key, "billing")
	if again.Status != 409 || !strings.Contains(string(again.Body), id) || !strings.Contains(string(again.Body), idempotency.Header) {
		t.Errorf("the same create again: %d %s, want 409 naming app %s and the key", again.Status, again.Body, id)
	}
	if strings.Contains(string(again.Body), "sk_") {
		t.Errorf("the replay shows a key: %s", again.Body)
	}
	if n := appsNamed(t, admin, "billing"); n != 1 {
		t.Errorf("%d apps named billing, want 1", n)
	}

	other := createWithKey(api, admin, key, "payroll")
	if other.Status != 422 || !strings.Contains(string(other.Body), "another request") {
		t.Errorf("the key with another body: %d %s, want 422", other.Status, other.Body)
	}
	if n := appsNamed(t, admin, "payroll"); n != 0 {
		t.Errorf("%d apps named payroll, want none", n)
	}

	// Without the key, the same create is the taken name, as before.
	if res := admin.Do("POST", "/admin/service-apps", map[string]any{"name": "App billing", "service_name": "billing", "allowed_origins": []string{}}); res.Status != 409 || !strings.Contains(string(res.Body), "already taken") {
		t.Errorf("without the key: %d %s, want the 409 of a taken name", res.Status, res.Body)
	}

	// Keys are scoped to their caller: another admin's use of the same
	// value is a create of its own.
	if _, err := api.Deps.Admins.Ensure(t.Context(), "second@example.com", "a long enough password"); err != nil {
		t.Fatal(err)
	}
	res, second := api.SignInAs("second@example.com", "a long enough password")
	if second == nil {
		t.Fatalf("second admin's sign-in: %d %s", res.Status, res.Body)
	}
	if res := createWithKey(api, second, key, "payroll"); res.Status != 201 {
		t.Errorf("another admin, same key value: %d %s, want 201", res.Status, res.Body)
	}

	for _, bad := range []string{"with space", strings.Repeat("k", idempotency.MaxLen+1)} {
		req := createRequest(admin, bad, "ledger")
		req.Invalid = true
		if res := api.Do(req); res.Status != 400 {
			t.Errorf("key %.20q…: %d %s, want 400", bad, res.Status, res.Body)
		}
	}
}
