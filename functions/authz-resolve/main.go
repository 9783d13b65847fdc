// Command authz-resolve is the Lambda function serving the routes the route table
// (internal/routes) assigns to "authz-resolve".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("authz-resolve") }
