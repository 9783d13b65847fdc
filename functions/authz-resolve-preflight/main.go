// Command authz-resolve-preflight is the Lambda function serving the routes the route table
// (internal/routes) assigns to "authz-resolve-preflight".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("authz-resolve-preflight") }
