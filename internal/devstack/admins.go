package devstack

import (
	"context"
	"fmt"

	"sentinel/internal/adminauth"
	"sentinel/internal/app"
	"sentinel/internal/dynamo"
	"sentinel/internal/wire/adminwire"
)

// DefaultAdminEmail is the admin created on the first start when
// SENTINEL_ADMIN_EMAIL is not set.
const DefaultAdminEmail = "admin@sentinel.local"

// Admins is what the stack needs of the admin service (adminauth.Service).
type Admins interface {
	// Ensure creates the admin or resets its password.
	Ensure(ctx context.Context, email, password string) (created bool, err error)
	Exists(ctx context.Context, email string) (bool, error)
}

var _ Admins = (*adminauth.Service)(nil)

// appAdmins is the admin service the functions use, built from the
// environment setEnv prepared (the same tables, activity log and cost).
func appAdmins(ctx context.Context) (Admins, error) {
	e, err := app.Load(ctx, "make dev", []dynamo.Table{dynamo.Admins, dynamo.Activity}, 0)
	if err != nil {
		return nil, err
	}
	return adminwire.Accounts.Get(e)
}

// AdminResult is what ensureAdmin did.
type AdminResult struct {
	Email string
	// Password is set only when this start created the default admin: it
	// is printed once and kept nowhere (the table holds its hash).
	Password string
	// FromEnv: the admin came from SENTINEL_ADMIN_EMAIL/PASSWORD.
	FromEnv bool
	Created bool
}

// ensureAdmin makes sure an admin can sign in: the one named by the
// environment (created, or its password reset), else the default admin,
// created with a random password on the first start. Whether that start
// happened is read from the table (Exists), so no secret and no marker
// file is written to disk.
func ensureAdmin(ctx context.Context, admins Admins, email, password string) (AdminResult, error) {
	if email != "" {
		created, err := admins.Ensure(ctx, email, password)
		if err != nil {
			return AdminResult{}, wrapAdmin(email, err)
		}
		return AdminResult{Email: email, FromEnv: true, Created: created}, nil
	}
	exists, err := admins.Exists(ctx, DefaultAdminEmail)
	if err != nil {
		return AdminResult{}, wrapAdmin(DefaultAdminEmail, err)
	}
	if exists {
		return AdminResult{Email: DefaultAdminEmail}, nil
	}
	pw := adminauth.RandomPassword()
	created, err := admins.Ensure(ctx, DefaultAdminEmail, pw)
	if err != nil {
		return AdminResult{}, wrapAdmin(DefaultAdminEmail, err)
	}
	return AdminResult{Email: DefaultAdminEmail, Password: pw, Created: created}, nil
}

func wrapAdmin(email string, err error) error {
	return fmt.Errorf("first admin %s: %w", email, err)
}
