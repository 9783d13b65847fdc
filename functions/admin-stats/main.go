// Command admin-stats is the Lambda function serving the routes the route
// table (internal/routes) assigns to "admin-stats".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("admin-stats") }
