// Command permissions-accessible is the Lambda function serving the routes the route table
// (internal/routes) assigns to "permissions-accessible".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("permissions-accessible") }
