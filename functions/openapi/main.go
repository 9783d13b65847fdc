// Command openapi is the Lambda function serving the routes of
// internal/routes/openapiroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/openapiroutes"
)

func main() { gateway.Start("openapi", openapiroutes.Routes) }
