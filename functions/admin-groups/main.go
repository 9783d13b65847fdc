// Command admin-groups is the Lambda function serving the routes of
// internal/routes/admingrouproutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/admingrouproutes"
)

func main() { gateway.Start("admin-groups", admingrouproutes.Routes) }
