package token_test

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sentinel/internal/apitest"
	"sentinel/internal/token"
	"sentinel/internal/token/secretstore"
	"sentinel/internal/web"
)

// The protocol's lead covers what it must: a backend's cached JWKS and a
// function's reload.
func TestPublishLeadCoversCachingAndReload(t *testing.T) {
	if token.PublishLead <= token.JWKSMaxAge+token.ReloadAfter {
		t.Errorf("PublishLead %v, want more than the JWKS max-age %v + the reload interval %v", token.PublishLead, token.JWKSMaxAge, token.ReloadAfter)
	}
	if token.Retention <= token.MaxTTL {
		t.Errorf("Retention %v, want more than the longest token lifetime %v", token.Retention, token.MaxTTL)
	}
}

// A rotation of both rings driven through its stages, as a deployment
// lives it: the Secrets Manager secrets written by Keystore.Rotate (what
// `sentinel signing-key rotate` runs) — each ring's private keys and the
// public bundle —, signing functions that read only their ring's private
// keys, JWKS and verifying functions that read only the public bundle, all
// started at different moments and each reloading on its own, and outside
// verifiers that fetch the JWKS over HTTP, cache it for the max-age it
// says and never refetch for an unknown kid (the strictest backend). Every
// token any function signs is accepted by every outside verifier (user
// tokens) and every verifying function at every moment until it expires;
// the JWKS never lists an admin key.
func TestRotationEveryVerifierFollows(t *testing.T) {
	sim := newDeployment(t)
	start := sim.clock.Now()
	var first, second token.Key
	sim.rotateAt = map[time.Duration]func(){
		0:                              func() { sim.rotate() }, // the deployment's first key
		10*time.Minute + 7*time.Second: func() { first = sim.rotate() },
		20 * time.Minute: func() {
			// Refused while the first rotation's key waits.
			if _, err := sim.ks.Rotate(context.Background(), token.Rings, sim.clock.Now()); !errors.Is(err, token.ErrPending) {
				t.Errorf("rotation during a rotation: %v, want ErrPending", err)
			}
		},
		50 * time.Minute: func() { second = sim.rotate() },
	}
	sim.run(150 * time.Minute)
	for _, f := range sim.failures {
		t.Error(f)
	}
	if len(sim.failures) > 0 {
		return
	}
	// The stages, as every outside verifier and signer lived them.
	for _, k := range []token.Key{first, second} {
		published, signed := sim.firstPublished[k.ID], sim.firstSigned[k.ID]
		if published.IsZero() || signed.IsZero() {
			t.Fatalf("key %s: published %v, signed %v", k.ID, published, signed)
		}
		if signed.Before(k.SignsFrom) || signed.Sub(k.SignsFrom) > sim.step {
			t.Errorf("key %s first signed at +%v, want at its SignsFrom +%v", k.ID, signed.Sub(start), k.SignsFrom.Sub(start))
		}
		if lead := signed.Sub(published); lead < token.JWKSMaxAge+token.ReloadAfter {
			t.Errorf("key %s signed %v after it was first published, want more than %v", k.ID, lead, token.JWKSMaxAge+token.ReloadAfter)
		}
	}
	// The first rotation's old key: signing until the new one took over,
	// published until its last token expired, then gone.
	old := sim.initial
	if last := sim.lastSigned[old]; !last.Before(first.SignsFrom) {
		t.Errorf("old key signed at +%v, after its successor took over at +%v", last.Sub(start), first.SignsFrom.Sub(start))
	}
	gone := sim.lastPublished[old]
	if gone.Before(sim.lastSigned[old].Add(token.MaxTTL)) {
		t.Errorf("old key last published at +%v, before its last token expired (+%v)", gone.Sub(start), sim.lastSigned[old].Add(token.MaxTTL).Sub(start))
	}
	if gone.After(first.SignsFrom.Add(token.Retention + token.ReloadAfter + sim.step)) {
		t.Errorf("old key still published at +%v, want it retired at +%v", gone.Sub(start), first.SignsFrom.Add(token.Retention).Sub(start))
	}
	if sim.maxPublished != 3 {
		t.Errorf("at most %d keys published at once, want 3 (previous, current, next)", sim.maxPublished)
	}
	// The admin ring went through the same stages, apart and unpublished.
	if len(sim.adminKids) != 3 || len(sim.adminSigned) != 3 {
		t.Errorf("admin keys %d, of which %d signed, want 3 and 3", len(sim.adminKids), len(sim.adminSigned))
	}
	for kid := range sim.adminKids {
		if !sim.firstPublished[kid].IsZero() {
			t.Errorf("admin key %s was in the JWKS", kid)
		}
		if kid == first.ID || kid == second.ID || kid == sim.initial {
			t.Errorf("admin key %s is also a user key", kid)
		}
	}
}

// The same deployment with the old behaviour — a new key signing as soon
// as a function has read it — fails the same outside verifiers: the test
// above would catch it.
func TestSigningAtOnceFailsOutsideVerifiers(t *testing.T) {
	sim := newDeployment(t)
	sim.rotateAt = map[time.Duration]func(){
		0:                func() { sim.rotate() },
		10 * time.Minute: func() { sim.rotateAtOnce() },
	}
	sim.run(30 * time.Minute)
	if len(sim.failures) == 0 {
		t.Error("outside verifiers accepted every token of a key that signed before it was published")
	}
}

// deployment simulates functions and outside verifiers on a fake clock.
type deployment struct {
	t        *testing.T
	clock    *apitest.Clock
	secrets  map[token.Source]*memSecret
	ks       token.Keystore
	step     time.Duration
	rotateAt map[time.Duration]func()

	signers        []*token.Ring // authz-resolve instances: the user ring's private keys
	adminSigners   []*token.Ring // admin-auth instances: the admin ring's private keys
	jwks           []*token.Ring // JWKS function instances: the public bundle's user ring
	userVerifiers  []*token.Ring // dual-tier functions: the public bundle's user ring
	adminVerifiers []*token.Ring // admin functions: the public bundle's admin ring
	verifiers      []*outsideVerifier
	server         *httptest.Server
	nextServer     int

	initial     string // the first user key's kid
	tokens      []issued
	adminTokens []issued
	failures    []string

	adminKids, adminSigned map[string]bool

	firstPublished, lastPublished map[string]time.Time // over every JWKS answer
	firstSigned, lastSigned       map[string]time.Time
	maxPublished                  int
}

type issued struct {
	raw, kid, by string
	exp          time.Time
}

func newDeployment(t *testing.T) *deployment {
	d := &deployment{
		t: t, clock: apitest.NewClock(time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC)), step: 30 * time.Second,
		firstPublished: map[string]time.Time{}, lastPublished: map[string]time.Time{},
		firstSigned: map[string]time.Time{}, lastSigned: map[string]time.Time{},
		secrets: map[token.Source]*memSecret{}, adminKids: map[string]bool{}, adminSigned: map[string]bool{},
	}
	ids := map[token.Source]string{}
	for _, src := range token.Sources {
		d.secrets[src], ids[src] = &memSecret{}, string(src)+"-keys"
	}
	d.ks = secretstore.Keystore(multiSecret(d.secrets), ids)
	d.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// API Gateway hands each request to any instance of the JWKS function.
		inst := d.jwks[d.nextServer%len(d.jwks)]
		d.nextServer++
		web.Middleware(web.Func(token.Publisher{Keys: inst, Now: d.clock.Now}.JWKS)).ServeHTTP(w, r)
	}))
	t.Cleanup(d.server.Close)
	return d
}

// instance cold-starts a function of use holding ring r: it can read only
// the secrets its use allows, reads them now and reloads on its own.
func (d *deployment) instance(use token.Use, r token.RingName) *token.Ring {
	ks := d.ks.Only(use)
	load := func() (*token.Ring, error) { return ks.For(context.Background(), use, r, apitest.Issuer) }
	ring, err := load()
	if err != nil {
		d.t.Fatal(err)
	}
	for _, k := range ring.Keys {
		if (k.Private != nil) != use.Signs(r) {
			d.t.Fatalf("a function that %v holds the %s key %s with private part %v", use, r, k.ID, k.Private != nil)
		}
	}
	return token.Reloading(ring, load, d.clock.Now())
}

// rotate rotates both rings and returns the user ring's new key.
func (d *deployment) rotate() token.Key {
	done, err := d.ks.Rotate(context.Background(), token.Rings, d.clock.Now())
	if err != nil {
		d.t.Fatal(err)
	}
	var k token.Key
	for _, rot := range done {
		if rot.Ring == token.AdminRing {
			d.adminKids[rot.New.ID] = true
			continue
		}
		k = rot.New
		if n := len(rot.Keys.Published(d.clock.Now())); n > d.maxPublished {
			d.maxPublished = n
		}
	}
	if d.initial == "" {
		d.initial = k.ID
	}
	return k
}

// rotateAtOnce is the rotation without the protocol: a new user key signs
// from now (and is in the public bundle from now).
func (d *deployment) rotateAtOnce() {
	ring, err := d.ks.Private(context.Background(), token.UserRing, apitest.Issuer)
	if err != nil {
		d.t.Fatal(err)
	}
	k, err := token.GenerateKey()
	if err != nil {
		d.t.Fatal(err)
	}
	k.SignsFrom = d.clock.Now()
	cur, _ := ring.Current(d.clock.Now())
	if err := d.ks[token.UserKeys].Write(context.Background(), token.NewRing(ring.Issuer, cur, k).PEM()); err != nil {
		d.t.Fatal(err)
	}
	if _, err := d.ks.Publish(context.Background()); err != nil {
		d.t.Fatal(err)
	}
}

// run steps the clock through span: functions and verifiers start at
// staggered moments, so their reloads and JWKS fetches fall at different
// phases; each step a signer (in turn) signs a token of the longest
// lifetime and every outside verifier checks every token still alive.
func (d *deployment) run(span time.Duration) {
	start := d.clock.Now()
	signer := func() { d.signers = append(d.signers, d.instance(token.SignUser, token.UserRing)) }
	adminSigner := func() {
		d.adminSigners = append(d.adminSigners, d.instance(token.SignAdmin|token.VerifyAdmin, token.AdminRing))
	}
	jwks := func() { d.jwks = append(d.jwks, d.instance(token.VerifyUser, token.UserRing)) }
	verifier := func() {
		d.userVerifiers = append(d.userVerifiers, d.instance(token.VerifyUser, token.UserRing))
		d.adminVerifiers = append(d.adminVerifiers, d.instance(token.VerifyAdmin, token.AdminRing))
	}
	starts := map[time.Duration]func(){
		0:                              func() { signer(); adminSigner() },
		70 * time.Second:               func() { signer(); verifier() },
		150 * time.Second:              func() { signer(); adminSigner() },
		20 * time.Second:               jwks,
		100 * time.Second:              func() { jwks(); verifier() },
		230 * time.Second:              func() { jwks(); adminSigner() },
		290 * time.Second:              verifier,
		40 * time.Second:               func() { d.verifiers = append(d.verifiers, d.newVerifier("A")) },
		130 * time.Second:              func() { d.verifiers = append(d.verifiers, d.newVerifier("B")) },
		260 * time.Second:              func() { d.verifiers = append(d.verifiers, d.newVerifier("C")) },
		8*time.Minute + 10*time.Second: func() { d.verifiers = append(d.verifiers, d.newVerifier("D")) },
	}
	// The clock ticks by the second; signing and verifying happen every step.
	for at := time.Duration(0); at <= span; at += time.Second {
		d.clock.Advance(at - d.clock.Now().Sub(start))
		now := d.clock.Now()
		if f, ok := d.rotateAt[at]; ok {
			f()
		}
		if f, ok := starts[at]; ok {
			f()
		}
		if at%d.step != 0 {
			continue
		}
		// One token a step, from each signer in turn.
		if n := len(d.signers); n > 0 {
			i := int(at/d.step) % n
			raw, err := d.signers[i].Sign(token.Access("u1", "w1", "acme", "viewer", nil), now, token.MaxTTL)
			if err != nil {
				d.fail(now, start, "signer %d: %v", i, err)
			} else {
				kid := kidOfRaw(raw)
				d.tokens = append(d.tokens, issued{raw: raw, kid: kid, by: fmt.Sprint("signer ", i), exp: now.Add(token.MaxTTL)})
				if d.firstSigned[kid].IsZero() {
					d.firstSigned[kid] = now
				}
				d.lastSigned[kid] = now
			}
		}
		if n := len(d.adminSigners); n > 0 {
			i := int(at/d.step) % n
			raw, err := d.adminSigners[i].Sign(token.Claims{
				RegisteredClaims: jwt.RegisteredClaims{Subject: "admin1", Audience: jwt.ClaimStrings{token.AudAdmin}}, Type: "admin",
			}, now, token.MaxTTL)
			if err != nil {
				d.fail(now, start, "admin signer %d: %v", i, err)
			} else {
				d.adminTokens = append(d.adminTokens, issued{raw: raw, kid: kidOfRaw(raw), by: fmt.Sprint("admin signer ", i), exp: now.Add(token.MaxTTL)})
				d.adminSigned[kidOfRaw(raw)] = true
			}
		}
		d.tokens, d.adminTokens = alive(d.tokens, now), alive(d.adminTokens, now)
		for _, v := range d.verifiers {
			for _, tok := range d.tokens {
				if err := v.accepts(tok, now); err != nil {
					d.fail(now, start, "outside verifier %s refused a token of %s (kid %s): %v", v.name, tok.by, tok.kid, err)
				}
			}
		}
		// The functions' own verification (the dual and admin tiers), every
		// 15 minutes: from the public bundle, and admin-auth's from its
		// private ring.
		if at%(15*time.Minute) == 0 {
			check := func(what string, rings []*token.Ring, tokens []issued, aud string) {
				for i, r := range rings {
					for _, tok := range tokens {
						if _, err := r.Verify(tok.raw, now, aud); err != nil {
							d.fail(now, start, "%s %d refused a token of %s (kid %s): %v", what, i, tok.by, tok.kid, err)
						}
					}
				}
			}
			check("user-token verifier", d.userVerifiers, d.tokens, token.AudAccess)
			check("admin verifier", d.adminVerifiers, d.adminTokens, token.AudAdmin)
			check("admin-auth", d.adminSigners, d.adminTokens, token.AudAdmin)
		}
	}
}

// alive keeps the tokens not yet expired at now.
func alive(tokens []issued, now time.Time) []issued {
	live := tokens[:0]
	for _, tok := range tokens {
		if now.Before(tok.exp) {
			live = append(live, tok)
		}
	}
	return live
}

func (d *deployment) fail(now, start time.Time, format string, args ...any) {
	if len(d.failures) < 20 {
		d.failures = append(d.failures, fmt.Sprintf("+%v: ", now.Sub(start))+fmt.Sprintf(format, args...))
	}
}

// outsideVerifier is a backend verifying Sentinel's tokens from the JWKS
// alone, over HTTP: it caches the key set for the max-age the answer gives
// and refuses an unknown kid without refetching.
type outsideVerifier struct {
	d         *deployment
	name      string
	keys      map[string]*rsa.PublicKey
	fetchedAt time.Time
	maxAge    time.Duration
	checked   map[string]string // token → kid whose key verified its signature
}

func (d *deployment) newVerifier(name string) *outsideVerifier {
	return &outsideVerifier{d: d, name: name, checked: map[string]string{}}
}

var maxAgeRE = regexp.MustCompile(`max-age=(\d+)`)

func (v *outsideVerifier) refresh(now time.Time) error {
	if v.keys != nil && now.Sub(v.fetchedAt) < v.maxAge {
		return nil
	}
	res, err := http.Get(v.d.server.URL + "/.well-known/jwks.json")
	if err != nil {
		return err
	}
	defer res.Body.Close()
	m := maxAgeRE.FindStringSubmatch(res.Header.Get("Cache-Control"))
	if res.StatusCode != 200 || m == nil {
		return fmt.Errorf("JWKS answered %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	secs, _ := strconv.Atoi(m[1])
	var set struct {
		Keys []struct{ Kid, N, E string }
	}
	if err := json.NewDecoder(res.Body).Decode(&set); err != nil {
		return err
	}
	v.keys, v.fetchedAt, v.maxAge = map[string]*rsa.PublicKey{}, now, time.Duration(secs)*time.Second
	for _, k := range set.Keys {
		n, _ := base64.RawURLEncoding.DecodeString(k.N)
		e, _ := base64.RawURLEncoding.DecodeString(k.E)
		v.keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if v.d.firstPublished[k.Kid].IsZero() {
			v.d.firstPublished[k.Kid] = now
		}
		v.d.lastPublished[k.Kid] = now
	}
	if len(set.Keys) > v.d.maxPublished {
		v.d.maxPublished = len(set.Keys)
	}
	return nil
}

// accepts verifies tok as a backend would at now. The RSA check runs once
// per token and key (its outcome cannot change); the kid must be in the
// cached set at every call.
func (v *outsideVerifier) accepts(tok issued, now time.Time) error {
	if err := v.refresh(now); err != nil {
		return err
	}
	key, ok := v.keys[tok.kid]
	if !ok {
		return errors.New("kid not in the cached JWKS")
	}
	if v.checked[tok.raw] == tok.kid {
		return nil
	}
	_, err := jwt.Parse(tok.raw, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(apitest.Issuer), jwt.WithAudience(token.AudAccess),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		return err
	}
	v.checked[tok.raw] = tok.kid
	return nil
}

func kidOfRaw(raw string) string {
	tok, _, err := jwt.NewParser().ParseUnverified(raw, jwt.MapClaims{})
	if err != nil {
		return ""
	}
	kid, _ := tok.Header["kid"].(string)
	return kid
}

// multiSecret stands in for Secrets Manager: one memSecret per secret id
// ("<source>-keys").
type multiSecret map[token.Source]*memSecret

func (m multiSecret) secret(id string) *memSecret {
	return m[token.Source(strings.TrimSuffix(id, "-keys"))]
}

func (m multiSecret) GetSecretString(ctx context.Context, id string) (string, error) {
	return m.secret(id).GetSecretString(ctx, id)
}

func (m multiSecret) PutSecretString(ctx context.Context, id, value string) error {
	return m.secret(id).PutSecretString(ctx, id, value)
}

// memSecret stands in for one Secrets Manager secret.
type memSecret struct {
	mu    sync.Mutex
	value *string
}

func (s *memSecret) GetSecretString(context.Context, string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.value == nil {
		return "", secretstore.ErrNotFound
	}
	return *s.value, nil
}

func (s *memSecret) PutSecretString(_ context.Context, _, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.value = &value
	return nil
}
