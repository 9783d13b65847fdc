// Command roles-check is the Lambda function serving the routes of
// internal/routes/roleroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/roleroutes"
)

func main() { gateway.Start("roles-check", roleroutes.Routes) }
