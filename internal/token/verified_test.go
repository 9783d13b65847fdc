package token_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"sentinel/internal/apitest"
	"sentinel/internal/token"
)

// A verified token is answered from the cache until it expires, with the
// audiences asked for each time, and the caller's copy of its claims.
func TestVerifiedCacheUntilExpiry(t *testing.T) {
	ring := apitest.Ring(t)
	raw, err := ring.Sign(token.Access("u1", "w1", "acme", "editor", []string{"g1"}), now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	cache := token.NewVerifiedCache(10)
	first, err := cache.Verify(ring, raw, now, token.AudAccess)
	if err != nil || cache.Len() != 1 {
		t.Fatalf("first: %v, %d cached", err, cache.Len())
	}
	first.Subject = "changed by the caller"
	again, err := cache.Verify(ring, raw, now.Add(59*time.Second), token.AudAccess, token.AudAuthz)
	if err != nil || again.Subject != "u1" || again.WID != "w1" || len(again.Groups) != 1 {
		t.Fatalf("again: %v %+v", err, again)
	}
	if _, err := cache.Verify(ring, raw, now, token.AudAuthz); !errors.Is(err, token.ErrAudience) {
		t.Errorf("another audience from the cache: %v, want %v", err, token.ErrAudience)
	}
	if _, err := cache.Verify(ring, raw, now.Add(time.Minute), token.AudAccess); !errors.Is(err, token.ErrExpired) {
		t.Errorf("at exp: %v, want %v", err, token.ErrExpired)
	}
	if cache.Len() != 0 {
		t.Errorf("expired token still cached (%d)", cache.Len())
	}
}

// A token signed by a key the ring no longer publishes is refused at once,
// cached or not: here the instance's ring reloads a bundle without it.
func TestVerifiedCacheDropsTokensOfARemovedKey(t *testing.T) {
	old := apitest.Ring(t)
	other, err := token.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring := token.Reloading(old, func() (*token.Ring, error) { return token.NewRing(apitest.Issuer, other), nil }, now)
	raw, err := old.Sign(token.Access("u1", "w1", "acme", "editor", nil), now, token.MaxTTL)
	if err != nil {
		t.Fatal(err)
	}
	cache := token.NewVerifiedCache(10)
	if _, err := cache.Verify(ring, raw, now, token.AudAccess); err != nil || cache.Len() != 1 {
		t.Fatalf("before: %v, %d cached", err, cache.Len())
	}
	later := now.Add(token.ReloadAfter) // the ring re-reads its bundle
	if _, err := cache.Verify(ring, raw, later, token.AudAccess); !errors.Is(err, token.ErrKid) {
		t.Errorf("after the key left the ring: %v, want %v", err, token.ErrKid)
	}
	if cache.Len() != 0 {
		t.Errorf("token of a removed key still cached (%d)", cache.Len())
	}
}

// The cache holds at most its size, dropping the least recently used.
func TestVerifiedCacheIsBounded(t *testing.T) {
	ring := apitest.Ring(t)
	cache := token.NewVerifiedCache(2)
	var raws []string
	for i := range 3 {
		raw, err := ring.Sign(token.Access(fmt.Sprintf("u%d", i), "w1", "acme", "editor", nil), now, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, raw)
	}
	for _, raw := range []string{raws[0], raws[1], raws[0], raws[2]} {
		if _, err := cache.Verify(ring, raw, now, token.AudAccess); err != nil {
			t.Fatal(err)
		}
	}
	if cache.Len() != 2 {
		t.Fatalf("%d cached, want 2", cache.Len())
	}
	// raws[1] was the least recently used when raws[2] came.
	if !cache.Cached(raws[0]) || cache.Cached(raws[1]) || !cache.Cached(raws[2]) {
		t.Errorf("cached: %v %v %v, want true false true", cache.Cached(raws[0]), cache.Cached(raws[1]), cache.Cached(raws[2]))
	}
}

// BenchmarkVerify compares a user token's verification on first sight
// (RS256, 3072-bit) with the same token seen before (VerifiedCache).
func BenchmarkVerify(b *testing.B) {
	ring := apitest.Ring(b)
	raw, err := ring.Sign(token.Access("u1", "w1", "acme", "editor", []string{"g1", "g2"}), now, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("first-sight", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ring.Verify(raw, now, token.AudAccess, token.AudAuthz); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("seen-before", func(b *testing.B) {
		cache := token.NewVerifiedCache(10)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cache.Verify(ring, raw, now, token.AudAccess, token.AudAuthz); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSign is what signing a token costs (RS256, 3072-bit): once per
// POST /authz/resolve with a workspace, and per admin sign-in.
func BenchmarkSign(b *testing.B) {
	ring := apitest.Ring(b)
	c := token.Access("u1", "w1", "acme", "editor", []string{"g1", "g2"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ring.Sign(c, now, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
