package adminauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/identity"
	"sentinel/internal/web"
)

// The team of admins: listing, adding with a temporary password,
// deactivating (never the last active admin) and reactivating, and the
// password change a temporary password leads to. Every change is in the
// activity log; no answer carries a password hash or a TOTP secret.

// Admin is an admin account as the admin API shows it.
type Admin struct {
	Email              string  `json:"email"`
	Name               string  `json:"name"`
	Status             string  `json:"status"` // active or deactivated
	CreatedAt          string  `json:"created_at"`
	LastSignInAt       *string `json:"last_sign_in_at"`
	MustChangePassword bool    `json:"must_change_password"`
	TOTPEnabled        bool    `json:"totp_enabled"`
}

// Statuses of an admin.
const (
	StatusActive      = "active"
	StatusDeactivated = "deactivated"
)

func (a account) view() Admin {
	v := Admin{Email: a.Email, Name: a.Name, Status: StatusDeactivated, CreatedAt: a.CreatedAt,
		MustChangePassword: a.MustChangePassword, TOTPEnabled: a.TOTPSecret != ""}
	if a.IsActive {
		v.Status = StatusActive
	}
	if a.LastSignInAt != "" {
		v.LastSignInAt = &a.LastSignInAt
	}
	return v
}

// CreateInput is the body of POST /admin/admins.
type CreateInput struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// Created is a new admin with its temporary password, shown in this
// answer only; the admin must change it at its first sign-in.
type Created struct {
	Admin
	TemporaryPassword string `json:"temporary_password"`
}

// ChangePasswordInput is the body of POST /admin/auth/change-password.
type ChangePasswordInput struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

const maxNameLen = 200

var errLastAdmin = apperr.New(apperr.Conflict, "The last active admin cannot be deactivated")

// List answers one page of admins in email order.
func (s *Service) List(ctx context.Context, limit int, cursor string) (dynamo.Page[Admin], error) {
	page, err := s.accounts.list(ctx, limit, cursor)
	if err != nil {
		return dynamo.Page[Admin]{}, err
	}
	return dynamo.MapPage(page, account.view), nil
}

// Create adds an admin with a temporary password, which it answers once
// (only its hash is stored); the account must change it at its first
// sign-in.
func (s *Service) Create(ctx context.Context, by *identity.Admin, in CreateInput) (Created, error) {
	email, name := normalize(in.Email), strings.TrimSpace(in.Name)
	if !validEmail(email) {
		return Created{}, apperr.Field("email", "must be an email address")
	}
	if utf8.RuneCountInString(name) > maxNameLen {
		return Created{}, apperr.Field("name", fmt.Sprintf("must be at most %d characters", maxNameLen))
	}
	password := RandomPassword()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return Created{}, fmt.Errorf("hash password: %w", err)
	}
	now := dynamo.FormatTime(s.now())
	a := account{PK: "ADMIN#" + email, SK: "ACCOUNT", ID: uuid.NewString(), Email: email, Name: name, PasswordHash: string(hash), IsActive: true,
		SessionVersion: 1, CreatedAt: now, UpdatedAt: now, CreatedBy: by.Email, MustChangePassword: true}
	entry := activity.Entry{Actor: by.Email, Action: "admin.create", TargetType: "admin", TargetID: email, Detail: map[string]any{"name": name}}
	if err := s.accounts.create(ctx, a, s.log.Put(entry)); err != nil {
		return Created{}, err
	}
	return Created{Admin: a.view(), TemporaryPassword: password}, nil
}

// SetActive reactivates or deactivates an admin; a deactivation ends
// every session of it at once. The last active admin stays: the
// deactivation's transaction requires another admin to be active.
func (s *Service) SetActive(ctx context.Context, by *identity.Admin, email string, active bool) (Admin, error) {
	email = normalize(email)
	entry := activity.Entry{Actor: by.Email, Action: "admin.reactivate", TargetType: "admin", TargetID: email}
	if active {
		if err := s.accounts.setActive(ctx, email, true, "", s.now(), s.log.Put(entry)); err != nil {
			return Admin{}, err
		}
		return s.get(ctx, email)
	}
	entry.Action = "admin.deactivate"
	if _, err := s.get(ctx, email); err != nil {
		return Admin{}, err
	}
	others, err := s.accounts.activeOthers(ctx, email)
	if err != nil {
		return Admin{}, err
	}
	for _, keep := range others {
		err := s.accounts.setActive(ctx, email, false, keep, s.now(), s.log.Put(entry))
		if errors.Is(err, errKeepGone) {
			continue // deactivated meanwhile: rely on another one
		}
		if err != nil {
			return Admin{}, err
		}
		return s.get(ctx, email)
	}
	return Admin{}, errLastAdmin
}

func (s *Service) get(ctx context.Context, email string) (Admin, error) {
	a, found, err := s.accounts.get(ctx, email)
	if err != nil {
		return Admin{}, err
	}
	if !found {
		return Admin{}, errNoAdmin
	}
	return a.view(), nil
}

// ChangePassword replaces the signed-in admin's password (the current one
// is checked, under the sign-in limits) and ends its other sessions; it
// answers a new session token, for the sign-in step that follows (if
// any), and that step.
func (s *Service) ChangePassword(ctx context.Context, me *identity.Admin, in ChangePasswordInput, ip string) (string, account, error) {
	email := normalize(me.Email)
	if err := validPassword("new_password", in.NewPassword); err != nil {
		return "", account{}, err
	}
	if in.NewPassword == in.CurrentPassword {
		return "", account{}, apperr.Field("new_password", "must differ from the current password")
	}
	a, err := s.checkPassword(ctx, email, in.CurrentPassword, ip, "admin.password_change_failed")
	if err != nil {
		return "", account{}, err
	}
	if a.SessionVersion != me.SessionVersion {
		return "", account{}, errNoSession
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.NewPassword), s.cost)
	if err != nil {
		return "", account{}, fmt.Errorf("hash password: %w", err)
	}
	entry := activity.Entry{Actor: email, Action: "admin.password_change", TargetType: "admin", TargetID: email}
	if err := s.accounts.changePassword(ctx, email, hash, a.SessionVersion, s.now(), s.log.Put(entry)); err != nil {
		return "", account{}, err
	}
	a.SessionVersion++
	a.MustChangePassword = false
	tok, err := s.sign(a, s.nextStep(a, true))
	return tok, a, err
}

// validPassword checks a password rule (length within bcrypt's bound).
func validPassword(field, password string) error {
	if len(password) < MinPasswordLen || len(password) > maxPasswordBytes {
		return apperr.Field(field, fmt.Sprintf("must be %d characters to %d bytes", MinPasswordLen, maxPasswordBytes))
	}
	return nil
}

// ListHandler serves GET /admin/admins.
func (s *Service) ListHandler(r *http.Request) (int, any, error) {
	limit, err := web.ParseListLimit(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := s.List(r.Context(), limit, r.URL.Query().Get("cursor"))
	if err != nil {
		return 0, nil, err
	}
	return 200, page, nil
}

// CreateHandler serves POST /admin/admins.
func (s *Service) CreateHandler(r *http.Request) (int, any, error) {
	var in CreateInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	me, _ := identity.AdminFrom(r.Context())
	out, err := s.Create(r.Context(), me, in)
	if err != nil {
		return 0, nil, err
	}
	return 201, out, nil
}

// DeactivateHandler serves POST /admin/admins/{email}/deactivate.
func (s *Service) DeactivateHandler(r *http.Request) (int, any, error) {
	return s.setActiveHandler(r, false)
}

// ReactivateHandler serves POST /admin/admins/{email}/reactivate.
func (s *Service) ReactivateHandler(r *http.Request) (int, any, error) {
	return s.setActiveHandler(r, true)
}

func (s *Service) setActiveHandler(r *http.Request, active bool) (int, any, error) {
	me, _ := identity.AdminFrom(r.Context())
	out, err := s.SetActive(r.Context(), me, r.PathValue("email"), active)
	if err != nil {
		return 0, nil, err
	}
	return 200, out, nil
}

// ChangePasswordHandler serves POST /admin/auth/change-password: the new
// session replaces the cookie.
func (s *Service) ChangePasswordHandler(r *http.Request) (int, any, error) {
	var in ChangePasswordInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	me, _ := identity.AdminFrom(r.Context())
	tok, a, err := s.ChangePassword(r.Context(), me, in, web.ClientIP(r))
	if err != nil {
		return 0, nil, err
	}
	return s.session(r, tok, a, true)
}
