package routes

import (
	"slices"

	"sentinel/internal/dynamo"
)

// Tier is the authentication tier a route runs behind (api.md section 2).
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

// DynamoDB actions, grouped as the IAM policies grant them. Scan is never
// granted.
var (
	readActions  = []string{"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}
	writeActions = []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"}
)

// Access is what a route needs of one table.
type Access struct {
	Table   dynamo.Table
	Actions []string
}

// Read grants the read actions on t and its indexes.
func Read(t dynamo.Table) Access { return Access{Table: t, Actions: readActions} }

// Write grants reads and writes on t.
func Write(t dynamo.Table) Access {
	return Access{Table: t, Actions: append(slices.Clone(readActions), writeActions...)}
}

// Touch grants reads and UpdateItem only (the auth tier's once-a-minute
// last_used_at write).
func Touch(t dynamo.Table) Access {
	return Access{Table: t, Actions: append(slices.Clone(readActions), "dynamodb:UpdateItem")}
}

// implied is what a tier itself needs, whatever the handler does.
func (t Tier) implied() []Access {
	switch t {
	case ServiceKey, KeyOrOrig:
		return []Access{Touch(dynamo.ServiceApps)}
	case Dual:
		// The directory says whether the token's user is deactivated.
		return []Access{Touch(dynamo.ServiceApps), Read(dynamo.Directory)}
	case Admin:
		return []Access{Read(dynamo.Admins)}
	case AdminLogin:
		return []Access{Read(dynamo.Admins)}
	}
	return nil
}

// NeedsKeys reports whether the tier verifies tokens with the signing keys.
func (t Tier) NeedsKeys() bool { return t == Dual || t == Admin }
