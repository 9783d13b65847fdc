// Command health is the Lambda function serving the routes the route table
// (internal/routes) assigns to "health".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("health") }
