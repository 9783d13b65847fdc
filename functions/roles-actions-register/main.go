// Command roles-actions-register is the Lambda function serving the routes the route table
// (internal/routes) assigns to "roles-actions-register".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("roles-actions-register") }
