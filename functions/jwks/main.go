// Command jwks is the Lambda function serving the routes the route table
// (internal/routes) assigns to "jwks".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("jwks") }
