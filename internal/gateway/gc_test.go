package gateway

import "testing"

func TestGCSettings(t *testing.T) {
	for _, c := range []struct {
		env     map[string]string
		percent int
		limit   int64
		ok      bool
	}{
		{map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128"}, GCPercent, 96 << 20, true},
		{map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512"}, GCPercent, 384 << 20, true},
		// Outside Lambda: the percent only.
		{map[string]string{}, GCPercent, -1, true},
		{map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "lots"}, GCPercent, -1, true},
		// What the operator sets wins.
		{map[string]string{"GOGC": "100", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256"}, -1, 192 << 20, true},
		{map[string]string{"GOGC": "off", "GOMEMLIMIT": "100MiB", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256"}, -1, -1, false},
	} {
		percent, limit, ok := gcSettings(func(k string) string { return c.env[k] })
		if percent != c.percent || limit != c.limit || ok != c.ok {
			t.Errorf("%v: percent %d, limit %d, ok %v; want %d, %d, %v", c.env, percent, limit, ok, c.percent, c.limit, c.ok)
		}
	}
}
