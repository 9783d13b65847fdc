package adminauth_test

import (
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"sentinel/internal/activity"
	"sentinel/internal/adminauth"
	"sentinel/internal/apitest"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
)

// Logout revokes the session in one transaction with its activity entry:
// a transaction conflict there is retried, and the session ends.
func TestLogoutRetriesATransactionConflict(t *testing.T) {
	env := dynamotest.New(t)
	c := dynamotest.NewConflicts(env.Client)
	s := adminauth.New(adminauth.Options{
		DB: c, AdminsTable: env.Names.Name(dynamo.Admins), LimitsTable: env.Names.Name(dynamo.Limits),
		Log: activity.New(c, env.Names.Name(dynamo.Activity), time.Now), Keys: apitest.Ring(t), Now: time.Now,
		PasswordCost: bcrypt.MinCost,
	})
	ctx := t.Context()
	const email, password = "root@example.com", "correct horse battery"
	if _, err := s.Ensure(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	tok, _, err := s.Login(ctx, email, password, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := s.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	c.RetriesEach(t, dynamotest.Step{Name: "logout", Run: func() error { return s.Logout(ctx, admin) }})
	if _, err := s.Authenticate(ctx, tok); !apperr.Is(err, apperr.Unauthorized) {
		t.Errorf("session after the retried logout: %v, want 401", err)
	}
}
