// Command admin-service-apps is the Lambda function serving the routes the route table
// (internal/routes) assigns to "admin-service-apps".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("admin-service-apps") }
