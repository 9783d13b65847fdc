package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"sentinel/internal/devstack"
)

func init() {
	register(command{
		name:  "dev",
		usage: "run the local stack (make dev): DynamoDB Local, the API on :9003, the admin site on :9004, the dev IdP on :9005",
		run:   runDev,
	})
}

func runDev(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: sentinel dev

Runs the local stack until Ctrl-C. Settings come from the environment:
  SENTINEL_API_PORT        the local API Gateway (default 9003)
  SENTINEL_ADMIN_PORT      the admin site, /admin/* proxied to the API (default 9004)
  SENTINEL_DYNAMODB_PORT   DynamoDB Local (default 8000)
  SENTINEL_DEV_IDP_PORT    the dev IdP, OIDC provider "dev" (default 9005)
  SENTINEL_ADMIN_EMAIL     with SENTINEL_ADMIN_PASSWORD: an admin to create or
  SENTINEL_ADMIN_PASSWORD  reset at start (default: admin@sentinel.local, created
                           with a random password printed once on the first start)
  SENTINEL_LOCAL_DIR       state directory (default .local at the repository root)
  SENTINEL_AUTHZ_RATE_LIMIT      /authz/resolve requests per minute per client IP (default 10)
  SENTINEL_AUTH_FAILURE_LIMIT    failed service-key/token authentications per minute per client IP (default 20)
  SENTINEL_AUTHZ_TOKEN_TTL       authz token lifetime (default 5m)
  SENTINEL_ADMIN_REQUIRE_TOTP    true: every admin must sign in with a TOTP code (default false)
  SENTINEL_OIDC_PROVIDERS        more OIDC providers, JSON {"<name>": {"issuer", "jwks_uri", "audience"}}
  SENTINEL_OIDC_GOOGLE_CLIENT_ID the google provider's client id
  SENTINEL_OIDC_ENTRA_TENANT_ID  with SENTINEL_OIDC_ENTRA_CLIENT_ID: the entra_id provider
`)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	cfg, err := devstack.FromEnv()
	if err != nil {
		return err
	}
	cfg.Out = os.Stdout
	return devstack.Run(ctx, cfg)
}
