package web

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// A path's segments are strings.Split's of the path trimmed of slashes,
// past the router's 16 on the stack too.
func TestSegments(t *testing.T) {
	for _, p := range []string{"", "/", "//", "/a", "a", "/a/", "//a//b//", "/permissions/check", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s"} {
		want := strings.Split(strings.Trim(p, "/"), "/")
		var buf [16]string
		if got := appendSegments(buf[:0], p); !slices.Equal(got, want) {
			t.Errorf("appendSegments(%q) = %q, want %q", p, got, want)
		}
		if got := split(p); !slices.Equal(got, want) {
			t.Errorf("split(%q) = %q, want %q", p, got, want)
		}
	}
}

// When two patterns match a path, the one with a literal at the first
// segment where they differ wins, whichever was registered first.
func TestRouterPrefersLiteralSegments(t *testing.T) {
	for _, order := range []string{"parameter first", "literal first"} {
		t.Run(order, func(t *testing.T) {
			rt := &Router{}
			share := Func(func(r *http.Request) (int, any, error) { return 200, "share " + r.PathValue("id"), nil })
			purge := Func(func(r *http.Request) (int, any, error) { return 200, "purge " + r.PathValue("service_name"), nil })
			if order == "parameter first" {
				rt.Handle("DELETE", "/admin/permissions/{id}/share", share)
				rt.Handle("POST", "/admin/permissions/{id}/share", share)
				rt.Handle("DELETE", "/admin/permissions/service/{service_name}", purge)
			} else {
				rt.Handle("DELETE", "/admin/permissions/service/{service_name}", purge)
				rt.Handle("DELETE", "/admin/permissions/{id}/share", share)
				rt.Handle("POST", "/admin/permissions/{id}/share", share)
			}
			cases := []struct{ method, path, want string }{
				{"DELETE", "/admin/permissions/service/share", `"purge share"`},
				{"DELETE", "/admin/permissions/3fa85f64-5717-4562-b3fc-2c963f66afa6/share", `"share 3fa85f64-5717-4562-b3fc-2c963f66afa6"`},
				{"POST", "/admin/permissions/service/share", `"share service"`},
			}
			for _, tc := range cases {
				w := httptest.NewRecorder()
				rt.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
				if got := w.Body.String(); got != tc.want {
					t.Errorf("%s %s: got %s, want %s", tc.method, tc.path, got, tc.want)
				}
			}
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, httptest.NewRequest("PUT", "/admin/permissions/service/share", nil))
			if w.Code != 405 || w.Header().Get("Allow") != "DELETE, POST" {
				t.Errorf("PUT: got %d Allow=%q, want 405 DELETE, POST", w.Code, w.Header().Get("Allow"))
			}
		})
	}
}

func TestMoreSpecific(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"/a/b/{x}", "/a/{y}/c", true},
		{"/a/{y}/c", "/a/b/{x}", false},
		{"/a/{x}", "/a/{y}", false},
		{"/a/b", "/a/b", false},
	}
	for _, tc := range cases {
		if got := ParsePattern(tc.a).MoreSpecific(ParsePattern(tc.b)); got != tc.want {
			t.Errorf("MoreSpecific(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
