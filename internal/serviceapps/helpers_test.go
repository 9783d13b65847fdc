package serviceapps_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"sentinel/internal/apitest"
)

func sha256hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// scanAll dumps a table for assertions (tests may Scan; request paths may not).
func scanAll(t *testing.T, api *apitest.API, table string) string {
	t.Helper()
	return fmt.Sprint(api.Env.Scan(t, table))
}
