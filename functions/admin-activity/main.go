// Command admin-activity is the Lambda function serving the routes the route table
// (internal/routes) assigns to "admin-activity".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("admin-activity") }
