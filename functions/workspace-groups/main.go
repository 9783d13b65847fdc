// Command workspace-groups is the Lambda function serving the routes the route table
// (internal/routes) assigns to "workspace-groups".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("workspace-groups") }
