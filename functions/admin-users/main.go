// Command admin-users is the Lambda function serving the routes the route table
// (internal/routes) assigns to "admin-users".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("admin-users") }
