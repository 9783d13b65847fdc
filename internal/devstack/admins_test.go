package devstack

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// fakeAdmins is an in-memory admin service.
type fakeAdmins struct {
	passwords map[string]string
	ensured   []string
	err       error
}

func (f *fakeAdmins) Ensure(_ context.Context, email, password string) (bool, error) {
	if f.err != nil {
		return false, f.err
	}
	if f.passwords == nil {
		f.passwords = map[string]string{}
	}
	_, existed := f.passwords[email]
	f.passwords[email] = password
	f.ensured = append(f.ensured, email)
	return !existed, nil
}

func (f *fakeAdmins) Exists(_ context.Context, email string) (bool, error) {
	_, ok := f.passwords[email]
	return ok, f.err
}

func TestEnsureAdmin(t *testing.T) {
	ctx := context.Background()

	t.Run("first start creates the default admin and shows its password once", func(t *testing.T) {
		f := &fakeAdmins{}
		first, err := ensureAdmin(ctx, f, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if first.Email != DefaultAdminEmail || !first.Created || len(first.Password) < 20 {
			t.Errorf("first start = %+v, want %s created with a random password", first, DefaultAdminEmail)
		}
		if f.passwords[DefaultAdminEmail] != first.Password {
			t.Error("the printed password is not the one set")
		}
		again, err := ensureAdmin(ctx, f, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if again.Password != "" || again.Created || len(f.ensured) != 1 {
			t.Errorf("second start = %+v after %d Ensure calls: want no new password, one Ensure", again, len(f.ensured))
		}
	})

	t.Run("the environment's admin is created, then reset", func(t *testing.T) {
		f := &fakeAdmins{}
		for i, wantCreated := range []bool{true, false} {
			got, err := ensureAdmin(ctx, f, "ops@example.com", "correct horse battery")
			if err != nil {
				t.Fatal(err)
			}
			want := AdminResult{Email: "ops@example.com", FromEnv: true, Created: wantCreated}
			if got != want {
				t.Errorf("start %d = %+v, want %+v", i+1, got, want)
			}
		}
		if _, ok := f.passwords[DefaultAdminEmail]; ok {
			t.Error("default admin created although the environment names one")
		}
	})

	t.Run("errors name the admin", func(t *testing.T) {
		f := &fakeAdmins{err: errors.New("password: must be at least 12 characters")}
		_, err := ensureAdmin(ctx, f, "ops@example.com", "short")
		if err == nil || !strings.Contains(err.Error(), "ops@example.com") || !strings.Contains(err.Error(), "12 characters") {
			t.Errorf("err = %v", err)
		}
	})
}
