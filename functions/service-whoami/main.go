// Command service-whoami is the Lambda function serving the routes of
// internal/routes/whoamiroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/whoamiroutes"
)

func main() { gateway.Start("service-whoami", whoamiroutes.Routes) }
