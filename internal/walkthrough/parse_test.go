package walkthrough

import (
	"reflect"
	"testing"
)

const doc = "# Title\n\n## Walk-through: one\n\n```sh\nA=1\ncurl -si x\n# → 201 {\"id\":\"…\"}\nKEY=sk_test_...   # its \"api_key\"\ncurl -si y\n# → 204\n#   Vary: Origin\necho done\n```\n\n## Other\n\n```sh\nnot taken\n```\n"

func TestBlocksSplitStepsAtPromisesAndCopies(t *testing.T) {
	got := Blocks(doc, "Walk-through")
	want := [][]Step{{
		{Line: 6, Shell: "A=1\ncurl -si x\n", Expect: `201 {"id":"…"}`},
		{Line: 9, Shell: `KEY=sk_test_...   # its "api_key"`, Copy: &Copy{Var: "KEY", Field: "api_key"}},
		{Line: 10, Shell: "curl -si y\n", Expect: "204\nVary: Origin"},
		{Line: 13, Shell: "echo done\n"},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Blocks =\n%+v\nwant\n%+v", got, want)
	}
}

func TestCheckFindsWhatDiffers(t *testing.T) {
	out := "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nVary: Origin\r\n\r\n" +
		`{"api_key":"sk_test_abc","user":{"id":"u1","roles":[]},"n":3}`
	a := LastAnswer(out)
	if a == nil || a.Status != 201 {
		t.Fatalf("LastAnswer = %+v", a)
	}
	if d := Check(`201 {"api_key":"sk_test_…","id":"u1","roles":[],"n":3}`+"\nVary: Origin", a); len(d) != 0 {
		t.Errorf("a kept promise: %v", d)
	}
	d := Check(`200 {"api_key":"sk_live_…","id":"u2","roles":[]}`+"\nVary: Accept", a)
	if len(d) != 4 {
		t.Errorf("a broken promise (status, prefix, id, header): %v", d)
	}
	if id, ok := Field(a, "id"); !ok || id != "u1" {
		t.Errorf("Field(id) = %q, %v", id, ok)
	}
	if _, ok := Field(a, "missing"); ok {
		t.Error("Field found a missing key")
	}
}
