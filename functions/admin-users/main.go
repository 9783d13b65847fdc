// Command admin-users is the Lambda function serving the routes of
// internal/routes/adminuserroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/adminuserroutes"
)

func main() { gateway.Start("admin-users", adminuserroutes.Routes) }
