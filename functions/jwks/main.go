// Command jwks is the Lambda function serving the routes of
// internal/routes/jwksroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/jwksroutes"
)

func main() { gateway.Start("jwks", jwksroutes.Routes) }
