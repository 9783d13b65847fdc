// Command health is the Lambda function serving the routes of
// internal/routes/healthroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/healthroutes"
)

func main() { gateway.Start("health", healthroutes.Routes) }
