// Command permissions-unshare is the Lambda function serving the routes the route table
// (internal/routes) assigns to "permissions-unshare".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("permissions-unshare") }
