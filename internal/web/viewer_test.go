package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Behind the admin site's CloudFront distribution the per-IP sign-in
// limit must see the viewer (issue 17 item 7): CloudFront-Viewer-Address
// counts only with the origin secret the stack gives the distribution,
// else API Gateway's source IP does.
func TestBehindCloudFront(t *testing.T) {
	const secret = "9f2c-origin-secret"
	seen := ""
	h := BehindCloudFront(secret, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = ClientIP(r) }))
	tests := []struct {
		name    string
		header  map[string][]string
		address string // CloudFront-Viewer-Address
		want    string
	}{
		{"through CloudFront, IPv4", map[string][]string{OriginVerifyHeader: {secret}}, "198.51.100.10:46532", "198.51.100.10"},
		{"through CloudFront, IPv6 as CloudFront writes it", map[string][]string{OriginVerifyHeader: {secret}}, "2001:db8::1:46532", "2001:db8::1"},
		{"through CloudFront, bracketed IPv6", map[string][]string{OriginVerifyHeader: {secret}}, "[2001:db8::2]:443", "2001:db8::2"},
		{"no secret: a direct call", nil, "198.51.100.10:46532", "192.0.2.1"},
		{"a wrong secret", map[string][]string{OriginVerifyHeader: {"guess"}}, "198.51.100.10:46532", "192.0.2.1"},
		{"the secret twice", map[string][]string{OriginVerifyHeader: {secret, secret}}, "198.51.100.10:46532", "192.0.2.1"},
		{"the secret, no address", map[string][]string{OriginVerifyHeader: {secret}}, "", "192.0.2.1"},
		{"the secret, an address without port", map[string][]string{OriginVerifyHeader: {secret}}, "198.51.100.10", "192.0.2.1"},
		{"the secret, not an address", map[string][]string{OriginVerifyHeader: {secret}}, "evil.example.com:80", "192.0.2.1"},
		{"the secret, two addresses", map[string][]string{OriginVerifyHeader: {secret}, ViewerAddressHeader: {"198.51.100.11:1"}}, "198.51.100.10:46532", "192.0.2.1"},
		{"X-Forwarded-For never counts", map[string][]string{OriginVerifyHeader: {secret}, "X-Forwarded-For": {"203.0.113.9"}}, "", "192.0.2.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/admin/auth/login", nil)
			r.RemoteAddr = "192.0.2.1:5555"
			for k, vs := range tt.header {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			if tt.address != "" {
				r.Header.Add(ViewerAddressHeader, tt.address)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if seen != tt.want {
				t.Errorf("ClientIP = %q, want %q", seen, tt.want)
			}
			if r.RemoteAddr != "192.0.2.1:5555" {
				t.Errorf("the caller's request changed: RemoteAddr %q", r.RemoteAddr)
			}
		})
	}
	// Without a secret (no admin site; the local stack) nothing is trusted.
	r := httptest.NewRequest("POST", "/admin/auth/login", nil)
	r.RemoteAddr = "192.0.2.1:5555"
	r.Header.Set(ViewerAddressHeader, "198.51.100.10:46532")
	r.Header.Set(OriginVerifyHeader, "")
	BehindCloudFront("", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = ClientIP(r) })).ServeHTTP(httptest.NewRecorder(), r)
	if seen != "192.0.2.1" {
		t.Errorf("without a secret: ClientIP = %q, want the source IP", seen)
	}
}
