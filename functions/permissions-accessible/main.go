// Command permissions-accessible is the Lambda function serving the routes of
// internal/routes/permissiondualroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/permissiondualroutes"
)

func main() { gateway.Start("permissions-accessible", permissiondualroutes.Routes) }
