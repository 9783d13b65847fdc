// Command authz-resolve-preflight is the Lambda function serving the routes of
// internal/routes/preflightroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/preflightroutes"
)

func main() { gateway.Start("authz-resolve-preflight", preflightroutes.Routes) }
