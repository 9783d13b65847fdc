// Package config reads the settings every function shares from the
// environment the CDK stack (or the local stack) sets, once per cold start.
package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"sentinel/internal/budget"
	"sentinel/internal/pattern"
	"sentinel/internal/token"
)

// Config is the deployment's settings.
type Config struct {
	// Stage is "local" for the local stack and the tests, else the deployed
	// stage name. It decides the key prefix, the cookie's Secure flag and
	// whether http issuers and a signing key file are allowed, so it is
	// never guessed: see checkStage.
	Stage string
	// Issuer is the iss of every token this deployment signs.
	Issuer string
	// Keys is what the function does with the signing keys (its routes'
	// token.Use); it may read only Keys.Sources().
	Keys token.Use
	// KeySecrets are the Secrets Manager secrets of the sources it may
	// read (deployed stages): $SENTINEL_USER_KEYS_SECRET,
	// $SENTINEL_ADMIN_KEYS_SECRET, $SENTINEL_PUBLIC_KEYS_SECRET.
	KeySecrets map[token.Source]string
	// SigningKeyDir holds the local stack's key files instead
	// ($SENTINEL_SIGNING_KEY_DIR, local stage only).
	SigningKeyDir string
	// PasswordCost is the bcrypt cost of admin passwords.
	PasswordCost int
	// Version is reported by /health.
	Version string
	// AuthzTokenTTL is the lifetime of the authz tokens /authz/resolve
	// signs ($SENTINEL_AUTHZ_TOKEN_TTL, default 5m).
	AuthzTokenTTL time.Duration
	// AuthzRateLimit is how many /authz/resolve requests one client IP may
	// make a minute ($SENTINEL_AUTHZ_RATE_LIMIT, default 10).
	AuthzRateLimit int
	// OIDCProviders are the identity providers /authz/resolve accepts, by
	// name (see oidc.go for the variables that configure them).
	OIDCProviders map[string]OIDCProvider
	// AuthFailureLimit is how many failed authentications of the key and
	// dual tiers one client IP may make a minute
	// ($SENTINEL_AUTH_FAILURE_LIMIT, default 20).
	AuthFailureLimit int
	// OriginSecretID names the Secrets Manager secret the admin site's
	// CloudFront distribution sends to the API as proof of origin
	// ($SENTINEL_ORIGIN_SECRET_ID; set only on the sign-in function, and
	// only when the stack hosts the admin site). OriginSecret is its value,
	// which app.Load reads at cold start; "" trusts no viewer address.
	OriginSecretID string
	OriginSecret   string
	// AdminRequireTOTP makes TOTP two-factor sign-in required for every
	// admin ($SENTINEL_ADMIN_REQUIRE_TOTP true or false, default false):
	// an admin not enrolled enrols right after its password.
	AdminRequireTOTP bool
	// ServiceBudget and AdminBudget, when set, replace budget.Service and
	// budget.Admin (tests use short ones; deployments keep the defaults).
	ServiceBudget, AdminBudget time.Duration
}

// Budget is the deadline of a request to a backend's route, or with admin
// to an admin route (see package budget).
func (c Config) Budget(admin bool) time.Duration {
	switch {
	case admin && c.AdminBudget > 0:
		return c.AdminBudget
	case admin:
		return budget.Admin
	case c.ServiceBudget > 0:
		return c.ServiceBudget
	}
	return budget.Service
}

// EnvOriginSecretID is the variable of Config.OriginSecretID.
const EnvOriginSecretID = "SENTINEL_ORIGIN_SECRET_ID"

// Defaults of the authz settings.
const (
	DefaultAuthzTokenTTL  = 5 * time.Minute
	DefaultAuthzRateLimit = 10
	// DefaultAuthFailureLimit is the per-IP limit of failed
	// authentications a minute on the service routes.
	DefaultAuthFailureLimit = 20
)

// EnvAuthFailureLimit is failed authentications of the service routes per
// minute per client IP. Deployed stages keep the default; the local stack
// reads it so that tests refusing many keys on purpose can raise it.
const EnvAuthFailureLimit = "SENTINEL_AUTH_FAILURE_LIMIT"

// EnvAdminRequireTOTP is the stage setting requiring TOTP of every admin.
const EnvAdminRequireTOTP = "SENTINEL_ADMIN_REQUIRE_TOTP"

// LocalStage is the local stack's stage.
const LocalStage = "local"

// StageName is what a deployed stage's name looks like (the CDK stack
// refuses others, and "local").
var StageName = pattern.New(`^[a-z][a-z0-9-]{0,19}$`, "a-z", "a-z0-9-", "", 0, 19)

// Local reports whether this is the local stage.
func (c Config) Local() bool { return c.Stage == LocalStage }

// KeyPrefix is the service key prefix of the stage (api.md section 3).
func (c Config) KeyPrefix() string {
	if c.Local() {
		return "sk_test_"
	}
	return "sk_live_"
}

// Version is set at build time with -ldflags "-X sentinel/internal/config.version=...".
var version = "dev"

// EnvSigningKeyDir names the local stack's key directory.
const EnvSigningKeyDir = "SENTINEL_SIGNING_KEY_DIR"

// FromEnv reads the configuration of a function that uses the signing
// keys for keys (its routes' token.Use), and reports every missing or bad
// variable in one error. SENTINEL_STAGE must be set: the stack sets its
// stage on every function, and a function that cannot tell which stage it
// serves stops rather than take the local stage's looser rules. Inside
// Lambda the local stage is refused too.
func FromEnv(keys token.Use) (Config, error) { return fromLookup(os.Getenv, keys) }

// LocalFromEnv is FromEnv for the local stack and the commands that write
// to it: the one place where a missing SENTINEL_STAGE means local.
func LocalFromEnv(keys token.Use) (Config, error) {
	return fromLookup(func(k string) string {
		if v := os.Getenv(k); v != "" || k != envStage {
			return v
		}
		return LocalStage
	}, keys)
}

const envStage = "SENTINEL_STAGE"

// envLambda is set by the Lambda runtime in every function.
const envLambda = "AWS_LAMBDA_FUNCTION_NAME"

// checkStage says what is wrong with the stage ("" when nothing).
func checkStage(stage string, inLambda bool) string {
	switch {
	case stage == "":
		return envStage + " (local for the local stack, else the deployed stage's name; the CDK stack sets it)"
	case stage == LocalStage && inLambda:
		return envStage + " local is the local stack's: a Lambda function must name its deployed stage"
	case stage != LocalStage && !StageName.MatchString(stage):
		return fmt.Sprintf("%s %q: want local or a deployed stage name matching %s", envStage, stage, StageName)
	}
	return ""
}

// CheckSettings reports what FromEnv would refuse at a cold start in stage
// with these settings (the CDK app checks its settings at synth time).
func CheckSettings(stage string, settings map[string]string) error {
	_, err := fromLookup(func(k string) string {
		if k == envStage {
			return stage
		}
		return settings[k]
	}, 0)
	return err
}

// fromLookup is FromEnv over any variable lookup.
func fromLookup(getenv func(string) string, keys token.Use) (Config, error) {
	c := Config{
		Stage:            getenv(envStage),
		Issuer:           getenv("SENTINEL_ISSUER"),
		Keys:             keys,
		SigningKeyDir:    getenv(EnvSigningKeyDir),
		OriginSecretID:   getenv(EnvOriginSecretID),
		PasswordCost:     12,
		Version:          version,
		AuthzTokenTTL:    DefaultAuthzTokenTTL,
		AuthzRateLimit:   DefaultAuthzRateLimit,
		AuthFailureLimit: DefaultAuthFailureLimit,
	}
	var problems []string
	if p := checkStage(c.Stage, getenv(envLambda) != ""); p != "" {
		problems = append(problems, p)
	}
	if v := getenv("SENTINEL_PASSWORD_COST"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 4 || n > 31 {
			problems = append(problems, "SENTINEL_PASSWORD_COST must be 4..31")
		}
		c.PasswordCost = n
	}
	if keys != 0 {
		problems = append(problems, c.readKeys(getenv)...)
	}
	if v := getenv(EnvAuthFailureLimit); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxRateLimit {
			problems = append(problems, fmt.Sprintf("%s must be a whole number of failures per minute from 1 to %d", EnvAuthFailureLimit, maxRateLimit))
		}
		c.AuthFailureLimit = n
	}
	switch v := getenv(EnvAdminRequireTOTP); v {
	case "", "false":
	case "true":
		c.AdminRequireTOTP = true
	default:
		problems = append(problems, EnvAdminRequireTOTP+" must be true or false")
	}
	problems = append(problems, c.readAuthz(getenv)...)
	if len(problems) > 0 {
		return c, fmt.Errorf("configuration: missing or invalid %s", strings.Join(problems, ", "))
	}
	return c, nil
}

// readKeys reads where the function's key sources are and returns what is
// missing: a secret for each source its use may read, or locally the key
// directory.
func (c *Config) readKeys(getenv func(string) string) []string {
	var problems []string
	if c.Issuer == "" {
		problems = append(problems, "SENTINEL_ISSUER")
	}
	if c.SigningKeyDir != "" {
		if !c.Local() {
			problems = append(problems, EnvSigningKeyDir+" is for the local stage only")
		}
		return problems
	}
	c.KeySecrets = map[token.Source]string{}
	for _, s := range c.Keys.Sources() {
		if c.KeySecrets[s] = getenv(s.SecretEnv()); c.KeySecrets[s] == "" {
			problems = append(problems, s.SecretEnv()+" (or "+EnvSigningKeyDir+" locally)")
		}
	}
	return problems
}

// Bounds of the authz settings.
const (
	minAuthzTokenTTL = time.Minute
	maxAuthzTokenTTL = time.Hour
	maxRateLimit     = 10000
)

// readAuthz reads the settings of /authz/resolve and returns what is wrong
// with them.
func (c *Config) readAuthz(getenv func(string) string) []string {
	var problems []string
	if v := getenv(EnvAuthzTokenTTL); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < minAuthzTokenTTL || d > maxAuthzTokenTTL {
			problems = append(problems, fmt.Sprintf("%s must be a duration from %v to %v (e.g. 5m)", EnvAuthzTokenTTL, minAuthzTokenTTL, maxAuthzTokenTTL))
		}
		c.AuthzTokenTTL = d
	}
	if v := getenv(EnvAuthzRateLimit); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxRateLimit {
			problems = append(problems, fmt.Sprintf("%s must be a whole number of requests per minute from 1 to %d", EnvAuthzRateLimit, maxRateLimit))
		}
		c.AuthzRateLimit = n
	}
	var more []string
	c.OIDCProviders, more = readProviders(getenv, c.Local())
	return append(problems, more...)
}
