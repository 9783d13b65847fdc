// Command admin-stats is the Lambda function serving the routes of
// internal/routes/statsroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/statsroutes"
)

func main() { gateway.Start("admin-stats", statsroutes.Routes) }
