// Command admin-activity is the Lambda function serving the routes of
// internal/routes/activityroutes that name it, and only those.
package main

import (
	"sentinel/internal/gateway"
	"sentinel/internal/routes/activityroutes"
)

func main() { gateway.Start("admin-activity", activityroutes.Routes) }
