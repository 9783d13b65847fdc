package adminauth_test

import (
	"strings"
	"testing"
	"time"

	"sentinel/internal/adminauth"
	"sentinel/internal/apitest"
	"sentinel/internal/config"
)

// An admin turns TOTP off with a code (or a recovery code), makes new
// recovery codes (the old ones stop working), and nothing secret reaches
// an answer other than the new codes' or the activity log.
func TestTOTPOffAndNewRecoveryCodes(t *testing.T) {
	api := apitest.NewInProcess(t, "moves the clock from one TOTP step to the next")
	root, secret, codes := enrol(t, api, api.SignIn())
	api.Clock.Advance(30 * time.Second)

	// New recovery codes, proven by a code: shown once, the old ones gone.
	if res := root.Do("POST", "/admin/auth/totp/recovery-codes", map[string]string{}); res.Status != 422 {
		t.Errorf("no code: %d %s", res.Status, res.Body)
	}
	if res := root.Do("POST", "/admin/auth/totp/recovery-codes", map[string]string{"code": "000000"}); res.Status != 401 {
		t.Errorf("a wrong code: %d %s", res.Status, res.Body)
	}
	used := code(t, api, secret, 0)
	res := root.Do("POST", "/admin/auth/totp/recovery-codes", map[string]string{"code": used})
	if res.Status != 200 {
		t.Fatalf("new recovery codes: %d %s", res.Status, res.Body)
	}
	var fresh adminauth.RecoveryCodes
	res.JSON(t, &fresh)
	if len(fresh.RecoveryCodes) != adminauth.RecoveryCodeCount || fresh.RecoveryCodes[0] == codes[0] {
		t.Fatalf("new codes = %v", fresh.RecoveryCodes)
	}
	if res := root.Do("POST", "/admin/auth/totp/recovery-codes", map[string]string{"code": used}); res.Status != 401 {
		t.Errorf("the same code again: %d %s", res.Status, res.Body)
	}
	if res := root.Do("POST", "/admin/auth/totp/recovery-codes", map[string]string{"recovery_code": codes[1]}); res.Status != 401 {
		t.Errorf("an old recovery code: %d %s", res.Status, res.Body)
	}
	_, step := api.SignInAs(apitest.AdminEmail, apitest.AdminPassword)
	if res := step.Do("POST", "/admin/auth/totp/verify", map[string]string{"recovery_code": codes[2]}); res.Status != 401 {
		t.Errorf("signing in with an old recovery code: %d %s", res.Status, res.Body)
	}
	if res := step.Do("POST", "/admin/auth/totp/verify", map[string]string{"recovery_code": fresh.RecoveryCodes[0]}); res.Status != 200 {
		t.Errorf("signing in with a new recovery code: %d %s", res.Status, res.Body)
	}

	// Turning off: a used recovery code is refused, a new one works once
	// (past the code limit's window of the failures above).
	api.Clock.Advance(16 * time.Minute)
	if res := root.Do("POST", "/admin/auth/totp/disable", map[string]string{"recovery_code": fresh.RecoveryCodes[0]}); res.Status != 401 {
		t.Errorf("off with a used recovery code: %d %s", res.Status, res.Body)
	}
	res = root.Do("POST", "/admin/auth/totp/disable", map[string]string{"recovery_code": fresh.RecoveryCodes[1]})
	if res.Status != 200 || res.Map(t)["totp_enabled"] != false {
		t.Fatalf("off: %d %s", res.Status, res.Body)
	}
	if res := root.Do("POST", "/admin/auth/totp/disable", map[string]string{"code": code(t, api, secret, 0)}); res.Status != 409 {
		t.Errorf("off again: %d %s", res.Status, res.Body)
	}
	if res := root.Do("POST", "/admin/auth/totp/recovery-codes", map[string]string{"recovery_code": fresh.RecoveryCodes[2]}); res.Status != 409 {
		t.Errorf("recovery codes without TOTP: %d %s", res.Status, res.Body)
	}
	res, _ = api.SignInAs(apitest.AdminEmail, apitest.AdminPassword)
	if res.Status != 200 || res.Map(t)["next_step"] != nil {
		t.Errorf("sign-in after TOTP is off: %d %s", res.Status, res.Body)
	}
	// Enrolling again works, with a new secret.
	if _, again, _ := enrol(t, api, api.Session(res)); again == secret {
		t.Errorf("the same secret after enrolling again")
	}

	res = root.Do("GET", "/admin/activity?target_type=admin&target_id="+apitest.AdminEmail+"&limit=100", nil)
	for _, action := range []string{"admin.totp_recovery_codes", "admin.totp_recovery_codes_failed", "admin.totp_disable", "admin.totp_disable_failed"} {
		if !strings.Contains(string(res.Body), `"`+action+`"`) {
			t.Errorf("no %s in the activity log", action)
		}
	}
	noSecrets(t, "the activity log", res.Body, append(append([]string{secret, used}, codes...), fresh.RecoveryCodes...)...)
}

// A stage that requires TOTP refuses turning it off (409), whatever the code.
func TestTOTPCannotBeTurnedOffWhenTheStageRequiresIt(t *testing.T) {
	api := apitest.NewInProcess(t, "sets SENTINEL_ADMIN_REQUIRE_TOTP", func(c *config.Config) { c.AdminRequireTOTP = true })
	if _, err := api.Deps.Admins.Ensure(t.Context(), apitest.AdminEmail, apitest.AdminPassword); err != nil {
		t.Fatal(err)
	}
	_, root := api.SignInAs(apitest.AdminEmail, apitest.AdminPassword)
	root, secret, _ := enrol(t, api, root)
	api.Clock.Advance(30 * time.Second)
	res := root.Do("POST", "/admin/auth/totp/disable", map[string]string{"code": code(t, api, secret, 0)})
	if res.Status != 409 || !strings.Contains(res.Detail(t), "required for every admin") {
		t.Errorf("off on a stage that requires TOTP: %d %s", res.Status, res.Body)
	}
	if res := root.Do("GET", "/admin/admins", nil); !strings.Contains(string(res.Body), `"totp_enabled":true`) {
		t.Errorf("TOTP after the refusal: %s", res.Body)
	}
}

// Another admin resets an admin's TOTP: the admin's sessions end, its
// recovery codes stop working, and on a stage that requires TOTP its next
// sign-in enrols again. An admin cannot reset its own.
func TestResetTOTPByAnotherAdmin(t *testing.T) {
	api := apitest.NewInProcess(t, "sets SENTINEL_ADMIN_REQUIRE_TOTP", func(c *config.Config) { c.AdminRequireTOTP = true })
	if _, err := api.Deps.Admins.Ensure(t.Context(), apitest.AdminEmail, apitest.AdminPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := api.Deps.Admins.Ensure(t.Context(), "dora@example.com", "dora's own long password"); err != nil {
		t.Fatal(err)
	}
	_, root := api.SignInAs(apitest.AdminEmail, apitest.AdminPassword)
	root, _, _ = enrol(t, api, root)
	_, dora := api.SignInAs("dora@example.com", "dora's own long password")
	dora, doraSecret, doraCodes := enrol(t, api, dora)

	if res := root.Do("POST", "/admin/admins/"+apitest.AdminEmail+"/reset-totp", nil); res.Status != 409 {
		t.Errorf("reset own: %d %s", res.Status, res.Body)
	}
	if res := root.Do("POST", "/admin/admins/nobody@example.com/reset-totp", nil); res.Status != 404 {
		t.Errorf("reset unknown: %d %s", res.Status, res.Body)
	}
	res := root.Do("POST", "/admin/admins/dora@example.com/reset-totp", nil)
	if res.Status != 200 || res.Map(t)["totp_enabled"] != false {
		t.Fatalf("reset: %d %s", res.Status, res.Body)
	}
	noSecrets(t, "the reset's answer", res.Body, doraSecret)
	if res := root.Do("POST", "/admin/admins/dora@example.com/reset-totp", nil); res.Status != 409 {
		t.Errorf("reset again: %d %s", res.Status, res.Body)
	}
	if res := dora.Do("GET", "/admin/auth/me", nil); res.Status != 401 {
		t.Errorf("dora's session after the reset: %d", res.Status)
	}
	res, dora = api.SignInAs("dora@example.com", "dora's own long password")
	if res.Status != 200 || res.Map(t)["next_step"] != adminauth.StepEnrolTOTP {
		t.Fatalf("dora's sign-in after the reset: %d %s", res.Status, res.Body)
	}
	if res := dora.Do("POST", "/admin/auth/totp/verify", map[string]string{"recovery_code": doraCodes[0]}); res.Status != 403 {
		t.Errorf("an old recovery code at the enrolment step: %d %s", res.Status, res.Body)
	}
	if _, again, _ := enrol(t, api, dora); again == doraSecret {
		t.Errorf("the same secret after the reset")
	}
	res = root.Do("GET", "/admin/activity?target_type=admin&target_id=dora@example.com&limit=100", nil)
	if !strings.Contains(string(res.Body), `"admin.totp_reset"`) || !strings.Contains(string(res.Body), `"actor":"`+apitest.AdminEmail+`"`) {
		t.Errorf("no admin.totp_reset by the admin in the activity log: %s", res.Body)
	}
	noSecrets(t, "the activity log", res.Body, append([]string{doraSecret}, doraCodes...)...)
}
