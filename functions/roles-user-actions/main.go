// Command roles-user-actions is the Lambda function serving the routes the route table
// (internal/routes) assigns to "roles-user-actions".
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("roles-user-actions") }
