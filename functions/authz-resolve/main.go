// Command authz-resolve is the Lambda function serving the routes of
// internal/routes/authzroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/authzroutes"
)

func main() { gateway.Start("authz-resolve", authzroutes.Routes) }
