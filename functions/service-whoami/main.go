// Command service-whoami is the Lambda function serving the routes the route table
// (internal/routes) assigns to "service-whoami".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("service-whoami") }
