// Command roles-user-actions is the Lambda function serving the routes of
// internal/routes/roledualroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/roledualroutes"
)

func main() { gateway.Start("roles-user-actions", roledualroutes.Routes) }
