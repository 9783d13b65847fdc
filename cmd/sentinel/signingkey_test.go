package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sentinel/internal/token"
)

// signing-key rotate on the local key files: the first keys of both rings
// sign at once, a second rotate starts stage 1, a third is refused until
// stage 2; --ring rotates one ring; the public bundle follows each.
func TestSigningKeyRotateLocal(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SENTINEL_LOCAL_DIR", dir)
	ctx := t.Context()
	ks := token.LocalKeystore(filepath.Join(dir, "signing-keys"))
	count := func(r token.RingName) int {
		ring, err := ks.Private(ctx, r, "")
		if err != nil {
			t.Fatalf("%s ring: %v", r, err)
		}
		return len(ring.Keys)
	}
	for _, want := range []int{1, 2} {
		if err := signingKeyCmd(ctx, []string{"rotate"}); err != nil {
			t.Fatalf("rotate: %v", err)
		}
		if u, a := count(token.UserRing), count(token.AdminRing); u != want || a != want {
			t.Fatalf("after rotate: user %d keys, admin %d; want %d", u, a, want)
		}
		if err := ks.Check(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := signingKeyCmd(ctx, []string{"rotate", "--ring", "admin"}); !errors.Is(err, token.ErrPending) {
		t.Errorf("rotate during a rotation: %v, want ErrPending", err)
	}
	if err := signingKeyCmd(ctx, []string{"rotate", "--ring", "staff"}); err == nil || !strings.Contains(err.Error(), "user, admin or both") {
		t.Errorf("unknown ring: %v", err)
	}
	if err := signingKeyCmd(ctx, []string{"status"}); err != nil {
		t.Errorf("status: %v", err)
	}
	// A bundle that fell behind is rewritten by publish.
	if err := os.WriteFile(filepath.Join(dir, "signing-keys", "public.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ks.Check(ctx); !errors.Is(err, token.ErrStale) {
		t.Fatalf("check: %v", err)
	}
	if err := signingKeyCmd(ctx, []string{"publish"}); err != nil || ks.Check(ctx) != nil {
		t.Errorf("publish: %v, then %v", err, ks.Check(ctx))
	}
	if err := signingKeyCmd(ctx, []string{"spin"}); err == nil || !strings.Contains(err.Error(), "rotate|status|publish") {
		t.Errorf("unknown subcommand: %v", err)
	}
	if err := signingKeyCmd(ctx, []string{"status", "--secrets", "arn:one"}); err == nil || !strings.Contains(err.Error(), "user=ARN,admin=ARN,public=ARN") {
		t.Errorf("a single secret id: %v", err)
	}
}

// What the operator reads: the three stages with their times, then each
// ring's keys with their stages and whether the public bundle matches.
func TestSigningKeyStagesPrinted(t *testing.T) {
	now := time.Date(2030, 5, 1, 10, 0, 0, 0, time.UTC)
	ks := token.LocalKeystore(t.TempDir())
	first, err := ks.Rotate(t.Context(), token.Rings, now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	done, err := ks.Rotate(t.Context(), []token.RingName{token.UserRing}, now)
	if err != nil {
		t.Fatal(err)
	}
	next := done[0].New
	var out bytes.Buffer
	printRotation(&out, done[0], now)
	for _, want := range []string{
		"user ring (access and authz tokens; published in the JWKS):",
		"1. now: key " + next.ID + " is published",
		"2. 2030-05-01T10:15:00Z: it signs every new token",
		"3. 2030-05-01T11:20:00Z: the key it replaces, " + first[0].New.ID + ", is retired",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("rotate says:\n%s\nwant %q", out.String(), want)
		}
	}
	out.Reset()
	if err := printStatus(t.Context(), &out, ks, now.Add(20*time.Minute)); err != nil {
		t.Fatal(err)
	}
	want := "user ring (access and authz tokens; published in the JWKS):\n" +
		"  " + next.ID + "  current   signing since 2030-05-01T10:15:00Z\n" +
		"  " + first[0].New.ID + "  previous  published until 2030-05-01T11:20:00Z\n" +
		"admin ring (admin sessions; verified by Sentinel's admin functions only, never in the JWKS):\n" +
		"  " + first[1].New.ID + "  current   signing since 2030-05-01T09:00:00Z\n" +
		"public key bundle: matches the signing keys\n"
	if out.String() != want {
		t.Errorf("status:\n%s\nwant:\n%s", out.String(), want)
	}
}
