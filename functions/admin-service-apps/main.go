// Command admin-service-apps is the Lambda function serving the routes of
// internal/routes/adminappsroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/adminappsroutes"
)

func main() { gateway.Start("admin-service-apps", adminappsroutes.Routes) }
