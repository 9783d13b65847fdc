// Package limitswire builds the rate limiter over the Limits table.
package limitswire

import (
	"sentinel/internal/app"
	"sentinel/internal/dynamo"
	"sentinel/internal/ratelimit"
)

// Limiter counts in the Limits table, shared by all instances: the key
// tiers' authentication failures per client IP, authz mode's requests.
var Limiter = &app.Service[*ratelimit.Limiter]{Name: "rate limiter", Build: func(e *app.Env) (*ratelimit.Limiter, error) {
	table, err := e.Table(dynamo.Limits)
	if err != nil {
		return nil, err
	}
	return ratelimit.New(e.DB, table, e.Now), nil
}}
