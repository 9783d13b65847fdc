package load

import (
	"encoding/json"
	"slices"
	"testing"
)

// The OpenFGA comparison is given what Sentinel was given: resource 0 is
// visible to the workspace and shared with group 0 and with the member
// after its owner; resource 1 only has its owner; every member is in the
// workspace and in their groups.
func TestTuplesAreTheSeeding(t *testing.T) {
	sd := &seeded{workspace: "w", members: []string{"m0", "m1", "m2"}, groups: []string{"g0", "g1"}, resources: []string{"r0", "r1"}}
	got := tuples(sd)
	for _, want := range []tupleKey{
		{"user:m0", "owner", "doc:r0"},
		{"workspace:w#member", "viewer", "doc:r0"},
		{"group:g0#member", "viewer", "doc:r0"},
		{"user:m1", "editor", "doc:r0"},
		{"user:m1", "owner", "doc:r1"},
		{"user:m1", "member", "group:g1"}, // the checking user: two groups
		{"user:m1", "member", "group:g0"},
		{"user:m2", "member", "workspace:w"},
	} {
		if !slices.Contains(got, want) {
			t.Errorf("no tuple %v in %v", want, got)
		}
	}
	// members: 3 workspace + 4 group tuples; r0: 4; r1: 1
	if len(got) != 12 {
		t.Errorf("%d tuples, want 12: %v", len(got), got)
	}
	var model map[string]any
	if err := json.Unmarshal([]byte(openFGAModel), &model); err != nil {
		t.Fatalf("model: %v", err)
	}
}
