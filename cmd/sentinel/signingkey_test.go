package main

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sentinel/internal/token"
)

// signing-key rotate on the local key file: the first key signs at once, a
// second rotate starts stage 1, a third is refused until stage 2.
func TestSigningKeyRotateLocal(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SENTINEL_LOCAL_DIR", dir)
	ctx := t.Context()
	for _, want := range []int{1, 2} {
		if err := signingKeyCmd(ctx, []string{"rotate"}); err != nil {
			t.Fatalf("rotate: %v", err)
		}
		ring, err := token.LoadFile(filepath.Join(dir, "signing-keys.pem"), "")
		if err != nil || len(ring.Keys) != want {
			t.Fatalf("after rotate: %v keys, %v; want %d", ring, err, want)
		}
	}
	if err := signingKeyCmd(ctx, []string{"rotate"}); !errors.Is(err, token.ErrPending) {
		t.Errorf("rotate during a rotation: %v, want ErrPending", err)
	}
	if err := signingKeyCmd(ctx, []string{"status"}); err != nil {
		t.Errorf("status: %v", err)
	}
	if err := signingKeyCmd(ctx, []string{"spin"}); err == nil || !strings.Contains(err.Error(), "rotate|status") {
		t.Errorf("unknown subcommand: %v", err)
	}
}

// What the operator reads: the three stages with their times, then each
// key's stage.
func TestSigningKeyStagesPrinted(t *testing.T) {
	now := time.Date(2030, 5, 1, 10, 0, 0, 0, time.UTC)
	first, err := token.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring, _ := token.NewRing("").WithNext(first, now.Add(-time.Hour))
	next, err := token.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring, err = ring.WithNext(next, now)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	printRotation(&out, ring, ring.Keys[1], now)
	for _, want := range []string{
		"1. now: key " + next.ID + " is published",
		"2. 2030-05-01T10:15:00Z: it signs every new token",
		"3. 2030-05-01T11:20:00Z: the key it replaces, " + first.ID + ", leaves the JWKS",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("rotate says:\n%s\nwant %q", out.String(), want)
		}
	}
	out.Reset()
	printStatus(&out, ring, now.Add(20*time.Minute))
	want := next.ID + "  current   signing since 2030-05-01T10:15:00Z\n" +
		first.ID + "  previous  published until 2030-05-01T11:20:00Z\n"
	if out.String() != want {
		t.Errorf("status:\n%s\nwant:\n%s", out.String(), want)
	}
}
