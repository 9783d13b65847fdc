package deploytest

import (
	"reflect"
	"testing"
)

func TestGatewayPicksTheMostSpecificRoute(t *testing.T) {
	g := &Gateway{}
	for _, key := range []string{"GET /items/{id}", "GET /items/new", "ANY /items/{id}", "GET /files/{proxy+}", "POST /items"} {
		r := &apiRoute{key: key}
		method, path, _ := cut(key)
		r.method, r.segments = method, splitPath(path)
		g.routes = append(g.routes, r)
	}
	tests := []struct {
		method, path string
		want         string
		params       map[string]string
	}{
		{"GET", "/items/new", "GET /items/new", map[string]string{}},
		{"GET", "/items/42", "GET /items/{id}", map[string]string{"id": "42"}},
		{"DELETE", "/items/42", "ANY /items/{id}", map[string]string{"id": "42"}},
		{"GET", "/files/a/b.txt", "GET /files/{proxy+}", map[string]string{"proxy": "a/b.txt"}},
		{"POST", "/items", "POST /items", map[string]string{}},
		{"GET", "/items", "", nil},
		{"GET", "/items/42/more", "", nil},
		{"GET", "/items/", "", nil},
		{"PUT", "/files/x", "", nil},
	}
	for _, tt := range tests {
		r, params := g.match(tt.method, tt.path)
		got := ""
		if r != nil {
			got = r.key
		}
		if got != tt.want || (r != nil && !reflect.DeepEqual(params, tt.params)) {
			t.Errorf("%s %s → %q %v, want %q %v", tt.method, tt.path, got, params, tt.want, tt.params)
		}
	}
}

func TestPermissionPatternsAreIAMWildcards(t *testing.T) {
	p := arnPattern("arn:aws:execute-api:us-east-1:123456789012:abc/*/*/items/{id}")
	for arn, want := range map[string]bool{
		"arn:aws:execute-api:us-east-1:123456789012:abc/$default/GET/items/{id}": true,
		"arn:aws:execute-api:us-east-1:123456789012:abc/$default/GET/items/new":  false,
		"arn:aws:execute-api:us-east-1:123456789012:xyz/$default/GET/items/{id}": false,
	} {
		if got := p.MatchString(arn); got != want {
			t.Errorf("%s matches = %v, want %v", arn, got, want)
		}
	}
}
