package authtier

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

// NeedsKeys reports whether the tier verifies tokens with the signing keys.
func (t Tier) NeedsKeys() bool { return t == Dual || t == Admin }
