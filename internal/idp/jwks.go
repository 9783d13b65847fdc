package idp

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"sentinel/internal/apperr"
	"sentinel/internal/budget"
	"sentinel/internal/token"
)

// Key cache rules.
const (
	// RefreshInterval is the least time between two fetches of one
	// provider's JWKS: an unknown kid triggers a fetch only if the last
	// one is this old, so tokens with made-up kids cannot hammer the IdP.
	RefreshInterval = 30 * time.Second
	// MaxKeyAge is how long fetched keys are used before the next use
	// fetches them again, so a key the provider withdrew stops working.
	// If that fetch fails the old keys stay in use (an IdP outage does not
	// stop sign-ins), and the next attempt waits RefreshInterval.
	MaxKeyAge = time.Hour
	// maxJWKSBytes bounds a JWKS document.
	maxJWKSBytes = 1 << 20
	// minRSABits refuses weak RSA keys in a JWKS.
	minRSABits = 2048
)

// jwk is one usable public key of a JWKS.
type jwk struct {
	public crypto.PublicKey
	alg    string // "" when the JWKS does not name one
}

// keySet is one provider's cached JWKS.
type keySet struct {
	uri    string
	client *http.Client
	now    func() time.Time

	mu      sync.Mutex // held during a fetch: concurrent misses wait for it rather than fetch again
	keys    map[string]jwk
	fetched time.Time // of the keys held
	tried   time.Time // the last fetch attempt
	failed  bool      // the last attempt failed
	reason  string    // why, for Probe
}

func newKeySet(uri string, client *http.Client, now func() time.Time) *keySet {
	return &keySet{uri: uri, client: client, now: now}
}

// key returns the key named kid ("" names the only key of a one-key set),
// fetching the set when it has no such key or is older than MaxKeyAge and
// the last fetch was at least RefreshInterval ago.
func (s *keySet) key(ctx context.Context, kid string) (jwk, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	k, known := s.lookup(kid)
	if known && now.Sub(s.fetched) < MaxKeyAge {
		return k, nil
	}
	if s.tried.IsZero() || now.Sub(s.tried) >= RefreshInterval {
		s.tried = now
		keys, err := s.fetchRetrying(ctx)
		s.failed = err != nil
		s.reason = ""
		if err != nil {
			s.reason = probeReason(err)
			slog.Warn("fetch IdP keys", "jwks_uri", s.uri, "err", err)
			if s.keys == nil {
				return jwk{}, unavailable(s.uri, err)
			}
		} else {
			s.keys, s.fetched = keys, now
		}
		k, known = s.lookup(kid)
	}
	switch {
	case known:
		return k, nil
	case s.failed:
		// The provider may have rotated to a key we could not fetch.
		return jwk{}, unavailable(s.uri, fmt.Errorf("kid %q unknown and the last fetch failed", kid))
	}
	return jwk{}, ErrUnknownKey
}

func (s *keySet) lookup(kid string) (jwk, bool) {
	if kid == "" && len(s.keys) == 1 {
		for _, k := range s.keys {
			return k, true
		}
	}
	k, ok := s.keys[kid]
	return k, ok && kid != ""
}

func unavailable(uri string, cause error) error {
	return fmt.Errorf("%w: %s: %w", apperr.New(apperr.Unavailable, "Identity provider keys are unavailable"), uri, cause)
}

// jwkJSON is a JWK as published (RFC 7517/7518): RSA fields as Sentinel
// publishes them, plus the EC ones.
type jwkJSON struct {
	token.JWK
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// AttemptTimeout bounds one JWKS fetch: an IdP across the internet, a bit
// more than budget.AttemptTimeout gives DynamoDB.
const AttemptTimeout = 2 * time.Second

// fetchRetrying fetches the JWKS with a timeout per attempt, and again
// after a transport error, a 5xx or a 429, up to budget.MaxAttempts times
// with full-jitter backoff, all within ctx (the request's budget).
func (s *keySet) fetchRetrying(ctx context.Context) (map[string]jwk, error) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, AttemptTimeout)
		keys, err := s.fetch(actx)
		cancel()
		var status statusError
		transient := err != nil && (!errors.As(err, &status) || status >= 500 || status == http.StatusTooManyRequests)
		if !transient || attempt == budget.MaxAttempts || ctx.Err() != nil {
			return keys, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(rand.N(budget.MaxBackoff<<(attempt-1)) + time.Millisecond):
		}
	}
}

// statusError is a JWKS answered with another status than 200.
type statusError int

func (e statusError) Error() string { return fmt.Sprintf("status %d", int(e)) }

// fetch reads the JWKS and keeps its usable signing keys: RSA of at least
// 2048 bits and EC on P-256/384/521, with a kid unless it is the only key.
func (s *keySet) fetch(ctx context.Context) (map[string]jwk, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.uri, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxJWKSBytes {
		return nil, fmt.Errorf("JWKS larger than %d bytes", maxJWKSBytes)
	}
	var doc struct {
		Keys []jwkJSON `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("decode JWKS: %w", err)
	}
	keys := map[string]jwk{}
	for _, j := range doc.Keys {
		if j.Use != "" && j.Use != "sig" {
			continue
		}
		pub, err := j.public()
		if err != nil {
			slog.Warn("skip IdP key", "jwks_uri", s.uri, "kid", j.Kid, "err", err)
			continue
		}
		keys[j.Kid] = jwk{public: pub, alg: j.Alg}
	}
	if _, noKid := keys[""]; noKid && len(keys) > 1 {
		delete(keys, "") // a key without kid is only usable alone
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("JWKS holds no usable signing key")
	}
	return keys, nil
}

// public decodes the key material.
func (j jwkJSON) public() (crypto.PublicKey, error) {
	switch j.Kty {
	case "RSA":
		n, err1 := b64int(j.N)
		e, err2 := b64int(j.E)
		if err1 != nil || err2 != nil || !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 {
			return nil, fmt.Errorf("bad RSA key")
		}
		if n.BitLen() < minRSABits {
			return nil, fmt.Errorf("RSA key of %d bits", n.BitLen())
		}
		return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
	case "EC":
		curve := map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}[j.Crv]
		if curve == nil {
			return nil, fmt.Errorf("unsupported curve %q", j.Crv)
		}
		size := (curve.Params().BitSize + 7) / 8
		x, err1 := base64.RawURLEncoding.DecodeString(j.X)
		y, err2 := base64.RawURLEncoding.DecodeString(j.Y)
		if err1 != nil || err2 != nil || len(x) != size || len(y) != size {
			return nil, fmt.Errorf("bad EC key")
		}
		return ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
	}
	return nil, fmt.Errorf("unsupported key type %q", j.Kty)
}

func b64int(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("bad base64url integer")
	}
	return new(big.Int).SetBytes(b), nil
}

// Probe is what a health check learnt of one provider's keys.
type Probe struct {
	// Reachable: the JWKS answered with usable keys at the last fetch.
	Reachable bool
	// Keys is how many keys the cache holds (after that fetch).
	Keys int
	// Reason says why the last fetch failed ("" when it did not).
	Reason string
}

// Probe fetches the named provider's JWKS into the cache now, unless the
// last fetch is younger than RefreshInterval (then it reports that one),
// so that health checks cannot hammer the provider either.
func (v *Verifier) Probe(ctx context.Context, name string) (Probe, error) {
	p, ok := v.providers[name]
	if !ok {
		return Probe{}, ErrUnknownProvider(name)
	}
	return p.keys.probe(ctx), nil
}

func (s *keySet) probe(ctx context.Context) Probe {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.tried.IsZero() || now.Sub(s.tried) >= RefreshInterval {
		s.tried = now
		keys, err := s.fetchRetrying(ctx)
		s.failed = err != nil
		s.reason = ""
		if err != nil {
			s.reason = probeReason(err)
		} else {
			s.keys, s.fetched = keys, now
		}
	}
	return Probe{Reachable: !s.failed, Keys: len(s.keys), Reason: s.reason}
}

// probeReason is a fetch failure said briefly: a timeout, a status, or
// what the document lacked (a URI the operator configured may appear).
func probeReason(err error) string {
	var status statusError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.As(err, &status):
		return "answered " + status.Error()
	}
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}
