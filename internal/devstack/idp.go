package devstack

import (
	"encoding/json"
	"fmt"

	"sentinel/internal/config"
	"sentinel/internal/devidp"
)

// IdPURL is the dev IdP's address, also its issuer.
func (c Config) IdPURL() string { return fmt.Sprintf("http://localhost:%d", c.IdPPort) }

// withDevIdP adds the dev IdP as provider "dev" to the generic providers
// the developer configured (SENTINEL_OIDC_PROVIDERS JSON, may be empty).
// The functions check the entries at their cold start; here only the
// name "dev" is claimed.
func withDevIdP(configured string, issuer *devidp.Issuer) (string, error) {
	providers := map[string]any{}
	if configured != "" {
		if err := json.Unmarshal([]byte(configured), &providers); err != nil {
			return "", fmt.Errorf(`%s must be JSON {"<name>": {"issuer": "...", "jwks_uri": "...", "audience": "..."}} (%v)`, config.EnvOIDCProviders, err)
		}
	}
	if _, taken := providers[devidp.ProviderName]; taken {
		return "", fmt.Errorf("%s: the provider name %q is the local dev IdP's; use another name", config.EnvOIDCProviders, devidp.ProviderName)
	}
	p := issuer.Provider(devidp.Audience)
	providers[devidp.ProviderName] = map[string]string{"issuer": p.Issuers[0], "jwks_uri": p.JWKSURI, "audience": p.Audience}
	out, err := json.Marshal(providers)
	if err != nil {
		return "", err
	}
	return string(out), nil
}
