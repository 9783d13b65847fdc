// Command workspace-groups is the Lambda function serving the routes of
// internal/routes/workspaceroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/workspaceroutes"
)

func main() { gateway.Start("workspace-groups", workspaceroutes.Routes) }
