// Command admin-auth is the Lambda function serving the routes of
// internal/routes/adminauthroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/adminauthroutes"
)

func main() { gateway.Start("admin-auth", adminauthroutes.Routes) }
