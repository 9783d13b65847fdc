// Command admin-workspaces is the Lambda function serving the routes the route table
// (internal/routes) assigns to "admin-workspaces".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("admin-workspaces") }
