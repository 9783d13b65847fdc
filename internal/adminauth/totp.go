package adminauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/identity"
	"sentinel/internal/web"
)

// TOTP two-factor sign-in (RFC 6238: SHA-1, 6 digits, 30-second steps, one
// step of clock skew either way). An admin enrols (a secret and its
// otpauth URI, answered once), confirms with a code, and gets recovery
// codes, shown once and stored as SHA-256 hashes. A sign-in of an enrolled
// admin then asks for a code (or a recovery code). Each code is accepted
// once: the step it belongs to is stored, and a code of that step or an
// earlier one is refused, by a conditional write. The secret is never
// answered after enrolment nor logged.

// TOTP parameters.
const (
	totpPeriod        = 30
	totpSkew          = 1
	RecoveryCodeCount = 10
	recoveryCodeLen   = 10
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var (
	errEnrolled       = apperr.New(apperr.Conflict, "TOTP is already enabled for this admin")
	errNotEnrolling   = apperr.New(apperr.Conflict, "Start a TOTP enrolment first")
	errBadCode        = apperr.New(apperr.Unauthorized, "Invalid or already used code")
	errCodeNeeded     = apperr.Field("code", "give a 6-digit code or a recovery code")
	errEnrolmentMoved = apperr.New(apperr.Conflict, "The enrolment was restarted meanwhile; scan the new secret")
)

// Enrolment is a TOTP secret being enrolled: shown in this answer only.
type Enrolment struct {
	Secret     string `json:"secret"`
	OTPAuthURI string `json:"otpauth_uri"`
}

// CodeInput is the body of the TOTP routes: a 6-digit code, or at sign-in
// a recovery code instead.
type CodeInput struct {
	Code         string `json:"code"`
	RecoveryCode string `json:"recovery_code,omitempty"`
}

// Confirmed is a confirmed enrolment: the recovery codes, shown in this
// answer only, and the session as login answers it.
type Confirmed struct {
	Me
	RecoveryCodes []string `json:"recovery_codes"`
}

func recoveryKey(email, hash string) dynamo.Item { return dynamo.Key("ADMIN#"+email, "RECOVERY#"+hash) }

// hashRecoveryCode hashes a recovery code as typed: case, spaces and
// dashes do not matter.
func hashRecoveryCode(code string) string {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	sum := sha256.Sum256([]byte(c))
	return hex.EncodeToString(sum[:])
}

// newRecoveryCode makes a recovery code: 10 characters of base32 (50 bits)
// shown as xxxxx-xxxxx.
func newRecoveryCode() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, recoveryCodeLen)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:5]) + "-" + string(b[5:])
}

// matchStep answers the time step (within the skew around now) whose code
// code is, or false.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / totpPeriod
	for step := cur - totpSkew; step <= cur+totpSkew; step++ {
		want, err := hotp.GenerateCodeCustom(secret, uint64(step), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// revokedItem marks tokenID revoked until a minute after expires.
func (s accounts) revokedItem(tokenID string, expires time.Time) ddb.TransactWriteItem {
	return s.repo.Put(struct {
		PK  string `dynamodbav:"pk"`
		SK  string `dynamodbav:"sk"`
		TTL int64  `dynamodbav:"ttl"`
	}{"JTI#" + tokenID, "REVOKED", expires.Unix() + 60}, "", nil)
}

// startEnrol stores a pending secret on email's account, unless it has
// TOTP already.
func (s accounts) startEnrol(ctx context.Context, email, secret string, now time.Time) error {
	_, err := dynamo.UpdateItem(ctx, s.repo.DB, s.repo.Update(accountKey(email), "SET totp_pending = :p, updated_at = :now",
		"attribute_exists(pk) AND attribute_not_exists(totp_secret)", dynamo.Item{":p": dynamo.S(secret), ":now": dynamo.S(dynamo.FormatTime(now))}),
		ddb.ReturnValueNone)
	if dynamo.IsConditionFailed(err) {
		return errEnrolled
	}
	if err != nil {
		return fmt.Errorf("start totp enrolment: %w", err)
	}
	return nil
}

// confirmEnrol makes the pending secret the account's, with step as the
// last used, and stores the recovery codes' hashes, in one transaction
// with also.
func (s accounts) confirmEnrol(ctx context.Context, email, secret string, step int64, hashes []string, now time.Time, also ...ddb.TransactWriteItem) error {
	tx := dynamo.NewTx().AddOr(s.repo.Update(accountKey(email),
		"SET totp_secret = :p, totp_last_step = :step, totp_since = :now, updated_at = :now REMOVE totp_pending",
		"totp_pending = :p AND attribute_not_exists(totp_secret)",
		dynamo.Item{":p": dynamo.S(secret), ":step": dynamo.N(step), ":now": dynamo.S(dynamo.FormatTime(now))}), errEnrolmentMoved)
	for _, h := range hashes {
		tx.Add(s.recoveryItem(email, h))
	}
	return tx.Add(also...).Write(ctx, s.repo.DB)
}

// recoveryItem puts the recovery code of email's account whose hash is h.
func (s accounts) recoveryItem(email, h string) ddb.TransactWriteItem {
	return s.repo.Put(struct {
		PK string `dynamodbav:"pk"`
		SK string `dynamodbav:"sk"`
	}{"ADMIN#" + email, "RECOVERY#" + h}, "", nil)
}

// useStep records step as email's last used TOTP step if it is later than
// the last one (errBadCode otherwise: a replay), in one transaction with
// also.
func (s accounts) useStep(ctx context.Context, email, secret string, step int64, also ...ddb.TransactWriteItem) error {
	return dynamo.NewTx().AddOr(s.repo.Update(accountKey(email), "SET totp_last_step = :step",
		"totp_secret = :s AND (attribute_not_exists(totp_last_step) OR totp_last_step < :step)",
		dynamo.Item{":s": dynamo.S(secret), ":step": dynamo.N(step)}), errBadCode).Add(also...).Write(ctx, s.repo.DB)
}

// useRecoveryCode deletes the recovery code with hash (errBadCode when
// there is none: unknown or used), in one transaction with also.
func (s accounts) useRecoveryCode(ctx context.Context, email, hash string, also ...ddb.TransactWriteItem) error {
	return dynamo.NewTx().AddOr(s.repo.Delete(recoveryKey(email, hash), "attribute_exists(pk)", nil), errBadCode).
		Add(also...).Write(ctx, s.repo.DB)
}

// issuer names the deployment in authenticator apps.
func (s *Service) issuer() string {
	if s.stage == "" {
		return "Sentinel"
	}
	return "Sentinel " + s.stage
}

// StartEnrol makes a new TOTP secret for the signed-in admin and answers
// it once, with its otpauth URI (what the admin site draws as a QR code).
func (s *Service) StartEnrol(ctx context.Context, me *identity.Admin) (Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.issuer(), AccountName: me.Email, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return Enrolment{}, fmt.Errorf("make totp secret: %w", err)
	}
	if err := s.accounts.startEnrol(ctx, normalize(me.Email), key.Secret(), s.now()); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: key.Secret(), OTPAuthURI: key.URL()}, nil
}

// ConfirmEnrol checks a code of the pending secret and enables TOTP,
// answering the recovery codes once and a new session token (ending the
// enrolment step of a sign-in).
func (s *Service) ConfirmEnrol(ctx context.Context, me *identity.Admin, code string) (string, account, []string, error) {
	email := normalize(me.Email)
	a, err := s.current(ctx, me)
	if err != nil {
		return "", account{}, nil, err
	}
	if a.TOTPSecret != "" {
		return "", account{}, nil, errEnrolled
	}
	if a.TOTPPending == "" {
		return "", account{}, nil, errNotEnrolling
	}
	slot, err := s.take(ctx, totpLimitKey(email), emailRule)
	if err != nil {
		return "", account{}, nil, err
	}
	step, ok := matchStep(a.TOTPPending, code, s.now())
	if !ok {
		return "", account{}, nil, s.codeFailed(ctx, email, "admin.totp_enrol_failed")
	}
	codes := make([]string, RecoveryCodeCount)
	hashes := make([]string, RecoveryCodeCount)
	for i := range codes {
		codes[i] = newRecoveryCode()
		hashes[i] = hashRecoveryCode(codes[i])
	}
	entry := activity.Entry{Actor: email, Action: "admin.totp_enrol", TargetType: "admin", TargetID: email}
	if err := s.accounts.confirmEnrol(ctx, email, a.TOTPPending, step, hashes, s.now(),
		s.accounts.revokedItem(me.TokenID, me.Expires), s.log.Put(entry)); err != nil {
		return "", account{}, nil, err
	}
	if err := s.limits.Refund(ctx, slot); err != nil {
		return "", account{}, nil, err
	}
	a.TOTPSecret, a.TOTPPending = a.TOTPPending, ""
	tok, err := s.sign(a, s.nextStep(a, true))
	return tok, a, codes, err
}

// VerifyCode is the TOTP step of a sign-in: a code of the admin's secret
// not used before, or one of its recovery codes (used up by this). Codes
// are counted against a limit of their own, like passwords, before they
// are compared. It answers a token for the step after it (if any).
func (s *Service) VerifyCode(ctx context.Context, me *identity.Admin, in CodeInput) (string, account, error) {
	email := normalize(me.Email)
	if strings.TrimSpace(in.Code) == "" && strings.TrimSpace(in.RecoveryCode) == "" {
		return "", account{}, errCodeNeeded
	}
	a, err := s.current(ctx, me)
	if err != nil {
		return "", account{}, err
	}
	if a.TOTPSecret == "" {
		return "", account{}, errNoSession
	}
	slot, err := s.take(ctx, totpLimitKey(email), emailRule)
	if err != nil {
		return "", account{}, err
	}
	entry := activity.Entry{Actor: email, Action: "admin.login_totp", TargetType: "admin", TargetID: email}
	revoke := s.accounts.revokedItem(me.TokenID, me.Expires)
	if in.RecoveryCode != "" {
		entry.Action = "admin.login_recovery_code"
		err = s.accounts.useRecoveryCode(ctx, email, hashRecoveryCode(in.RecoveryCode), revoke, s.log.Put(entry))
	} else if step, ok := matchStep(a.TOTPSecret, in.Code, s.now()); ok {
		err = s.accounts.useStep(ctx, email, a.TOTPSecret, step, revoke, s.log.Put(entry))
	} else {
		err = errBadCode
	}
	if errors.Is(err, errBadCode) {
		return "", account{}, s.codeFailed(ctx, email, entry.Action+"_failed")
	}
	if err != nil {
		return "", account{}, err
	}
	if err := s.limits.Refund(ctx, slot); err != nil {
		return "", account{}, err
	}
	tok, err := s.sign(a, s.nextStep(a, true))
	return tok, a, err
}

// current reads the session's account: it must still be the session's
// (active, same session version; Authenticate checked both already, this
// is the consistent read the step works from).
func (s *Service) current(ctx context.Context, me *identity.Admin) (account, error) {
	a, found, err := s.accounts.get(ctx, normalize(me.Email))
	if err != nil {
		return account{}, err
	}
	if !found || !a.IsActive || a.SessionVersion != me.SessionVersion {
		return account{}, errNoSession
	}
	return a, nil
}

// codeFailed records a refused code and answers errBadCode.
func (s *Service) codeFailed(ctx context.Context, email, action string) error {
	if err := s.log.Record(ctx, activity.Entry{Actor: email, Action: action, TargetType: "admin", TargetID: email}); err != nil {
		return err
	}
	return errBadCode
}

func totpLimitKey(email string) string { return "LOGIN#TOTP#" + email }

// EnrolHandler serves POST /admin/auth/totp/enrol.
func (s *Service) EnrolHandler(r *http.Request) (int, any, error) {
	me, _ := identity.AdminFrom(r.Context())
	out, err := s.StartEnrol(r.Context(), me)
	if err != nil {
		return 0, nil, err
	}
	return 200, out, nil
}

// ConfirmHandler serves POST /admin/auth/totp/confirm: the new session
// replaces the cookie.
func (s *Service) ConfirmHandler(r *http.Request) (int, any, error) {
	var in CodeInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	me, _ := identity.AdminFrom(r.Context())
	tok, a, codes, err := s.ConfirmEnrol(r.Context(), me, in.Code)
	if err != nil {
		return 0, nil, err
	}
	status, body, err := s.session(r, tok, a, true)
	if err != nil {
		return 0, nil, err
	}
	return status, Confirmed{Me: body.(Me), RecoveryCodes: codes}, nil
}

// VerifyHandler serves POST /admin/auth/totp/verify, the TOTP step of a
// sign-in: the new session replaces the cookie.
func (s *Service) VerifyHandler(r *http.Request) (int, any, error) {
	var in CodeInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	me, _ := identity.AdminFrom(r.Context())
	tok, a, err := s.VerifyCode(r.Context(), me, in)
	if err != nil {
		return 0, nil, err
	}
	return s.session(r, tok, a, true)
}
