// Command permissions-visibility is the Lambda function serving the routes of
// internal/routes/permissionroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/permissionroutes"
)

func main() { gateway.Start("permissions-visibility", permissionroutes.Routes) }
