// Command roles-check-action is the Lambda function serving the routes the route table
// (internal/routes) assigns to "roles-check-action".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("roles-check-action") }
