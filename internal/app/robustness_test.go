package app_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"sentinel/internal/apitest"
	"sentinel/internal/routes"
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
	for _, r := range routes.Table {
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
			res := api.Do(apitest.Request{Method: r.Method, Path: p, Body: b, Header: header})
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
	for _, r := range routes.Table {
		if r.Method == "GET" || r.Method == "OPTIONS" {
			continue
		}
		path := r.Path
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			path = path[:i] + id + path[j+1:]
		}
		for _, b := range []string{`null`, `[]`, `"x"`, `123`, `{}`, `{"checks":null,"actions":null,"allowed_origins":null,"service_action_ids":null}`, `{"checks":[null],"actions":[null]}`} {
			res := api.Do(apitest.Request{Method: r.Method, Path: path, Body: b, Header: header})
			if res.Status >= 500 {
				t.Errorf("%s with body %s: %d %s", r.Key(), b, res.Status, res.Body)
			}
		}
	}
}
