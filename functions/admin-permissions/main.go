// Command admin-permissions is the Lambda function serving the routes of
// internal/routes/adminpermissionroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/adminpermissionroutes"
)

func main() { gateway.Start("admin-permissions", adminpermissionroutes.Routes) }
