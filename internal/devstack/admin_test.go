package devstack

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// writeDist lays out a built admin site like Vite's.
func writeDist(t *testing.T) string {
	t.Helper()
	dist := t.TempDir()
	files := map[string]string{
		"index.html":                "<!doctype html><title>Sentinel Admin</title>",
		"favicon.svg":               "<svg/>",
		"assets/index-BxD3kL9f.js":  "console.log(1)",
		"assets/index-DngOHmvF.css": "body{}",
	}
	for name, body := range files {
		p := filepath.Join(dist, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A file outside dist that a symlink or a traversal must not reach.
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dist, "leak.txt")); err != nil {
		t.Fatal(err)
	}
	return dist
}

func TestAdminSiteStatic(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("static request %s reached the API", r.URL.Path)
	}))
	defer api.Close()
	apiURL, _ := url.Parse(api.URL)
	built := AdminSite(writeDist(t), apiURL, discard())
	missing := AdminSite(filepath.Join(t.TempDir(), "dist"), apiURL, discard())

	const index, placeholder = "Sentinel Admin", "npm --prefix admin-web ci &amp;&amp; npm --prefix admin-web run build"
	immutable := "public, max-age=31536000, immutable"
	tests := []struct {
		name      string
		site      http.Handler
		method    string
		path      string
		wantCode  int
		wantBody  string // substring
		wantCache string
	}{
		{"index", built, "GET", "/", 200, index, "no-cache"},
		{"index.html", built, "GET", "/index.html", 200, index, "no-cache"},
		{"spa route", built, "GET", "/service-apps/123", 200, index, "no-cache"},
		{"hashed script", built, "GET", "/assets/index-BxD3kL9f.js", 200, "console.log", immutable},
		{"hashed style", built, "GET", "/assets/index-DngOHmvF.css", 200, "body{}", immutable},
		{"unhashed file", built, "GET", "/favicon.svg", 200, "<svg/>", "no-cache"},
		{"missing asset", built, "GET", "/assets/gone-12345678.js", 404, "not found", "no-cache"},
		{"traversal", built, "GET", "/../secret.txt", 404, "not found", "no-cache"},
		{"traversal without extension", built, "GET", "/../../etc/passwd", 200, index, "no-cache"},
		{"symlink out of dist", built, "GET", "/leak.txt", 404, "not found", "no-cache"},
		{"head", built, "HEAD", "/", 200, "", "no-cache"},
		{"post", built, "POST", "/", 405, "Method POST not allowed", ""},
		{"placeholder", missing, "GET", "/", 200, placeholder, "no-cache"},
		{"placeholder spa route", missing, "GET", "/service-apps/123", 200, placeholder, "no-cache"},
		{"placeholder asset", missing, "GET", "/assets/index-BxD3kL9f.js", 404, "not found", "no-cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(tt.method, "http://localhost:9004/", nil)
			req.URL.Path = tt.path
			tt.site.ServeHTTP(rec, req)
			if rec.Code != tt.wantCode {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantCode)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body = %q, want it to contain %q", rec.Body, tt.wantBody)
			}
			if strings.Contains(rec.Body.String(), "secret") {
				t.Error("served a file outside dist")
			}
			if got := rec.Header().Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.wantCache)
			}
			for k, want := range map[string]string{
				"Content-Security-Policy": CSP,
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "no-referrer",
				"X-Frame-Options":         "DENY",
			} {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestAdminSiteProxy: /admin/* reaches the API with the cookie intact and
// without the browser's forwarding headers; Set-Cookie comes back intact.
func TestAdminSiteProxy(t *testing.T) {
	var got *http.Request
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(r.Context())
		http.SetCookie(w, &http.Cookie{Name: "admin_token", Value: "new", Path: "/admin", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		_, _ = io.WriteString(w, `{"detail":"Not found"}`)
	}))
	defer api.Close()
	apiURL, _ := url.Parse(api.URL)
	site := httptest.NewServer(AdminSite(t.TempDir(), apiURL, discard()))
	defer site.Close()

	req, _ := http.NewRequest("GET", site.URL+"/admin/x?limit=5", nil)
	req.Header.Set("Cookie", "admin_token=abc.def.ghi; theme=dark")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	if resp.StatusCode != 404 || string(body) != `{"detail":"Not found"}` {
		t.Errorf("proxied answer = %d %s, want the API's JSON 404", resp.StatusCode, body)
	}
	if want := "admin_token=new; Path=/admin; HttpOnly; SameSite=Strict"; resp.Header.Get("Set-Cookie") != want {
		t.Errorf("Set-Cookie = %q, want %q", resp.Header.Get("Set-Cookie"), want)
	}
	if resp.Header.Get("Content-Security-Policy") == CSP {
		t.Error("API answers must keep the API's own headers, not the static site's")
	}
	if got == nil {
		t.Fatal("the API was not called")
	}
	if got.URL.Path != "/admin/x" || got.URL.RawQuery != "limit=5" {
		t.Errorf("API saw %s?%s", got.URL.Path, got.URL.RawQuery)
	}
	if c := got.Header.Get("Cookie"); c != "admin_token=abc.def.ghi; theme=dark" {
		t.Errorf("API saw Cookie %q", c)
	}
	if got.Header.Get("X-Requested-With") != "XMLHttpRequest" {
		t.Error("X-Requested-With dropped")
	}
	for _, h := range []string{"X-Forwarded-For", "X-Forwarded-Host"} {
		if v := got.Header.Get(h); v != "" {
			t.Errorf("API saw %s %q from the browser", h, v)
		}
	}
}

func TestAdminSiteProxyAPIDown(t *testing.T) {
	apiURL, _ := url.Parse("http://127.0.0.1:1")
	rec := httptest.NewRecorder()
	AdminSite(t.TempDir(), apiURL, discard()).ServeHTTP(rec, httptest.NewRequest("GET", "/admin/auth/me", nil))
	if rec.Code != 502 || !strings.Contains(rec.Body.String(), `"detail"`) {
		t.Errorf("API down: %d %s, want a JSON 502", rec.Code, rec.Body)
	}
}
