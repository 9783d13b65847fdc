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
)

func init() {
	register(command{name: "signing-key", usage: "signing-key rotate|status [--secret-id ARN]: start a signing-key rotation (stage 1 of 3), or show each key's stage", run: signingKeyCmd})
}

func signingKeyCmd(ctx context.Context, args []string) error {
	const use = "usage: sentinel signing-key rotate|status [--secret-id ARN]"
	if len(args) == 0 || (args[0] != "rotate" && args[0] != "status") {
		return errors.New(use)
	}
	fs := flag.NewFlagSet("signing-key "+args[0], flag.ContinueOnError)
	secretID := fs.String("secret-id", "", "Secrets Manager secret of a deployed stack (omit for the local stack)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	store, err := keyStore(ctx, *secretID)
	if err != nil {
		return err
	}
	now := time.Now()
	if args[0] == "status" {
		ring, err := store.Load(ctx)
		if err != nil {
			return err
		}
		printStatus(os.Stdout, ring, now)
		return nil
	}
	ring, key, err := token.Rotate(ctx, store, now)
	if err != nil {
		return err
	}
	printRotation(os.Stdout, ring, key, now)
	return nil
}

// keyStore is the deployed stack's secret, or the local stack's key file.
func keyStore(ctx context.Context, secretID string) (token.Store, error) {
	if secretID != "" {
		sm, err := token.NewSecretsClient(ctx)
		if err != nil {
			return nil, err
		}
		return token.SecretStore{SM: sm, SecretID: secretID}, nil
	}
	local, err := devstack.FromEnv()
	if err != nil {
		return nil, err
	}
	return token.FileStore{Path: local.SigningKeyFile()}, nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// printRotation tells the operator the stages the rotation just started.
// Nothing else needs running: each stage follows from the stored times.
func printRotation(w io.Writer, ring *token.Ring, key token.Key, now time.Time) {
	if !key.SignsFrom.After(now) {
		fmt.Fprintf(w, "First signing key %s stored; it signs at once.\n", key.ID)
		return
	}
	fmt.Fprintf(w, "Signing-key rotation started. Nothing more to run: each stage follows from the stored times.\n")
	fmt.Fprintf(w, "  1. now: key %s is published (JWKS, every verifier) and signs nothing yet.\n", key.ID)
	fmt.Fprintf(w, "  2. %s: it signs every new token, once every JWKS a backend may cache includes it\n"+
		"     (the JWKS max-age %v + the functions' key reload %v, with a margin: %v after now).\n",
		stamp(key.SignsFrom), token.JWKSMaxAge, token.ReloadAfter, token.PublishLead)
	for _, st := range ring.Status(now) {
		if st.ID != key.ID && st.Stage == token.StageCurrent {
			fmt.Fprintf(w, "  3. %s: the key it replaces, %s, leaves the JWKS (its last tokens, at most %v, have expired).\n",
				stamp(key.SignsFrom.Add(token.Retention)), st.ID, token.MaxTTL)
		}
	}
	fmt.Fprintf(w, "`sentinel signing-key status` shows where each key is.\n")
}

// printStatus lists each key, newest first, with its stage.
func printStatus(w io.Writer, ring *token.Ring, now time.Time) {
	for _, st := range ring.Status(now) {
		line := fmt.Sprintf("%s  %-8s", st.ID, st.Stage)
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
