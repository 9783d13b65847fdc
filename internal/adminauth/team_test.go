package adminauth_test

import (
	"strings"
	"sync"
	"testing"

	"sentinel/internal/adminauth"
	"sentinel/internal/apitest"
	"sentinel/internal/apperr"
	"sentinel/internal/identity"
)

// noSecrets fails when an answer carries a password, a hash or a TOTP
// secret.
func noSecrets(t *testing.T, what string, body []byte, secrets ...string) {
	t.Helper()
	for _, s := range append([]string{"password_hash", "$2a$", "totp_secret", "totp_pending"}, secrets...) {
		if s != "" && strings.Contains(string(body), s) {
			t.Errorf("%s carries %q: %s", what, s, body)
		}
	}
}

// An admin adds another with a temporary password, shown once; the new
// admin's sign-in opens only the password change until it is done, which
// ends the sessions of the temporary password.
func TestAddAdminWithTemporaryPassword(t *testing.T) {
	api := apitest.New(t)
	root := api.SignIn()
	res := root.Do("POST", "/admin/admins", map[string]string{"email": " Bob@Example.com ", "name": "Bob Builder"})
	if res.Status != 201 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	var created adminauth.Created
	res.JSON(t, &created)
	temp := created.TemporaryPassword
	if created.Email != "bob@example.com" || created.Name != "Bob Builder" || created.Status != "active" || !created.MustChangePassword ||
		len(temp) < adminauth.MinPasswordLen || created.LastSignInAt != nil {
		t.Errorf("created = %+v", created)
	}
	noSecrets(t, "the create answer", res.Body)
	if res := root.Do("POST", "/admin/admins", map[string]string{"email": "bob@example.com"}); res.Status != 409 {
		t.Errorf("second create: %d %s", res.Status, res.Body)
	}
	if res := root.Do("POST", "/admin/admins", map[string]string{"email": "not-an-email"}); res.Status != 422 {
		t.Errorf("bad email: %d %s", res.Status, res.Body)
	}

	// First sign-in: only the password change (and me, logout) opens.
	res, bob := api.SignInAs("bob@example.com", temp)
	if res.Status != 200 || res.Map(t)["next_step"] != adminauth.StepChangePassword || bob == nil {
		t.Fatalf("first sign-in: %d %s", res.Status, res.Body)
	}
	for _, path := range []string{"/admin/admins", "/admin/service-apps", "/admin/activity"} {
		if res := bob.Do("GET", path, nil); res.Status != 403 || !strings.Contains(res.Detail(t), "change_password") {
			t.Errorf("GET %s before the password change: %d %s", path, res.Status, res.Body)
		}
	}
	if res := bob.Do("GET", "/admin/auth/me", nil); res.Status != 200 || res.Map(t)["next_step"] != adminauth.StepChangePassword {
		t.Errorf("me before the change: %d %s", res.Status, res.Body)
	}
	change := func(s *apitest.Admin, current, next string) *apitest.Response {
		return s.Do("POST", "/admin/auth/change-password", map[string]string{"current_password": current, "new_password": next})
	}
	const newPassword = "bob's own long password"
	if res := change(bob, "wrong password!!", newPassword); res.Status != 401 {
		t.Errorf("change with a wrong current password: %d %s", res.Status, res.Body)
	}
	if res := change(bob, temp, "short"); res.Status != 422 {
		t.Errorf("change to a short password: %d %s", res.Status, res.Body)
	}
	if res := change(bob, temp, temp); res.Status != 422 {
		t.Errorf("change to the same password: %d %s", res.Status, res.Body)
	}
	res = change(bob, temp, newPassword)
	if res.Status != 200 || res.Map(t)["next_step"] != nil {
		t.Fatalf("change: %d %s", res.Status, res.Body)
	}
	bob2 := api.Session(res)
	if res := bob2.Do("GET", "/admin/admins", nil); res.Status != 200 {
		t.Errorf("list after the change: %d %s", res.Status, res.Body)
	}
	if res := bob.Do("GET", "/admin/auth/me", nil); res.Status != 401 {
		t.Errorf("the temporary password's session after the change: %d", res.Status)
	}
	if res, _ := api.SignInAs("bob@example.com", temp); res.Status != 401 {
		t.Errorf("sign-in with the temporary password after the change: %d", res.Status)
	}
	if res, s := api.SignInAs("bob@example.com", newPassword); res.Status != 200 || res.Map(t)["next_step"] != nil || s == nil {
		t.Errorf("sign-in with the new password: %d %s", res.Status, res.Body)
	}

	// The list: both, in email order, with their last sign-in; no secret.
	res = root.Do("GET", "/admin/admins", nil)
	var page struct{ Items []adminauth.Admin }
	res.JSON(t, &page)
	if len(page.Items) != 2 || page.Items[0].Email != "bob@example.com" || page.Items[1].Email != apitest.AdminEmail {
		t.Fatalf("list = %s", res.Body)
	}
	if b := page.Items[0]; b.MustChangePassword || b.LastSignInAt == nil || b.Status != "active" || b.Name != "Bob Builder" {
		t.Errorf("bob in the list = %+v", b)
	}
	noSecrets(t, "the list", res.Body, temp, newPassword)
	if res := root.Do("GET", "/admin/admins?limit=1", nil); res.Status != 200 || len(res.Map(t)["items"].([]any)) != 1 || res.Map(t)["next_cursor"] == nil {
		t.Errorf("first page of one: %d %s", res.Status, res.Body)
	}
	if res := root.Do("GET", "/admin/admins?cursor=forged", nil); res.Status != 400 {
		t.Errorf("forged cursor: %d", res.Status)
	}

	// Every change is in the activity log, with no password in it.
	res = root.Do("GET", "/admin/activity?target_type=admin&target_id=bob@example.com", nil)
	for _, action := range []string{"admin.create", "admin.password_change", "admin.password_change_failed", "admin.login"} {
		if !strings.Contains(string(res.Body), `"`+action+`"`) {
			t.Errorf("no %s in the activity log: %s", action, res.Body)
		}
	}
	noSecrets(t, "the activity log", res.Body, temp, newPassword)
}

// Deactivating an admin ends its sessions at once and stops its sign-in;
// reactivating lets it sign in again; the last active admin stays.
func TestDeactivateAndReactivate(t *testing.T) {
	api := apitest.New(t)
	root := api.SignIn()
	const password = "carol's long password"
	if _, err := api.Deps.Admins.Ensure(t.Context(), "carol@example.com", password); err != nil {
		t.Fatal(err)
	}
	_, carol := api.SignInAs("carol@example.com", password)
	if res := carol.Do("GET", "/admin/admins", nil); res.Status != 200 {
		t.Fatalf("carol's session: %d", res.Status)
	}
	res := root.Do("POST", "/admin/admins/carol@example.com/deactivate", nil)
	if res.Status != 200 || res.Map(t)["status"] != "deactivated" {
		t.Fatalf("deactivate: %d %s", res.Status, res.Body)
	}
	if res := carol.Do("GET", "/admin/admins", nil); res.Status != 401 {
		t.Errorf("carol's session after deactivation: %d", res.Status)
	}
	if res, _ := api.SignInAs("carol@example.com", password); res.Status != 401 {
		t.Errorf("carol's sign-in after deactivation: %d", res.Status)
	}
	// Root is now the last active admin.
	res = root.Do("POST", "/admin/admins/"+apitest.AdminEmail+"/deactivate", nil)
	if res.Status != 409 || !strings.Contains(res.Detail(t), "last active admin") {
		t.Errorf("deactivating the last active admin: %d %s", res.Status, res.Body)
	}
	if res := root.Do("GET", "/admin/auth/me", nil); res.Status != 200 {
		t.Errorf("root's session after the refusal: %d", res.Status)
	}
	if res := root.Do("POST", "/admin/admins/nobody@example.com/deactivate", nil); res.Status != 404 {
		t.Errorf("deactivating an unknown admin: %d %s", res.Status, res.Body)
	}
	if res := root.Do("POST", "/admin/admins/nobody@example.com/reactivate", nil); res.Status != 404 {
		t.Errorf("reactivating an unknown admin: %d %s", res.Status, res.Body)
	}
	res = root.Do("POST", "/admin/admins/carol@example.com/reactivate", nil)
	if res.Status != 200 || res.Map(t)["status"] != "active" {
		t.Fatalf("reactivate: %d %s", res.Status, res.Body)
	}
	if res, s := api.SignInAs("carol@example.com", password); res.Status != 200 || s == nil {
		t.Errorf("carol's sign-in after reactivation: %d", res.Status)
	}
	res = root.Do("GET", "/admin/activity?target_type=admin&target_id=carol@example.com", nil)
	for _, action := range []string{`"admin.deactivate","target_type":"admin"`, `"admin.reactivate","target_type":"admin"`} {
		if !strings.Contains(string(res.Body), `"actor":"`+apitest.AdminEmail+`","action":`+action) {
			t.Errorf("no %s by root in the activity log: %s", action, res.Body)
		}
	}
}

// Admins deactivating one another at once leave exactly one active: each
// deactivation's transaction requires another admin to be active, and
// DynamoDB serializes them.
func TestLastActiveAdminStaysUnderParallelDeactivations(t *testing.T) {
	api := apitest.New(t)
	api.SignIn()
	ctx := t.Context()
	emails := []string{apitest.AdminEmail}
	for _, e := range []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"} {
		if _, err := api.Deps.Admins.Ensure(ctx, e, "a long enough password"); err != nil {
			t.Fatal(err)
		}
		emails = append(emails, e)
	}
	by := &identity.Admin{Email: apitest.AdminEmail}
	errs := make([]error, len(emails))
	var wg sync.WaitGroup
	for i, e := range emails {
		wg.Go(func() { _, errs[i] = api.Deps.Admins.SetActive(ctx, by, e, false) })
	}
	wg.Wait()
	refused := 0
	for i, err := range errs {
		switch {
		case err == nil:
		case apperr.Is(err, apperr.Conflict):
			refused++
		default:
			t.Errorf("deactivating %s: %v", emails[i], err)
		}
	}
	page, err := api.Deps.Admins.List(ctx, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	active := 0
	for _, a := range page.Items {
		if a.Status == "active" {
			active++
		}
	}
	if active != 1 || refused != 1 {
		t.Errorf("%d admins active and %d deactivations refused after deactivating all %d at once, want 1 and 1 (errors %v)", active, refused, len(emails), errs)
	}
}
