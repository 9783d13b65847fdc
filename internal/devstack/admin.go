package devstack

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"

	"sentinel/internal/apperr"
	"sentinel/internal/web"
)

// CSP is the admin site's Content-Security-Policy: only its own scripts,
// styles and API; never framed. CloudFront sends the same in AWS.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// hashed matches the content-hashed file names Vite writes under assets/
// ("index-BxD3kL9f.js"): they never change, so they may be cached for good.
var hashed = regexp.MustCompile(`^/assets/.+[-.][A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$`)

// AdminSite serves the admin site as CloudFront does in AWS: the static
// files of dist (a placeholder page until the site is built), index.html
// for the single-page app's own routes, and /admin/* proxied to the API at
// api, so the admin cookie is first-party.
//
// The proxy forwards Cookie and Set-Cookie untouched and drops any
// X-Forwarded-For/-Host/-Proto the browser sent (httputil.ReverseProxy does
// with Rewrite and no SetXForwarded). The API takes the client IP from the
// TCP peer, which for proxied requests is this proxy (127.0.0.1): locally,
// per-IP limits on /admin see one client; a browser cannot pick its IP.
func AdminSite(dist string, api *url.URL, log *slog.Logger) http.Handler {
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(api)
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			log.Error("admin proxy", "path", r.URL.Path, "err", err)
			web.JSON(w, http.StatusBadGateway, map[string]string{"detail": "The API is not answering"})
		},
	}
	site := &static{dist: dist}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/admin" || strings.HasPrefix(r.URL.Path, "/admin/") {
			proxy.ServeHTTP(w, r)
			return
		}
		site.ServeHTTP(w, r)
	})
}

type static struct{ dist string }

func (s *static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		web.Error(w, r, apperr.New(apperr.MethodNotAllowed, "Method %s not allowed", r.Method))
		return
	}
	name := path.Clean("/" + r.URL.Path)
	root, err := os.OpenRoot(s.dist)
	if err != nil || !isFile(root, "index.html") {
		if root != nil {
			root.Close()
		}
		s.placeholder(w, r, name)
		return
	}
	defer root.Close()
	if name != "/" && name != "/index.html" && isFile(root, name[1:]) {
		if hashed.MatchString(name) {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		s.serveFile(w, r, root, name[1:])
		return
	}
	if name == "/" || name == "/index.html" || path.Ext(name) == "" {
		// The app's own routes (/service-apps/123) are index.html.
		h.Set("Cache-Control", "no-cache")
		s.serveFile(w, r, root, "index.html")
		return
	}
	h.Set("Cache-Control", "no-cache")
	http.Error(w, "404 page not found", http.StatusNotFound)
}

func isFile(root *os.Root, name string) bool {
	fi, err := root.Stat(name)
	return err == nil && fi.Mode().IsRegular()
}

// serveFile serves one file of dist; os.Root keeps every path, symlinks
// included, inside it.
func (s *static) serveFile(w http.ResponseWriter, r *http.Request, root *os.Root, name string) {
	f, err := root.Open(name)
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, fs.ErrNotExist) {
			status = http.StatusNotFound
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

// placeholder stands in for the admin site until admin-web is built.
func (s *static) placeholder(w http.ResponseWriter, r *http.Request, name string) {
	w.Header().Set("Cache-Control", "no-cache")
	if name != "/" && name != "/index.html" && path.Ext(name) != "" {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write([]byte(placeholderHTML))
}

const placeholderHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sentinel admin (not built yet)</title>
</head>
<body>
<h1>Sentinel admin site</h1>
<p>The admin site has not been built yet. Build it, then reload this page
(no restart needed):</p>
<pre>npm --prefix admin-web ci &amp;&amp; npm --prefix admin-web run build</pre>
<p>Meanwhile the admin API already answers here under <code>/admin/</code>
(proxied to the API port shown in the startup banner).</p>
</body>
</html>
`
