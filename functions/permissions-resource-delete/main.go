// Command permissions-resource-delete is the Lambda function serving the routes the route table
// (internal/routes) assigns to "permissions-resource-delete".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("permissions-resource-delete") }
