package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/gateway"
	"sentinel/internal/routes"
	"sentinel/internal/routes/all"
)

// No route answers a 500 to oversized input: every path parameter, the
// common query parameters and a body's string fields far longer than any
// DynamoDB key may be (2048 bytes) must be refused as bad input.
func TestNoRouteFailsOnOversizedInput(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	long := strings.Repeat("a", 3000)
	query := "?q=" + long + "&service_name=" + long + "&workspace_id=" + long + "&target_type=" + long +
		"&target_id=" + long + "&action=" + long + "&resource_type=" + long + "&cursor=" + long
	body := map[string]any{
		"name": long, "slug": long, "email": long, "service_name": long, "resource_type": long, "resource_id": long,
		"workspace_id": long, "owner_id": long, "grantee_id": long, "grantee_type": long, "permission": long,
		"visibility": long, "action": long, "user_id": long, "role": long, "description": long, "password": long,
		"idp_token": long, "provider": long, "allowed_origins": []string{long},
	}
	// Oversized ids in the user token, and ordinary ones so that dual-tier
	// handlers see the oversized body.
	for _, tok := range []string{api.UserToken(long[:2000], long[:2000], "owner"), api.UserToken(uuid.NewString(), uuid.NewString(), "owner")} {
		header := map[string]string{
			"Cookie": "admin_token=" + admin.Cookie, "X-Requested-With": "x", "X-Service-Key": key, "Authorization": "Bearer " + tok,
		}
		call(t, api, header, long, query, body)
	}
}

func call(t *testing.T, api *apitest.API, header map[string]string, long, query string, body map[string]any) {
	t.Helper()
	for _, r := range all.Routes {
		path := r.Path
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			path = path[:i] + long + path[j+1:]
		}
		for _, p := range []string{path, path + query} {
			var b any
			if r.Method != "GET" && r.Method != "OPTIONS" {
				b = body
			}
			res := api.Do(apitest.Request{Method: r.Method, Path: p, Body: b, Header: header, Invalid: true})
			if res.Status >= 500 {
				t.Errorf("%s with oversized input: %d %s", r.Key(), res.Status, res.Body)
			}
		}
	}
}

// Nor to bodies of the wrong JSON shape.
func TestNoRouteFailsOnOddBodies(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	header := map[string]string{
		"Cookie": "admin_token=" + admin.Cookie, "X-Requested-With": "x", "X-Service-Key": key,
		"Authorization": "Bearer " + api.UserToken(uuid.NewString(), uuid.NewString(), "owner"),
	}
	id := uuid.NewString()
	for _, r := range all.Routes {
		if r.Method == "GET" || r.Method == "OPTIONS" {
			continue
		}
		path := r.Path
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			path = path[:i] + id + path[j+1:]
		}
		for _, b := range []string{`null`, `[]`, `"x"`, `123`, `{}`, `{"checks":null,"actions":null,"allowed_origins":null,"service_action_ids":null}`, `{"checks":[null],"actions":[null]}`} {
			res := api.Do(apitest.Request{Method: r.Method, Path: path, Body: b, Header: header, Invalid: true})
			if res.Status >= 500 {
				t.Errorf("%s with body %s: %d %s", r.Key(), b, res.Status, res.Body)
			}
		}
	}
}

// hostile are parameter values a client may send, decoded: each is sent
// percent-encoded in a path segment or a query string.
var hostile = map[string]string{
	"oversized":            strings.Repeat("a", 3000),
	"oversized unicode":    strings.Repeat("é", 1500),
	"NUL":                  "\x00",
	"control characters":   "a\x01b\x7f",
	"CR LF":                "a\r\nb",
	"tab":                  "\t",
	"non-UTF-8":            "\xff\xfe",
	"truncated UTF-8":      "a\xc3",
	"UTF-16 surrogate":     "\xed\xa0\x80",
	"overlong UTF-8":       "\xc0\xaf",
	"percent":              "%",
	"percent-encoded text": "%41%zz%2F",
	"slash":                "a/b",
	"dot-dot":              "..",
	"query separators":     "a?b=c&d",
	"fragment":             "a#b",
	"other separators":     ";,+ |\\:@*",
	"bidi override":        "\u202e",
	"empty":                "",
}

// queryParams are the query parameters any handler reads.
var queryParams = []string{"q", "service_name", "workspace_id", "resource_type", "target_type", "target_id", "action", "cursor", "limit"}

// Issue 17 item 7: through the same event translation as API Gateway and
// Lambda, every route answers every hostile value of every path parameter
// and query parameter with a 4xx, never a 5xx (nor a function error, which
// API Gateway would turn into a 502).
func TestNoRouteFailsOnHostileParameters(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	_, key := admin.CreateApp("docu-store")
	gw := &gateway.Local{
		Table: all.Routes,
		Build: func(_ context.Context, name string) (gateway.EventHandler, error) {
			h, err := api.Instance(name)
			if err != nil {
				return nil, err
			}
			return gateway.Adapt(h), nil
		},
		Log: slog.New(slog.DiscardHandler),
	}
	header := map[string]string{
		"Cookie": "admin_token=" + admin.Cookie, "X-Requested-With": "x", "X-Service-Key": key,
		"Authorization": "Bearer " + api.UserToken(uuid.NewString(), uuid.NewString(), "owner"),
		"Content-Type":  "application/json",
	}
	do := func(r routes.Route, target, what string) {
		t.Helper()
		var body io.Reader
		if r.Method != "GET" && r.Method != "OPTIONS" {
			body = strings.NewReader(`{}`)
		}
		req := httptest.NewRequest(r.Method, target, body)
		req.RemoteAddr = api.RemoteAddr
		for k, v := range header {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Errorf("%s, %s: %d %s", r.Key(), what, w.Code, w.Body)
		}
	}
	// path fills a route's path, parameter i (-1: none) with segment and
	// the others with an id.
	id := uuid.NewString()
	path := func(r routes.Route, i int, segment string) string {
		parts := strings.Split(r.Path, "/")
		n := 0
		for k, p := range parts {
			if strings.HasPrefix(p, "{") {
				parts[k] = id
				if n == i {
					parts[k] = segment
				}
				n++
			}
		}
		return strings.Join(parts, "/")
	}
	for _, r := range all.Routes {
		params := strings.Count(r.Path, "{")
		for name, v := range hostile {
			for i := range params {
				do(r, path(r, i, url.PathEscape(v)), fmt.Sprintf("path parameter %d %s", i, name))
			}
			// Every query parameter at once, and one by one where a handler
			// reads them (GET), so an early refusal of one hides no other.
			every := url.Values{}
			for _, q := range queryParams {
				every.Set(q, v)
			}
			do(r, path(r, -1, "")+"?"+every.Encode(), "every query parameter "+name)
			if r.Method == "GET" {
				for _, q := range queryParams {
					do(r, path(r, -1, "")+"?"+url.Values{q: {v}}.Encode(), "query parameter "+q+" "+name)
				}
			}
		}
	}
}
