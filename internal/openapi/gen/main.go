// Command gen writes docs/openapi.json from the route table (make openapi).
package main

import (
	"log"
	"os"

	"sentinel/internal/openapi"
	"sentinel/internal/routes/all"
)

func main() {
	b, err := openapi.JSON(all.Routes)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("docs/openapi.json", b, 0o644); err != nil {
		log.Fatal(err)
	}
}
