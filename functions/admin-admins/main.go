// Command admin-admins is the Lambda function serving the routes of
// internal/routes/adminadminroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/adminadminroutes"
)

func main() { gateway.Start("admin-admins", adminadminroutes.Routes) }
