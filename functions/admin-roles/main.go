// Command admin-roles is the Lambda function serving the routes the route table
// (internal/routes) assigns to "admin-roles".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("admin-roles") }
