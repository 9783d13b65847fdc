// Command permissions-resource-enriched is the Lambda function serving the routes the route table
// (internal/routes) assigns to "permissions-resource-enriched".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("permissions-resource-enriched") }
