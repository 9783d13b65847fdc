// Command admin-permissions is the Lambda function serving the routes the route table
// (internal/routes) assigns to "admin-permissions".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("admin-permissions") }
