// Command roles-check is the Lambda function serving the routes the route table
// (internal/routes) assigns to "roles-check".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("roles-check") }
