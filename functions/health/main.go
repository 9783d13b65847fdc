// Command health serves GET /health.
package main

import "sentinel/internal/gateway"

func main() { gateway.Start("health") }
