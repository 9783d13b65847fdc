// Command permissions-check is the Lambda function serving the routes the route table
// (internal/routes) assigns to "permissions-check".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("permissions-check") }
