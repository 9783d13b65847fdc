// Command permissions-register is the Lambda function serving the routes the route table
// (internal/routes) assigns to "permissions-register".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("permissions-register") }
