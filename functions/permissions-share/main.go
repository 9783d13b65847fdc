// Command permissions-share is the Lambda function serving the routes the route table
// (internal/routes) assigns to "permissions-share".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("permissions-share") }
