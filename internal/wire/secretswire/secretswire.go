// Package secretswire builds what a function reads from Secrets Manager (or,
// locally, from the key directory): its signing key rings and the admin
// site's origin secret. Only the functions whose routes use them link it,
// and with it the Secrets Manager client.
package secretswire

import (
	"context"
	"fmt"
	"os"
	"time"

	"sentinel/internal/app"
	"sentinel/internal/awsenv"
	"sentinel/internal/config"
	"sentinel/internal/token"
	"sentinel/internal/token/secretstore"
)

// UserKeys is the user ring (user tokens, authz tokens, the JWKS): its
// private keys in the function that signs with it, its public keys in one
// that only verifies.
var UserKeys = ring(token.UserRing)

// AdminKeys is the admin ring (admin sessions), likewise.
var AdminKeys = ring(token.AdminRing)

func ring(r token.RingName) *app.Service[*token.Ring] {
	return &app.Service[*token.Ring]{Name: string(r) + " keys", Build: func(e *app.Env) (*token.Ring, error) {
		if !e.Config.Keys.Uses(r) {
			return nil, fmt.Errorf("function %s does not use the %s ring (set Keys on its route)", e.Function, r)
		}
		ks, err := Keystore(e.Ctx, e.Config)
		if err != nil {
			return nil, err
		}
		return loadRing(e.Ctx, ks, e.Config, r)
	}}
}

// OriginSecret is the admin site's origin secret (config.Config
// OriginSecret), read from its secret when the stack names one (only on
// the function of the sign-in route), else the configured value.
var OriginSecret = &app.Service[string]{Name: "origin secret", Build: func(e *app.Env) (string, error) {
	if e.Config.OriginSecret != "" || e.Config.OriginSecretID == "" {
		return e.Config.OriginSecret, nil
	}
	return loadOriginSecret(e.Ctx, e.Config.OriginSecretID)
}}

// client is a function's Secrets Manager client, on Lambda's environment
// (awsenv.Lambda).
func client() (secretstore.Client, error) {
	cfg, err := awsenv.Lambda(os.Getenv)
	if err != nil {
		return secretstore.Client{}, err
	}
	return secretstore.NewClient(cfg), nil
}

// loadOriginSecret reads the admin site's origin secret. An empty secret
// would prove nothing: it is refused.
func loadOriginSecret(ctx context.Context, id string) (string, error) {
	sm, err := client()
	if err != nil {
		return "", err
	}
	v, err := sm.GetSecretString(ctx, id)
	if err != nil {
		return "", fmt.Errorf("read the admin site's origin secret %s: %w", id, err)
	}
	if len(v) < 16 {
		return "", fmt.Errorf("the admin site's origin secret %s is shorter than 16 characters", id)
	}
	return v, nil
}

// Keys are a function's key rings: each holds private keys only in the
// function that signs with it, public keys in one that only verifies, and
// is nil in one that does neither (config.Config.Keys says which).
type Keys struct {
	User  *token.Ring // user tokens (access, authz) and the JWKS
	Admin *token.Ring // admin sessions
}

// Keystore is where the configuration says the function's key sources
// are, holding only those its key use may read.
func Keystore(ctx context.Context, cfg config.Config) (token.Keystore, error) {
	if cfg.SigningKeyDir != "" {
		return token.LocalKeystore(cfg.SigningKeyDir).Only(cfg.Keys), nil
	}
	sm, err := client()
	if err != nil {
		return nil, err
	}
	return secretstore.Keystore(sm, cfg.KeySecrets).Only(cfg.Keys), nil
}

// LoadKeys reads the rings the function's key use names: each ring it
// signs with from that ring's private keys, each it only verifies from the
// public bundle.
func LoadKeys(ctx context.Context, cfg config.Config) (Keys, error) {
	if cfg.Keys == 0 {
		return Keys{}, nil
	}
	ks, err := Keystore(ctx, cfg)
	if err != nil {
		return Keys{}, err
	}
	var keys Keys
	for _, r := range token.Rings {
		if !cfg.Keys.Uses(r) {
			continue
		}
		ring, err := loadRing(ctx, ks, cfg, r)
		if err != nil {
			return Keys{}, err
		}
		if r == token.UserRing {
			keys.User = ring
		} else {
			keys.Admin = ring
		}
	}
	return keys, nil
}

// loadRing reads one ring, and keeps following its source (the local key
// files, or the secrets), so that `sentinel signing-key rotate` reaches
// running functions without a cold start.
func loadRing(ctx context.Context, ks token.Keystore, cfg config.Config, r token.RingName) (*token.Ring, error) {
	load := func(ctx context.Context) (*token.Ring, error) { return ks.For(ctx, cfg.Keys, r, cfg.Issuer) }
	ring, err := load(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s keys: %w (run `sentinel signing-key rotate --secrets ...` once after the first deploy)", r, err)
	}
	return token.Reloading(ring, func() (*token.Ring, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		return load(ctx)
	}, time.Now()), nil
}
