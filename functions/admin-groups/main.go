// Command admin-groups is the Lambda function serving the routes the route table
// (internal/routes) assigns to "admin-groups".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("admin-groups") }
