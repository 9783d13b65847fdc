// Command permissions-resource-get is the Lambda function serving the routes the route table
// (internal/routes) assigns to "permissions-resource-get".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("permissions-resource-get") }
