// Command admin-service-actions is the Lambda function serving the routes the route table
// (internal/routes) assigns to "admin-service-actions".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("admin-service-actions") }
