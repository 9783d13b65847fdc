package serviceapps_test

import (
	"net/url"
	"strings"
	"testing"

	"sentinel/internal/apitest"
)

// GET /admin/service-apps?q= finds with the directory's search semantics:
// the exact match (id or service name) first, then name prefixes in name
// order, then service-name prefixes in service-name order, each app once.
func TestListSearch(t *testing.T) {
	api := apitest.New(t)
	admin := api.SignIn()
	ids := map[string]string{}
	for _, a := range [][2]string{
		{"Billing", "billing"},
		{"billing reports", "reports"},
		{"Bill printer", "printer"},
		{"Invoices", "bill-archive"},
		{"Docs", "docs"},
	} {
		res := admin.Do("POST", "/admin/service-apps", map[string]any{"name": a[0], "service_name": a[1]})
		if res.Status != 201 {
			t.Fatalf("create %s: %d %s", a[1], res.Status, res.Body)
		}
		ids[a[1]] = res.Map(t)["id"].(string)
	}
	search := func(q string) string {
		t.Helper()
		var list []map[string]any
		res := admin.Do("GET", "/admin/service-apps?q="+url.QueryEscape(q), nil)
		if res.Status != 200 {
			t.Fatalf("q=%q: %d %s", q, res.Status, res.Body)
		}
		res.JSON(t, &list)
		names := make([]string, 0, len(list))
		for _, a := range list {
			names = append(names, a["service_name"].(string))
		}
		return strings.Join(names, ",")
	}
	for q, want := range map[string]string{
		// "billing" is a service name: first; then names beginning with it.
		"billing": "billing,reports",
		// Names by name (case-insensitive), then the service name match.
		" BILL ":       "printer,billing,reports,bill-archive",
		"inv":          "bill-archive",
		"docs":         "docs",
		"lovelace":     "",
		ids["printer"]: "printer",
	} {
		if got := search(q); got != want {
			t.Errorf("q=%q: got [%s], want [%s]", q, got, want)
		}
	}
	if got := search(""); len(strings.Split(got, ",")) != 5 {
		t.Errorf("no q: got [%s], want every app", got)
	}
	res := admin.Do("GET", "/admin/service-apps?q="+strings.Repeat("a", 101), nil)
	if res.Status != 422 {
		t.Fatalf("a 101-character q: %d %s, want a refusal", res.Status, res.Body)
	}
	if !strings.Contains(res.Detail(t), "q:") {
		t.Errorf("detail %q does not name q", res.Detail(t))
	}
}
