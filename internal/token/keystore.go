package token

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A deployment signs with two separate key rings, so that a function that
// can sign one kind of token cannot sign the other:
//
//   - the user ring signs user tokens (access and authz; authz-resolve
//     signs them) and is the one the JWKS publishes;
//   - the admin ring signs admin sessions (admin-auth signs them) and is
//     never published: only Sentinel's own admin functions verify them.
//
// Each ring's private keys are stored apart (one secret each), and the
// public keys of both, with their stages, in a third stored value, the
// public bundle, which every function that only verifies reads. Only
// `sentinel signing-key rotate` writes any of them.

// RingName names a key ring.
type RingName string

// The rings.
const (
	UserRing  RingName = "user"
	AdminRing RingName = "admin"
)

// Rings lists the rings in their fixed order.
var Rings = []RingName{UserRing, AdminRing}

// Source is one stored value of a deployment's keys: a ring's private
// keys, or the public bundle.
type Source string

// The sources; a ring's private source has the ring's name.
const (
	UserKeys          = Source(UserRing)
	AdminKeys         = Source(AdminRing)
	PublicKeys Source = "public"
)

// Sources lists them in their fixed order.
var Sources = []Source{UserKeys, AdminKeys, PublicKeys}

// SecretEnv is the environment variable naming the Secrets Manager secret
// that holds the source, set on exactly the functions that may read it.
func (s Source) SecretEnv() string {
	return "SENTINEL_" + strings.ToUpper(string(s)) + "_KEYS_SECRET"
}

// file is the source's file in the local stack's key directory.
func (s Source) file() string {
	if s == PublicKeys {
		return "public.json"
	}
	return string(s) + ".pem"
}

// Use is what a function does with the keys, from its routes: which rings
// it signs with and which it verifies. It decides what the function may
// read (Sources): a signer reads its ring's private keys (and verifies
// with them), a verifier only the public bundle.
type Use uint8

// The uses.
const (
	SignUser    Use = 1 << iota // signs user tokens (authz-resolve)
	SignAdmin                   // signs admin sessions (admin-auth)
	VerifyUser                  // verifies user tokens, or publishes the JWKS
	VerifyAdmin                 // verifies admin sessions
)

// Signs reports whether u signs with ring r.
func (u Use) Signs(r RingName) bool {
	return (r == UserRing && u&SignUser != 0) || (r == AdminRing && u&SignAdmin != 0)
}

// Uses reports whether u signs or verifies with ring r.
func (u Use) Uses(r RingName) bool {
	return u.Signs(r) || (r == UserRing && u&VerifyUser != 0) || (r == AdminRing && u&VerifyAdmin != 0)
}

// Sources lists what a function of this use may read: each signed ring's
// private keys, and the public bundle when it verifies a ring it does not
// sign.
func (u Use) Sources() []Source {
	var out []Source
	public := false
	for _, r := range Rings {
		switch {
		case u.Signs(r):
			out = append(out, Source(r))
		case u.Uses(r):
			public = true
		}
	}
	if public {
		out = append(out, PublicKeys)
	}
	return out
}

func (u Use) String() string {
	var parts []string
	for _, p := range []struct {
		u    Use
		name string
	}{{SignUser, "sign-user"}, {SignAdmin, "sign-admin"}, {VerifyUser, "verify-user"}, {VerifyAdmin, "verify-admin"}} {
		if u&p.u != 0 {
			parts = append(parts, p.name)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "+")
}

// Keystore is where a deployment keeps its keys: a Blob per source. A
// function's keystore holds only the sources its Use may read.
type Keystore map[Source]Blob

// LocalKeystore is the local stack's: files user.pem, admin.pem and
// public.json in dir.
func LocalKeystore(dir string) Keystore {
	ks := Keystore{}
	for _, s := range Sources {
		ks[s] = File(filepath.Join(dir, s.file()))
	}
	return ks
}

// Only returns the keystore with just the sources of use.
func (ks Keystore) Only(use Use) Keystore {
	out := Keystore{}
	for _, s := range use.Sources() {
		if b, ok := ks[s]; ok {
			out[s] = b
		}
	}
	return out
}

func (ks Keystore) blob(s Source) (Blob, error) {
	b, ok := ks[s]
	if !ok || b == nil {
		return nil, fmt.Errorf("no %s keys in this keystore", s)
	}
	return b, nil
}

// Private reads ring r's private keys.
func (ks Keystore) Private(ctx context.Context, r RingName, issuer string) (*Ring, error) {
	b, err := ks.blob(Source(r))
	if err != nil {
		return nil, err
	}
	return loadRing(ctx, b, issuer)
}

// Public reads ring r's public keys from the public bundle.
func (ks Keystore) Public(ctx context.Context, r RingName, issuer string) (*Ring, error) {
	b, err := ks.blob(PublicKeys)
	if err != nil {
		return nil, err
	}
	data, err := b.Read(ctx)
	if err != nil {
		return nil, err
	}
	bundle, err := parseBundle(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b, err)
	}
	ring, err := ParsePEM([]byte(bundle[r]), issuer)
	if err != nil {
		return nil, fmt.Errorf("%s, %s ring: %w", b, r, err)
	}
	return ring, nil
}

// For reads ring r as a function of use holds it: the private keys when it
// signs with r, else the public keys (Sign then fails with ErrCannotSign).
func (ks Keystore) For(ctx context.Context, use Use, r RingName, issuer string) (*Ring, error) {
	if !use.Uses(r) {
		return nil, fmt.Errorf("a function that uses the keys for %s has no %s ring", use, r)
	}
	if use.Signs(r) {
		return ks.Private(ctx, r, issuer)
	}
	return ks.Public(ctx, r, issuer)
}

// PublicBundle is the public bundle of the rings: each ring's public keys
// with their stages (PublicPEM), by ring name, as JSON.
func PublicBundle(rings map[RingName]*Ring) []byte {
	out := map[RingName]string{}
	for name, r := range rings {
		if r != nil {
			out[name] = string(r.PublicPEM())
		}
	}
	data, _ := json.MarshalIndent(out, "", "  ")
	return append(data, '\n')
}

func parseBundle(data []byte) (map[RingName]string, error) {
	var b map[RingName]string
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, errors.New("the public key bundle is not a JSON object of PEM strings by ring")
	}
	for name, pemText := range b {
		if strings.Contains(pemText, "PRIVATE") {
			return nil, fmt.Errorf("the public key bundle's %s ring holds a private key", name)
		}
	}
	return b, nil
}

// ErrStale reports a public bundle that differs from the public keys of
// the private rings (a rotation whose last write failed).
var ErrStale = errors.New("the public key bundle does not match the signing keys")

// Check compares the public bundle with the private rings: nil when every
// verifier reads exactly the keys and stages the signers hold.
func (ks Keystore) Check(ctx context.Context) error {
	rings, err := ks.privateRings(ctx)
	if err != nil {
		return err
	}
	b, err := ks.blob(PublicKeys)
	if err != nil {
		return err
	}
	data, err := b.Read(ctx)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStale, err)
	}
	got, err := parseBundle(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStale, err)
	}
	want, _ := parseBundle(PublicBundle(rings))
	for _, r := range Rings {
		if got[r] != want[r] {
			return fmt.Errorf("%w: its %s ring differs (run `sentinel signing-key publish`)", ErrStale, r)
		}
	}
	return nil
}

// privateRings reads every ring's private keys; a ring with none stored
// yet is nil.
func (ks Keystore) privateRings(ctx context.Context) (map[RingName]*Ring, error) {
	rings := map[RingName]*Ring{}
	for _, r := range Rings {
		ring, err := ks.Private(ctx, r, "")
		if errors.Is(err, ErrNoKeys) {
			continue
		}
		if err != nil {
			return nil, err
		}
		rings[r] = ring
	}
	return rings, nil
}

// Publish rewrites the public bundle from the private rings (after a
// rotation whose last write failed; `sentinel signing-key publish`).
func (ks Keystore) Publish(ctx context.Context) (map[RingName]*Ring, error) {
	rings, err := ks.privateRings(ctx)
	if err != nil {
		return nil, err
	}
	b, err := ks.blob(PublicKeys)
	if err != nil {
		return nil, err
	}
	return rings, b.Write(ctx, PublicBundle(rings))
}

// Rotation is the outcome of stage 1 of a rotation of one ring.
type Rotation struct {
	Ring RingName
	Keys *Ring // the ring as stored
	New  Key   // its new key: next, or the first (signing at once)
}

// Rotate runs stage 1 of a rotation (rotate.go) on each of rings at once:
// a new key becomes each ring's next key (or its first, signing at once).
// A rotation is refused, before anything is written, while any of the
// rings still has a next key.
//
// The public bundle is written first, then each private ring: a verifier
// may learn of a next key a moment before the signers do, never after. If
// a private ring cannot be written, the public bundle is put back.
func (ks Keystore) Rotate(ctx context.Context, rings []RingName, at time.Time) ([]Rotation, error) {
	stored, err := ks.privateRings(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rings {
		cur := stored[r]
		if cur == nil {
			cur = NewRing("")
		}
		if _, err := cur.WithNext(Key{}, at); err != nil {
			return nil, fmt.Errorf("%s ring: %w", r, err) // refuse before generating a key
		}
	}
	next := map[RingName]*Ring{}
	for r, ring := range stored {
		next[r] = ring
	}
	var out []Rotation
	for _, r := range rings {
		k, err := GenerateKey()
		if err != nil {
			return nil, err
		}
		cur := stored[r]
		if cur == nil {
			cur = NewRing("")
		}
		if next[r], err = cur.WithNext(k, at); err != nil {
			return nil, err
		}
		out = append(out, Rotation{Ring: r, Keys: next[r], New: next[r].Keys[len(next[r].Keys)-1]})
	}
	pub, err := ks.blob(PublicKeys)
	if err != nil {
		return nil, err
	}
	if err := pub.Write(ctx, PublicBundle(next)); err != nil {
		return nil, err
	}
	for _, r := range rings {
		b, err := ks.blob(Source(r))
		if err == nil {
			err = b.Write(ctx, next[r].PEM())
		}
		if err != nil {
			// Put the public bundle back to what the private rings hold.
			if perr := pub.Write(ctx, PublicBundle(stored)); perr != nil {
				return nil, fmt.Errorf("%w; putting the public bundle back failed too (%v): run `sentinel signing-key publish`", err, perr)
			}
			return nil, err
		}
		// Later rings are not written yet: a failure there puts back
		// the bundle with this ring's rotation in it.
		stored[r] = next[r]
	}
	return out, nil
}

// RingsNamed parses a --ring flag: "user", "admin" or "" (both).
func RingsNamed(name string) ([]RingName, error) {
	if name == "" || name == "both" {
		return slices.Clone(Rings), nil
	}
	for _, r := range Rings {
		if string(r) == name {
			return []RingName{r}, nil
		}
	}
	return nil, fmt.Errorf("unknown ring %q: want user, admin or both", name)
}

// Ensure gives each ring without keys its first key (signing at once) and
// rewrites a stale public bundle: what the local stack does at start. It
// returns the rings it gave a first key.
func (ks Keystore) Ensure(ctx context.Context, at time.Time) ([]RingName, error) {
	stored, err := ks.privateRings(ctx)
	if err != nil {
		return nil, err
	}
	var missing []RingName
	for _, r := range Rings {
		if stored[r] == nil {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		if _, err := ks.Rotate(ctx, missing, at); err != nil {
			return nil, err
		}
	}
	if err := ks.Check(ctx); errors.Is(err, ErrStale) {
		_, err = ks.Publish(ctx)
		return missing, err
	} else if err != nil {
		return nil, err
	}
	return missing, nil
}

// SecretsFlag is the value of `sentinel signing-key --secrets`: each
// source's secret id, "user=ARN,admin=ARN,public=ARN" (a secret's name
// never holds a comma). The stack's SigningKeySecrets output is this.
func SecretsFlag(ids map[Source]string) string {
	var parts []string
	for _, s := range Sources {
		parts = append(parts, string(s)+"="+ids[s])
	}
	return strings.Join(parts, ",")
}

// ParseSecretsFlag reads SecretsFlag's format: every source once.
func ParseSecretsFlag(v string) (map[Source]string, error) {
	ids := map[Source]string{}
	for _, part := range strings.Split(v, ",") {
		name, id, ok := strings.Cut(strings.TrimSpace(part), "=")
		s := Source(name)
		if !ok || id == "" || !slices.Contains(Sources, s) || ids[s] != "" {
			return nil, fmt.Errorf("--secrets %q: want user=ARN,admin=ARN,public=ARN (the stack's SigningKeySecrets output)", v)
		}
		ids[s] = id
	}
	if len(ids) != len(Sources) {
		return nil, fmt.Errorf("--secrets %q: want user=ARN,admin=ARN,public=ARN (the stack's SigningKeySecrets output)", v)
	}
	return ids, nil
}
