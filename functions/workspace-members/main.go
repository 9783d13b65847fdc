// Command workspace-members is the Lambda function serving the routes the route table
// (internal/routes) assigns to "workspace-members".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("workspace-members") }
