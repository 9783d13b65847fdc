// Command admin-roles is the Lambda function serving the routes of
// internal/routes/adminroleroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/adminroleroutes"
)

func main() { gateway.Start("admin-roles", adminroleroutes.Routes) }
