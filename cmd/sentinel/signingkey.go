package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"sentinel/internal/devstack"
	"sentinel/internal/token"
	"sentinel/internal/token/secretstore"
)

func init() {
	register(command{name: "signing-key", usage: "signing-key rotate|status|publish [--ring user|admin|both] [--secrets user=ARN,admin=ARN,public=ARN]: start a signing-key rotation (stage 1 of 3), show each key's stage, or rewrite the public key bundle", run: signingKeyCmd})
}

func signingKeyCmd(ctx context.Context, args []string) error {
	const use = "usage: sentinel signing-key rotate|status|publish [--ring user|admin|both] [--secrets user=ARN,admin=ARN,public=ARN]"
	if len(args) == 0 || (args[0] != "rotate" && args[0] != "status" && args[0] != "publish") {
		return errors.New(use)
	}
	fs := flag.NewFlagSet("signing-key "+args[0], flag.ContinueOnError)
	secrets := fs.String("secrets", "", "a deployed stack's key secrets, its SigningKeySecrets output (omit for the local stack)")
	ring := fs.String("ring", "both", "the ring to rotate: user (user tokens, the JWKS), admin (admin sessions) or both")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	rings, err := token.RingsNamed(*ring)
	if err != nil {
		return err
	}
	ks, err := keystore(ctx, *secrets)
	if err != nil {
		return err
	}
	now := time.Now()
	switch args[0] {
	case "status":
		return printStatus(ctx, os.Stdout, ks, now)
	case "publish":
		if _, err := ks.Publish(ctx); err != nil {
			return err
		}
		fmt.Println("Public key bundle rewritten from the signing keys.")
		return nil
	}
	done, err := ks.Rotate(ctx, rings, now)
	if err != nil {
		return err
	}
	for _, r := range done {
		printRotation(os.Stdout, r, now)
	}
	fmt.Println("`sentinel signing-key status` shows where each key is.")
	return nil
}

// keystore is the deployed stack's secrets, or the local stack's key files.
func keystore(ctx context.Context, secrets string) (token.Keystore, error) {
	if secrets != "" {
		ids, err := token.ParseSecretsFlag(secrets)
		if err != nil {
			return nil, err
		}
		cfg, err := operatorAWS(ctx)
		if err != nil {
			return nil, err
		}
		return secretstore.Keystore(secretstore.NewClient(cfg), ids), nil
	}
	local, err := devstack.FromEnv()
	if err != nil {
		return nil, err
	}
	return token.LocalKeystore(local.SigningKeyDir()), nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ringTitle says what a ring signs.
func ringTitle(r token.RingName) string {
	if r == token.AdminRing {
		return "admin ring (admin sessions; verified by Sentinel's admin functions only, never in the JWKS)"
	}
	return "user ring (access and authz tokens; published in the JWKS)"
}

// printRotation tells the operator the stages a rotation just started.
// Nothing else needs running: each stage follows from the stored times.
func printRotation(w io.Writer, rot token.Rotation, now time.Time) {
	key := rot.New
	fmt.Fprintf(w, "%s:\n", ringTitle(rot.Ring))
	if !key.SignsFrom.After(now) {
		fmt.Fprintf(w, "  First signing key %s stored; it signs at once.\n", key.ID)
		return
	}
	fmt.Fprintf(w, "  Rotation started. Nothing more to run: each stage follows from the stored times.\n")
	fmt.Fprintf(w, "  1. now: key %s is published (public key bundle, JWKS for the user ring, every verifier) and signs nothing yet.\n", key.ID)
	fmt.Fprintf(w, "  2. %s: it signs every new token, once every JWKS a backend may cache includes it\n"+
		"     (the JWKS max-age %v + the functions' key reload %v, with a margin: %v after now).\n",
		stamp(key.SignsFrom), token.JWKSMaxAge, token.ReloadAfter, token.PublishLead)
	for _, st := range rot.Keys.Status(now) {
		if st.ID != key.ID && st.Stage == token.StageCurrent {
			fmt.Fprintf(w, "  3. %s: the key it replaces, %s, is retired (its last tokens, at most %v, have expired).\n",
				stamp(key.SignsFrom.Add(token.Retention)), st.ID, token.MaxTTL)
		}
	}
}

// printStatus lists each ring's keys, newest first, with their stages,
// and whether the public bundle the verifiers read matches them.
func printStatus(ctx context.Context, w io.Writer, ks token.Keystore, now time.Time) error {
	for _, r := range token.Rings {
		fmt.Fprintf(w, "%s:\n", ringTitle(r))
		ring, err := ks.Private(ctx, r, "")
		if errors.Is(err, token.ErrNoKeys) {
			fmt.Fprintf(w, "  no key yet: run `sentinel signing-key rotate`\n")
			continue
		}
		if err != nil {
			return err
		}
		printKeys(w, ring, now)
	}
	if err := ks.Check(ctx); err != nil {
		fmt.Fprintf(w, "public key bundle: %v\n", err)
		return nil
	}
	fmt.Fprintf(w, "public key bundle: matches the signing keys\n")
	return nil
}

// printKeys lists a ring's keys, newest first, with their stages.
func printKeys(w io.Writer, ring *token.Ring, now time.Time) {
	for _, st := range ring.Status(now) {
		line := fmt.Sprintf("  %s  %-8s", st.ID, st.Stage)
		switch st.Stage {
		case token.StageNext:
			line += "  signs from " + stamp(st.Until)
		case token.StageCurrent:
			if !st.SignsFrom.IsZero() {
				line += "  signing since " + stamp(st.SignsFrom)
			}
		case token.StagePrevious:
			if !st.Until.IsZero() {
				line += "  published until " + stamp(st.Until)
			} else {
				line += "  published until the next rotation"
			}
		case token.StageRetired:
			line += "  retired at " + stamp(st.Until) + "; the next rotation drops it"
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}
