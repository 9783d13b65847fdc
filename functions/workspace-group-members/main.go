// Command workspace-group-members is the Lambda function serving the routes the route table
// (internal/routes) assigns to "workspace-group-members".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("workspace-group-members") }
