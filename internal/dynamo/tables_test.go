package dynamo

import "testing"

func TestEnvVar(t *testing.T) {
	cases := map[string]string{
		"ServiceApps": "SENTINEL_TABLE_SERVICE_APPS",
		"Admins":      "SENTINEL_TABLE_ADMINS",
		"RBAC":        "SENTINEL_TABLE_RBAC",
	}
	for id, want := range cases {
		if got := (Table{ID: id}).EnvVar(); got != want {
			t.Errorf("EnvVar(%s) = %s, want %s", id, got, want)
		}
	}
}
