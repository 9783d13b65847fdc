package apitest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps what a check reports.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

// The check fails an answer with a field, a status or a shape the document
// does not describe, and a request that does not match it unless marked.
func TestValidateFailsWhatTheDocumentDoesNotDescribe(t *testing.T) {
	health := Request{Method: "GET", Path: "/health"}
	key := map[string]string{"X-Service-Key": "sk_test_x"}
	check := Request{Method: "POST", Path: "/permissions/check", Header: key}
	cases := []struct {
		name string
		req  Request
		body string
		res  Response
		want string // in the report; "" for none
	}{
		{"documented", health, "", Response{Status: 200, Header: jsonHeader(), Body: []byte(`{"status":"ok"}`)}, ""},
		{"undocumented field", health, "", Response{Status: 200, Header: jsonHeader(), Body: []byte(`{"status":"ok","version":"1"}`)}, "response 200"},
		{"undocumented status", health, "", Response{Status: 418, Header: jsonHeader(), Body: []byte(`{"detail":"teapot"}`)}, "response 418"},
		{"error without detail", check, `{"checks":[]}`, Response{Status: 401, Header: jsonHeader(), Body: []byte(`{"error":"no"}`)}, "response 401"},
		{"request of the wrong shape", check, `{"checks":"all"}`, Response{Status: 422, Header: jsonHeader(), Body: []byte(`{"detail":"checks: must be an array"}`)}, "request POST /permissions/check"},
		{"marked invalid", Request{Method: "POST", Path: "/permissions/check", Header: key, Invalid: true}, `{"checks":"all"}`, Response{Status: 422, Header: jsonHeader(), Body: []byte(`{"detail":"checks: must be an array"}`)}, ""},
		{"no route", Request{Method: "GET", Path: "/nowhere"}, "", Response{Status: 404, Header: jsonHeader(), Body: []byte(`{"detail":"Not Found"}`)}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			validate(r, tc.req, body, &tc.res)
			got := strings.Join(r.errs, "\n")
			switch {
			case tc.want == "" && got != "":
				t.Errorf("reported %s", got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Errorf("reported %q, want a report of %q", got, tc.want)
			}
		})
	}
}
