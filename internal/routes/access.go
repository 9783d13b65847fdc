package routes

import (
	"slices"

	"sentinel/internal/authtier"
	"sentinel/internal/dynamo"
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

// Guarded grants reads and ConditionCheckItem on t: what a function needs
// whose transactions check items of t without writing them (a grant checks
// the membership it is made for; see directory.Guard).
func Guarded(t dynamo.Table) Access {
	return Access{Table: t, Actions: append(slices.Clone(readActions), "dynamodb:ConditionCheckItem")}
}

// Touch grants reads and UpdateItem only (the auth tier's once-a-minute
// last_used_at write).
func Touch(t dynamo.Table) Access {
	return Access{Table: t, Actions: append(slices.Clone(readActions), "dynamodb:UpdateItem")}
}

// Probe grants GetItem only: a health check's read of a key no item has.
func Probe(t dynamo.Table) Access { return Access{Table: t, Actions: []string{"dynamodb:GetItem"}} }

// Keep grants reads and PutItem only: what a read needs that keeps what
// it counted once for later reads (activity.Days keeps the counts of days
// that can no longer change in the Limits table).
func Keep(t dynamo.Table) Access {
	return Access{Table: t, Actions: append(slices.Clone(readActions), "dynamodb:PutItem")}
}

// Count grants the writes of a rate-limit counter only (ratelimit.Allow:
// a conditional UpdateItem, and a PutItem when a window opens).
func Count(t dynamo.Table) Access {
	return Access{Table: t, Actions: []string{"dynamodb:UpdateItem", "dynamodb:PutItem"}}
}

// implied is what a tier itself needs, whatever the handler does.
func implied(t authtier.Tier) []Access {
	switch t {
	case authtier.ServiceKey:
		// Limits: the per-IP count of authentication failures.
		return []Access{Touch(dynamo.ServiceApps), Count(dynamo.Limits)}
	case authtier.KeyOrOrig:
		return []Access{Touch(dynamo.ServiceApps)}
	case authtier.Dual:
		// The directory says whether the token's user is deactivated.
		return []Access{Touch(dynamo.ServiceApps), Read(dynamo.Directory), Count(dynamo.Limits)}
	case authtier.Admin, authtier.AdminLogin:
		return []Access{Read(dynamo.Admins)}
	}
	return nil
}
