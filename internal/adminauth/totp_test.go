package adminauth_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/hotp"

	"sentinel/internal/adminauth"
	"sentinel/internal/apitest"
	"sentinel/internal/config"
)

// code is the TOTP code of secret at the step offset steps from the API's
// clock.
func code(t *testing.T, api *apitest.API, secret string, offset int64) string {
	t.Helper()
	c, err := hotp.GenerateCode(secret, uint64(api.Clock.Now().Unix()/30+offset))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol enrols s in TOTP and answers the secret and the recovery codes.
func enrol(t *testing.T, api *apitest.API, s *apitest.Admin) (*apitest.Admin, string, []string) {
	t.Helper()
	res := s.Do("POST", "/admin/auth/totp/enrol", nil)
	if res.Status != 200 {
		t.Fatalf("enrol: %d %s", res.Status, res.Body)
	}
	var e adminauth.Enrolment
	res.JSON(t, &e)
	res = s.Do("POST", "/admin/auth/totp/confirm", map[string]string{"code": code(t, api, e.Secret, 0)})
	if res.Status != 200 {
		t.Fatalf("confirm: %d %s", res.Status, res.Body)
	}
	var c adminauth.Confirmed
	res.JSON(t, &c)
	return api.Session(res), e.Secret, c.RecoveryCodes
}

// TOTP enrolment, then sign-ins asking for a code: each code once, each
// recovery code once; the secret never in an answer after enrolment, nor
// in the activity log.
func TestTOTPEnrolAndSignIn(t *testing.T) {
	api := apitest.NewInProcess(t, "moves the clock from one TOTP step to the next")
	root := api.SignIn()
	if res := root.Do("POST", "/admin/auth/totp/confirm", map[string]string{"code": "123456"}); res.Status != 409 {
		t.Errorf("confirm before enrol: %d %s", res.Status, res.Body)
	}
	res := root.Do("POST", "/admin/auth/totp/enrol", nil)
	var e adminauth.Enrolment
	res.JSON(t, &e)
	u, err := url.Parse(e.OTPAuthURI)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != e.Secret || !strings.Contains(u.Path, apitest.AdminEmail) {
		t.Fatalf("enrolment = %s (%v)", res.Body, err)
	}
	if res := root.Do("POST", "/admin/auth/totp/confirm", map[string]string{"code": code(t, api, e.Secret, 3)}); res.Status != 401 {
		t.Errorf("confirm with a code three steps ahead: %d %s", res.Status, res.Body)
	}
	res = root.Do("POST", "/admin/auth/totp/confirm", map[string]string{"code": code(t, api, e.Secret, 0)})
	if res.Status != 200 {
		t.Fatalf("confirm: %d %s", res.Status, res.Body)
	}
	var confirmed adminauth.Confirmed
	res.JSON(t, &confirmed)
	if len(confirmed.RecoveryCodes) != adminauth.RecoveryCodeCount || !confirmed.TOTPEnabled || confirmed.NextStep != "" {
		t.Fatalf("confirmed = %s", res.Body)
	}
	if res := root.Do("GET", "/admin/auth/me", nil); res.Status != 401 {
		t.Errorf("the session that enrolled, after the new one replaced it: %d", res.Status)
	}
	root = api.Session(res)
	if res := root.Do("POST", "/admin/auth/totp/enrol", nil); res.Status != 409 {
		t.Errorf("enrol again: %d %s", res.Status, res.Body)
	}
	res = root.Do("GET", "/admin/admins", nil)
	if !strings.Contains(string(res.Body), `"totp_enabled":true`) {
		t.Errorf("list after enrolment: %s", res.Body)
	}
	noSecrets(t, "the list", res.Body, e.Secret)
	noSecrets(t, "me", root.Do("GET", "/admin/auth/me", nil).Body, e.Secret)

	// Sign-in asks for a code; the step session opens nothing else.
	signInStep := func() *apitest.Admin {
		t.Helper()
		res, s := api.SignInAs(apitest.AdminEmail, apitest.AdminPassword)
		if res.Status != 200 || res.Map(t)["next_step"] != adminauth.StepTOTP {
			t.Fatalf("sign-in: %d %s", res.Status, res.Body)
		}
		return s
	}
	verify := func(s *apitest.Admin, body map[string]string) *apitest.Response {
		return s.Do("POST", "/admin/auth/totp/verify", body)
	}
	step := signInStep()
	if res := step.Do("GET", "/admin/admins", nil); res.Status != 403 {
		t.Errorf("list with the code step's session: %d", res.Status)
	}
	if res := verify(step, map[string]string{"code": code(t, api, e.Secret, 0)}); res.Status != 401 {
		t.Errorf("the enrolment's code again: %d %s", res.Status, res.Body)
	}
	if res := verify(step, map[string]string{}); res.Status != 422 {
		t.Errorf("no code: %d %s", res.Status, res.Body)
	}
	api.Clock.Advance(30 * time.Second)
	next := code(t, api, e.Secret, 0)
	res = verify(step, map[string]string{"code": next})
	if res.Status != 200 || res.Map(t)["next_step"] != nil {
		t.Fatalf("verify: %d %s", res.Status, res.Body)
	}
	if res := api.Session(res).Do("GET", "/admin/admins", nil); res.Status != 200 {
		t.Errorf("the full session: %d", res.Status)
	}
	if res := verify(step, map[string]string{"code": next}); res.Status != 401 {
		t.Errorf("the used step session again: %d", res.Status)
	}
	if res := verify(signInStep(), map[string]string{"code": next}); res.Status != 401 {
		t.Errorf("a used code in a new sign-in: %d %s", res.Status, res.Body)
	}

	// Recovery codes: each once, typed in any case, with or without spaces.
	rc := confirmed.RecoveryCodes[0]
	if res := verify(signInStep(), map[string]string{"recovery_code": rc}); res.Status != 200 {
		t.Errorf("recovery code: %d %s", res.Status, res.Body)
	}
	if res := verify(signInStep(), map[string]string{"recovery_code": rc}); res.Status != 401 {
		t.Errorf("the recovery code again: %d %s", res.Status, res.Body)
	}
	typed := " " + strings.ToUpper(strings.ReplaceAll(confirmed.RecoveryCodes[1], "-", " ")) + " "
	if res := verify(signInStep(), map[string]string{"recovery_code": typed}); res.Status != 200 {
		t.Errorf("a recovery code typed %q: %d %s", typed, res.Status, res.Body)
	}

	res = root.Do("GET", "/admin/activity?target_type=admin&target_id="+apitest.AdminEmail+"&limit=100", nil)
	for _, action := range []string{"admin.totp_enrol", "admin.totp_enrol_failed", "admin.login_totp", "admin.login_totp_failed", "admin.login_recovery_code", "admin.login_recovery_code_failed"} {
		if !strings.Contains(string(res.Body), `"`+action+`"`) {
			t.Errorf("no %s in the activity log", action)
		}
	}
	noSecrets(t, "the activity log", res.Body, append([]string{e.Secret, next}, confirmed.RecoveryCodes...)...)
}

// One code, and one recovery code, sent by many sign-ins at once: exactly
// one is accepted (the last used step and the recovery code's deletion
// are conditional writes).
func TestTOTPCodesAreUsedOnceUnderParallelSignIns(t *testing.T) {
	api := apitest.NewInProcess(t, "moves the clock from one TOTP step to the next")
	_, secret, codes := enrol(t, api, api.SignIn())
	for round := range 2 {
		// Past the code limit's window of the round before (a failure
		// beyond its fifth is refused before any comparison).
		api.Clock.Advance(16 * time.Minute)
		body := map[string]string{"code": code(t, api, secret, 0)}
		if round == 1 {
			body = map[string]string{"recovery_code": codes[0]}
		}
		steps := make([]*apitest.Admin, 8)
		for i := range steps {
			_, steps[i] = api.SignInAs(apitest.AdminEmail, apitest.AdminPassword)
		}
		statuses := make([]int, len(steps))
		var wg sync.WaitGroup
		for i, s := range steps {
			wg.Go(func() { statuses[i] = s.Do("POST", "/admin/auth/totp/verify", body).Status })
		}
		wg.Wait()
		count := map[int]int{}
		for _, s := range statuses {
			count[s]++
		}
		if count[200] != 1 || count[200]+count[401]+count[429] != len(steps) {
			t.Errorf("%v sent %d times at once: %v, want one 200 and 401 or 429 for the others", body, len(steps), count)
		}
	}
}

// With the stage setting, every admin must use TOTP: one not enrolled is
// sent to enrol right after its password (after a temporary password's
// change), and its session opens nothing else until then.
func TestStageRequiresTOTP(t *testing.T) {
	api := apitest.NewInProcess(t, "sets SENTINEL_ADMIN_REQUIRE_TOTP", func(c *config.Config) { c.AdminRequireTOTP = true })
	if _, err := api.Deps.Admins.Ensure(t.Context(), apitest.AdminEmail, apitest.AdminPassword); err != nil {
		t.Fatal(err)
	}
	res, root := api.SignInAs(apitest.AdminEmail, apitest.AdminPassword)
	if res.Status != 200 || res.Map(t)["next_step"] != adminauth.StepEnrolTOTP {
		t.Fatalf("sign-in: %d %s", res.Status, res.Body)
	}
	if res := root.Do("GET", "/admin/admins", nil); res.Status != 403 {
		t.Errorf("list before enrolment: %d", res.Status)
	}
	root, _, _ = enrol(t, api, root)
	res = root.Do("POST", "/admin/admins", map[string]string{"email": "dora@example.com"})
	if res.Status != 201 {
		t.Fatalf("create after enrolment: %d %s", res.Status, res.Body)
	}
	temp := res.Map(t)["temporary_password"].(string)
	res, dora := api.SignInAs("dora@example.com", temp)
	if res.Map(t)["next_step"] != adminauth.StepChangePassword {
		t.Fatalf("dora's sign-in: %s", res.Body)
	}
	if res := dora.Do("POST", "/admin/auth/totp/enrol", nil); res.Status != 403 {
		t.Errorf("enrol before the password change: %d", res.Status)
	}
	res = dora.Do("POST", "/admin/auth/change-password", map[string]string{"current_password": temp, "new_password": "dora's own long password"})
	if res.Status != 200 || res.Map(t)["next_step"] != adminauth.StepEnrolTOTP {
		t.Fatalf("dora's change: %d %s", res.Status, res.Body)
	}
	dora = api.Session(res)
	if res := dora.Do("GET", "/admin/admins", nil); res.Status != 403 {
		t.Errorf("list before dora's enrolment: %d", res.Status)
	}
	dora, _, _ = enrol(t, api, dora)
	if res := dora.Do("GET", "/admin/admins", nil); res.Status != 200 {
		t.Errorf("list after dora's enrolment: %d", res.Status)
	}
}
