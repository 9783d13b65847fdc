// Command admin-system is the Lambda function serving the routes of
// internal/routes/systemroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/systemroutes"
)

func main() { gateway.Start("admin-system", systemroutes.Routes) }
