// Package app builds, once per cold start, everything a function's handlers
// need: configuration, the DynamoDB client and table names, the signing keys
// and the services on top of them.
package app

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"sentinel/internal/activity"
	"sentinel/internal/adminauth"
	"sentinel/internal/authtier"
	"sentinel/internal/authz"
	"sentinel/internal/config"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/idp"
	"sentinel/internal/permissions"
	"sentinel/internal/ratelimit"
	"sentinel/internal/rbac"
	"sentinel/internal/serviceapps"
	"sentinel/internal/token"
)

// Deps is what handlers are built from.
type Deps struct {
	Config config.Config
	DB     dynamo.DB
	Tables dynamo.Names
	Keys   Keys
	Now    func() time.Time

	Activity  *activity.Log
	Apps      *serviceapps.Store
	Directory *directory.Store
	Auth      *authtier.Authenticator
	Admins    *adminauth.Service
	RBAC      *rbac.Store

	Permissions *permissions.Store
	Authz       *authz.Service
}

// Keys are a function's key rings: each holds private keys only in the
// function that signs with it, public keys in one that only verifies, and
// is nil in one that does neither (config.Config.Keys says which).
type Keys struct {
	User  *token.Ring // user tokens (access, authz) and the JWKS
	Admin *token.Ring // admin sessions
}

// New assembles the services from already-built parts (tests and the local
// stack call it directly).
func New(cfg config.Config, db dynamo.DB, tables dynamo.Names, keys Keys) *Deps {
	d := &Deps{Config: cfg, DB: db, Tables: tables, Keys: keys, Now: time.Now}
	// A function only has the tables its routes declare; services over
	// tables it lacks get an empty name and are never called (the route
	// table tests and the IAM policies derived from it keep that true).
	now := func() time.Time { return d.Now() }
	d.Activity = activity.New(db, tables[dynamo.Activity.ID], now)
	d.Apps = serviceapps.NewStore(db, tables[dynamo.ServiceApps.ID], d.Activity, now, cfg.KeyPrefix())
	d.Directory = directory.NewStore(db, tables[dynamo.Directory.ID], d.Activity, now)
	limits := ratelimit.New(db, tables[dynamo.Limits.ID], now)
	d.Auth = authtier.New(d.Apps, keys.User, d.Directory, limits, now)
	if cfg.AuthFailureLimit > 0 {
		d.Auth.SetFailureLimit(cfg.AuthFailureLimit)
	}
	d.Admins = adminauth.New(adminauth.Options{
		DB: db, AdminsTable: tables[dynamo.Admins.ID], LimitsTable: tables[dynamo.Limits.ID], Log: d.Activity,
		Keys: keys.Admin, Now: now, PasswordCost: cfg.PasswordCost, SecureCookies: !cfg.Local(),
	})
	d.RBAC = rbac.NewStore(db, tables[dynamo.RBAC.ID], d.Activity, now)
	d.Permissions = permissions.NewStore(db, tables[dynamo.Permissions.ID], d.Activity, now)
	// RBAC and permissions read the directory; the directory asks them to
	// purge what they hold about a removed workspace or member.
	d.RBAC.Directory = d.Directory
	d.Permissions.Directory = d.Directory
	d.Directory.Dependents = append(d.Directory.Dependents, d.RBAC, d.Permissions)
	// Deleting a service app purges what it registered under its name.
	d.Apps.ServiceData = append(d.Apps.ServiceData, d.RBAC, servicePermissions{d.Permissions})
	d.Authz = authz.New(authz.Options{
		Verifier: idp.New(cfg.OIDCProviders, nil, now), Apps: d.Apps, Keys: keys.User, Origins: d.Auth,
		Limits:   limits,
		TokenTTL: cfg.AuthzTokenTTL, RateLimit: cfg.AuthzRateLimit, Now: now,
		Directory: authzDirectory{d.Directory}, RBAC: authzRBAC{d.RBAC},
	})
	return d
}

// Load reads the environment a function runs in and builds its Deps: the
// named tables and the key rings of its key use, from Secrets Manager (or
// the local key directory).
func Load(ctx context.Context, tables []dynamo.Table, keys token.Use) (*Deps, error) {
	cfg, err := config.FromEnv(keys)
	if err != nil {
		return nil, err
	}
	names, err := dynamo.NamesFromEnv(tables)
	if err != nil {
		return nil, err
	}
	db, err := dynamo.NewClient(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.OriginSecretID != "" {
		if cfg.OriginSecret, err = loadOriginSecret(ctx, cfg.OriginSecretID); err != nil {
			return nil, err
		}
	}
	rings, err := LoadKeys(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return New(cfg, db, names, rings), nil
}

// loadOriginSecret reads the admin site's origin secret (see
// config.Config.OriginSecret). An empty secret would prove nothing: it is
// refused.
func loadOriginSecret(ctx context.Context, id string) (string, error) {
	sm, err := token.NewSecretsClient(ctx)
	if err != nil {
		return "", err
	}
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		return "", fmt.Errorf("read the admin site's origin secret %s: %w", id, err)
	}
	if len(aws.ToString(out.SecretString)) < 16 {
		return "", fmt.Errorf("the admin site's origin secret %s is shorter than 16 characters", id)
	}
	return aws.ToString(out.SecretString), nil
}

// Keystore is where the configuration says the function's key sources
// are, holding only those its key use may read.
func Keystore(ctx context.Context, cfg config.Config) (token.Keystore, error) {
	if cfg.SigningKeyDir != "" {
		return token.LocalKeystore(cfg.SigningKeyDir).Only(cfg.Keys), nil
	}
	sm, err := token.NewSecretsClient(ctx)
	if err != nil {
		return nil, err
	}
	return token.SecretKeystore(sm, cfg.KeySecrets).Only(cfg.Keys), nil
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

// servicePermissions purges a deleted service app's resources and their
// ACLs (serviceapps.ServiceData).
type servicePermissions struct{ *permissions.Store }

func (p servicePermissions) PurgeService(ctx context.Context, serviceName string) error {
	_, err := p.Store.PurgeService(ctx, serviceName)
	return err
}
