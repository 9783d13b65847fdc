// Command admin-auth is the Lambda function serving the routes the route table
// (internal/routes) assigns to "admin-auth".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("admin-auth") }
