// Command admin-workspaces is the Lambda function serving the routes of
// internal/routes/adminworkspaceroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/adminworkspaceroutes"
)

func main() { gateway.Start("admin-workspaces", adminworkspaceroutes.Routes) }
