package adminauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/identity"
	"sentinel/internal/web"
)

// Managing TOTP after enrolment: the signed-in admin turns it off or makes
// new recovery codes, proving either with a current code or a recovery
// code (under the code limit of the sign-in's TOTP step, each code used
// once); another admin resets an admin's TOTP, which ends that admin's
// sessions, so that the next sign-in enrols again when the stage requires
// TOTP. Each change is in the activity log, and deletes every recovery
// code the account had.

var (
	errTOTPRequired = apperr.New(apperr.Conflict, "Two-factor sign-in is required for every admin on this stage: it cannot be turned off")
	errNoTOTP       = apperr.New(apperr.Conflict, "TOTP is not enabled for this admin")
	errResetSelf    = apperr.New(apperr.Conflict, "Another admin must reset your two-factor sign-in; you can turn it off on your account with a code")
)

// RecoveryCodes are new recovery codes, shown in this answer only.
type RecoveryCodes struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// recoveryHashes are the hashes of email's recovery codes.
func (s accounts) recoveryHashes(ctx context.Context, email string) ([]string, error) {
	items, err := dynamo.QueryItems(ctx, s.repo, dynamo.Prefix("ADMIN#"+email, "RECOVERY#"), 0)
	if err != nil {
		return nil, fmt.Errorf("read recovery codes: %w", err)
	}
	hashes := make([]string, 0, len(items))
	for _, it := range items {
		if sk, ok := it["sk"].(*ddb.AttributeValueMemberS); ok {
			hashes = append(hashes, strings.TrimPrefix(sk.Value, "RECOVERY#"))
		}
	}
	return hashes, nil
}

// proof is a checked code: the condition and values the account's update
// carries (the secret unchanged and, for a TOTP code, the step not used
// yet), the SET that uses the step up, and the recovery code it uses up.
type proof struct {
	cond     string
	set      string
	values   dynamo.Item
	recovery string // hash, when a recovery code was given
}

// prove checks in against a's TOTP secret or its recovery codes held:
// errBadCode when it matches neither.
func (s *Service) prove(a account, in CodeInput, held []string) (proof, error) {
	p := proof{cond: "totp_secret = :s", values: dynamo.Item{":s": dynamo.S(a.TOTPSecret)}}
	if strings.TrimSpace(in.RecoveryCode) != "" {
		h := hashRecoveryCode(in.RecoveryCode)
		for _, x := range held {
			if x == h {
				p.recovery = h
				return p, nil
			}
		}
		return proof{}, errBadCode
	}
	step, ok := matchStep(a.TOTPSecret, in.Code, s.now())
	if !ok {
		return proof{}, errBadCode
	}
	p.cond += " AND (attribute_not_exists(totp_last_step) OR totp_last_step < :step)"
	p.set = "totp_last_step = :step"
	p.values[":step"] = dynamo.N(step)
	return p, nil
}

// withProof changes the signed-in admin's TOTP after a proof: change
// builds the account's update (given the proof) and any further items;
// the old recovery codes are deleted in the same transaction (the one
// given as proof on condition that it is still there). A refused code is
// recorded as action+"_failed".
func (s *Service) withProof(ctx context.Context, me *identity.Admin, in CodeInput, action string,
	change func(p proof) (update string, values dynamo.Item, more []ddb.TransactWriteItem)) error {
	email := normalize(me.Email)
	if strings.TrimSpace(in.Code) == "" && strings.TrimSpace(in.RecoveryCode) == "" {
		return errCodeNeeded
	}
	a, err := s.current(ctx, me)
	if err != nil {
		return err
	}
	if a.TOTPSecret == "" {
		return errNoTOTP
	}
	slot, err := s.take(ctx, totpLimitKey(email), emailRule)
	if err != nil {
		return err
	}
	held, err := s.accounts.recoveryHashes(ctx, email)
	if err != nil {
		return err
	}
	p, err := s.prove(a, in, held)
	if err == nil {
		update, values, more := change(p)
		for k, v := range p.values {
			values[k] = v
		}
		tx := dynamo.NewTx().AddOr(s.accounts.repo.Update(accountKey(email), update, p.cond+" AND is_active = :t AND session_version = :sv", values), errBadCode)
		for _, h := range held {
			if h == p.recovery {
				tx.AddOr(s.accounts.repo.Delete(recoveryKey(email, h), "attribute_exists(pk)", nil), errBadCode)
			} else {
				tx.Add(s.accounts.repo.Delete(recoveryKey(email, h), "", nil))
			}
		}
		detail := map[string]any{"with": "totp_code"}
		if p.recovery != "" {
			detail["with"] = "recovery_code"
		}
		tx.Add(more...).Add(s.log.Put(activity.Entry{Actor: email, Action: action, TargetType: "admin", TargetID: email, Detail: detail}))
		err = tx.Write(ctx, s.accounts.repo.DB)
	}
	if errors.Is(err, errBadCode) {
		return s.codeFailed(ctx, email, action+"_failed")
	}
	if err != nil {
		return err
	}
	return s.limits.Refund(ctx, slot)
}

// DisableTOTP turns the signed-in admin's TOTP off, proven by a current
// code or a recovery code; refused while the stage requires TOTP.
func (s *Service) DisableTOTP(ctx context.Context, me *identity.Admin, in CodeInput) (Admin, error) {
	if s.requireTOTP {
		return Admin{}, errTOTPRequired
	}
	err := s.withProof(ctx, me, in, "admin.totp_disable", func(p proof) (string, dynamo.Item, []ddb.TransactWriteItem) {
		return "SET updated_at = :now REMOVE totp_secret, totp_pending, totp_last_step, totp_since", s.sessionValues(me), nil
	})
	if err != nil {
		return Admin{}, err
	}
	return s.get(ctx, normalize(me.Email))
}

// NewRecoveryCodes replaces the signed-in admin's recovery codes, proven
// by a current code or a recovery code, and answers the new ones once
// (their hashes are stored).
func (s *Service) NewRecoveryCodes(ctx context.Context, me *identity.Admin, in CodeInput) (RecoveryCodes, error) {
	email := normalize(me.Email)
	codes := make([]string, RecoveryCodeCount)
	puts := make([]ddb.TransactWriteItem, RecoveryCodeCount)
	for i := range codes {
		codes[i] = newRecoveryCode()
		puts[i] = s.accounts.recoveryItem(email, hashRecoveryCode(codes[i]))
	}
	err := s.withProof(ctx, me, in, "admin.totp_recovery_codes", func(p proof) (string, dynamo.Item, []ddb.TransactWriteItem) {
		update := "SET updated_at = :now"
		if p.set != "" {
			update += ", " + p.set
		}
		return update, s.sessionValues(me), puts
	})
	if err != nil {
		return RecoveryCodes{}, err
	}
	return RecoveryCodes{RecoveryCodes: codes}, nil
}

// sessionValues are the values of withProof's condition on the account
// (active, at the session's version) and of updated_at.
func (s *Service) sessionValues(me *identity.Admin) dynamo.Item {
	return dynamo.Item{":now": dynamo.S(dynamo.FormatTime(s.now())), ":t": dynamo.Bool(true), ":sv": dynamo.N(me.SessionVersion)}
}

// ResetTOTP is another admin's reset of an admin's TOTP: the secret, a
// pending enrolment and the recovery codes go, and the admin's sessions
// end (the next sign-in enrols again when the stage requires TOTP).
func (s *Service) ResetTOTP(ctx context.Context, by *identity.Admin, email string) (Admin, error) {
	email = normalize(email)
	if email == normalize(by.Email) {
		return Admin{}, errResetSelf
	}
	a, found, err := s.accounts.get(ctx, email)
	if err != nil {
		return Admin{}, err
	}
	if !found {
		return Admin{}, errNoAdmin
	}
	if a.TOTPSecret == "" && a.TOTPPending == "" {
		return Admin{}, errNoTOTP
	}
	held, err := s.accounts.recoveryHashes(ctx, email)
	if err != nil {
		return Admin{}, err
	}
	tx := dynamo.NewTx().AddOr(s.accounts.repo.Update(accountKey(email),
		"SET updated_at = :now REMOVE totp_secret, totp_pending, totp_last_step, totp_since ADD session_version :one",
		"attribute_exists(totp_secret) OR attribute_exists(totp_pending)",
		dynamo.Item{":now": dynamo.S(dynamo.FormatTime(s.now())), ":one": dynamo.N(1)}), errNoTOTP)
	for _, h := range held {
		tx.Add(s.accounts.repo.Delete(recoveryKey(email, h), "", nil))
	}
	tx.Add(s.log.Put(activity.Entry{Actor: by.Email, Action: "admin.totp_reset", TargetType: "admin", TargetID: email}))
	if err := tx.Write(ctx, s.accounts.repo.DB); err != nil {
		return Admin{}, err
	}
	return s.get(ctx, email)
}

// DisableHandler serves POST /admin/auth/totp/disable.
func (s *Service) DisableHandler(r *http.Request) (int, any, error) {
	return provenByCode(r, s.DisableTOTP)
}

// RecoveryCodesHandler serves POST /admin/auth/totp/recovery-codes.
func (s *Service) RecoveryCodesHandler(r *http.Request) (int, any, error) {
	return provenByCode(r, s.NewRecoveryCodes)
}

// provenByCode serves a change the signed-in admin proves with a code (the
// body's CodeInput): 200 with what op answers.
func provenByCode[Out any](r *http.Request, op func(context.Context, *identity.Admin, CodeInput) (Out, error)) (int, any, error) {
	var in CodeInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	me, _ := identity.AdminFrom(r.Context())
	out, err := op(r.Context(), me, in)
	if err != nil {
		return 0, nil, err
	}
	return 200, out, nil
}

// ResetTOTPHandler serves POST /admin/admins/{email}/reset-totp.
func (s *Service) ResetTOTPHandler(r *http.Request) (int, any, error) {
	me, _ := identity.AdminFrom(r.Context())
	out, err := s.ResetTOTP(r.Context(), me, r.PathValue("email"))
	if err != nil {
		return 0, nil, err
	}
	return 200, out, nil
}
