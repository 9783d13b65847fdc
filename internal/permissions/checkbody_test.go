package permissions

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// checkBodies are bodies of POST /permissions/check: the usual ones
// (fast: decodeCheckInput reads them) and others it leaves to encoding/json.
var checkBodies = []struct {
	body string
	fast bool
}{
	{`{"checks":[{"service_name":"docu-store","resource_type":"doc","resource_id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","action":"view"}]}`, true},
	{"{\n  \"checks\" : [\n    { \"action\" : \"edit\", \"resource_id\" : \"x\" } ,\n\t{\"service_name\":\"a\"}\r\n  ]\n}\n", true},
	{`{"checks":[]}`, true},
	{`{"checks":[{}]}`, true},
	{`{"checks":[{"action":"view","action":"edit"}]}`, true},
	{`{"checks":[{"service_name":"é✓"}]}`, true},
	{`{"checks":null}`, false},
	{`{}`, false},
	{``, false},
	{`   `, false},
	{`{"checks":[{"service_name":"a\"b"}]}`, false},
	{`{"checks":[{"service_name":"\u0061"}]}`, false},
	{"{\"checks\":[{\"service_name\":\"bad\xff\"}]}", false},
	{"{\"checks\":[{\"service_name\":\"tab\there\"}]}", false},
	{`{"checks":[{"Service_Name":"a"}]}`, false},
	{`{"Checks":[]}`, false},
	{`{"checks":[{"service_name":"a","extra":1}]}`, false},
	{`{"checks":[{"service_name":1}]}`, false},
	{`{"checks":[{"service_name":null}]}`, false},
	{`{"checks":[{"action":"view"}],"checks":[]}`, false},
	{`{"checks":[],"other":true}`, false},
	{`{"checks":[{"action":"view"},]}`, false},
	{`{"checks":[{"action":"view",}]}`, false},
	{`{"checks":[{"action":"view"}]} x`, false},
	{`{"checks":[{"action":"view"}]`, false},
	{`{"checks":[{"action":"view"`, false},
	{`{"checks":[{"action":"view}]}`, false},
	{`{"checks":{}}`, false},
	{`[]`, false},
}

// compareCheckBody holds decodeCheckInput to encoding/json on body.
func compareCheckBody(t *testing.T, body []byte) bool {
	t.Helper()
	var got CheckInput
	if !decodeCheckInput(body, &got) {
		return false
	}
	var want CheckInput
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatalf("decodeCheckInput read %q, encoding/json refuses it: %v", body, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeCheckInput(%q) = %#v, encoding/json: %#v", body, got, want)
	}
	return true
}

// The usual check bodies are read without encoding/json, as encoding/json
// reads them; the others are left to it.
func TestDecodeCheckInput(t *testing.T) {
	for _, tc := range checkBodies {
		if fast := compareCheckBody(t, []byte(tc.body)); fast != tc.fast {
			t.Errorf("decodeCheckInput(%q) read it: %v, want %v", tc.body, fast, tc.fast)
		}
	}
	var many []string
	for range MaxChecks {
		many = append(many, `{"service_name":"s","resource_type":"t","resource_id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","action":"view"}`)
	}
	if !compareCheckBody(t, []byte(`{"checks":[`+strings.Join(many, ",")+`]}`)) {
		t.Error("a batch of checks is not read")
	}
}

// FuzzDecodeCheckInput: whatever decodeCheckInput reads, encoding/json
// reads the same (the seed corpus runs with the tests).
func FuzzDecodeCheckInput(f *testing.F) {
	for _, tc := range checkBodies {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) { compareCheckBody(t, body) })
}
