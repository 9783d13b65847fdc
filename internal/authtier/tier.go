package authtier

import "sentinel/internal/token"

// Tier is the authentication tier a route runs behind (api.md section 2).
// The route table names one per route; the middleware of the key tiers is
// the Authenticator's, the admin tiers' is adminauth's.
type Tier string

// The tiers.
const (
	Public     Tier = "public"
	ServiceKey Tier = "service_key"
	Dual       Tier = "dual"
	KeyOrOrig  Tier = "key_or_origin"
	Admin      Tier = "admin"
	// AdminLogin is the admin sign-in route: no session yet, but the same
	// X-Requested-With rule as other admin writes.
	AdminLogin Tier = "admin_login"
)

// Keys is what the tier does with the signing keys: the dual tier
// verifies user tokens, the admin tier admin sessions.
func (t Tier) Keys() token.Use {
	switch t {
	case Dual:
		return token.VerifyUser
	case Admin:
		return token.VerifyAdmin
	}
	return 0
}
