// Package config reads the settings every function shares from the
// environment the CDK stack (or the local stack) sets, once per cold start.
package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Config is the deployment's settings.
type Config struct {
	// Stage is "local" for the local stack and the tests, else the deployed
	// stage name. It decides the key prefix and the cookie's Secure flag.
	Stage string
	// Issuer is the iss of every token this deployment signs.
	Issuer string
	// SigningKeySecret is the Secrets Manager secret holding the signing
	// keys (deployed stages).
	SigningKeySecret string
	// SigningKeyFile is the PEM file holding them (local stage).
	SigningKeyFile string
	// PasswordCost is the bcrypt cost of admin passwords.
	PasswordCost int
	// Version is reported by /health.
	Version string
}

// Local reports whether this is the local stage.
func (c Config) Local() bool { return c.Stage == "local" }

// KeyPrefix is the service key prefix of the stage (api.md section 3).
func (c Config) KeyPrefix() string {
	if c.Local() {
		return "sk_test_"
	}
	return "sk_live_"
}

// Version is set at build time with -ldflags "-X sentinel/internal/config.version=...".
var version = "dev"

// FromEnv reads the configuration and reports every missing or bad
// variable in one error.
func FromEnv(needKeys bool) (Config, error) {
	c := Config{
		Stage:            getenv("SENTINEL_STAGE", "local"),
		Issuer:           os.Getenv("SENTINEL_ISSUER"),
		SigningKeySecret: os.Getenv("SENTINEL_SIGNING_KEY_SECRET"),
		SigningKeyFile:   os.Getenv("SENTINEL_SIGNING_KEY_FILE"),
		PasswordCost:     12,
		Version:          version,
	}
	var problems []string
	if v := os.Getenv("SENTINEL_PASSWORD_COST"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 4 || n > 31 {
			problems = append(problems, "SENTINEL_PASSWORD_COST must be 4..31")
		}
		c.PasswordCost = n
	}
	if needKeys {
		if c.Issuer == "" {
			problems = append(problems, "SENTINEL_ISSUER")
		}
		if c.SigningKeySecret == "" && c.SigningKeyFile == "" {
			problems = append(problems, "SENTINEL_SIGNING_KEY_SECRET (or SENTINEL_SIGNING_KEY_FILE locally)")
		}
		if c.SigningKeyFile != "" && !c.Local() {
			problems = append(problems, "SENTINEL_SIGNING_KEY_FILE is for the local stage only")
		}
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("configuration: missing or invalid %s", strings.Join(problems, ", "))
	}
	return c, nil
}

func getenv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
