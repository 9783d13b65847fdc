// Command permissions-visibility is the Lambda function serving the routes the route table
// (internal/routes) assigns to "permissions-visibility".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("permissions-visibility") }
