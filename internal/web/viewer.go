package web

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// Headers of a request forwarded by the stack's CloudFront distribution
// (the admin site): CloudFront adds the viewer's address, and the origin
// secret the stack configures on the distribution's API origin.
const (
	ViewerAddressHeader = "CloudFront-Viewer-Address"
	OriginVerifyHeader  = "X-Sentinel-Origin-Verify"
)

// BehindCloudFront makes ClientIP the viewer's address for requests that
// prove they came through the stack's CloudFront distribution: they carry
// secret in OriginVerifyHeader (which CloudFront adds and a viewer cannot
// see), and one well-formed CloudFront-Viewer-Address. Any other request
// keeps API Gateway's source IP, so a client calling the API directly
// cannot choose its address by sending the header. With secret "" (no
// admin site, or the local stack) next is returned as is.
func BehindCloudFront(secret string, next http.Handler) http.Handler {
	if secret == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proof, address := r.Header.Values(OriginVerifyHeader), r.Header.Values(ViewerAddressHeader)
		if len(proof) == 1 && subtle.ConstantTimeCompare([]byte(proof[0]), []byte(secret)) == 1 && len(address) == 1 {
			if ip, ok := viewerIP(address[0]); ok {
				r = r.WithContext(r.Context()) // a copy: the caller's request stays as it was
				r.RemoteAddr = net.JoinHostPort(ip, "0")
			}
		}
		next.ServeHTTP(w, r)
	})
}

// viewerIP reads "ip:port" as CloudFront writes it: IPv4 as 198.51.100.10:46532,
// IPv6 without brackets (2001:db8::1:46532); a bracketed IPv6 is accepted too.
func viewerIP(v string) (string, bool) {
	v = strings.TrimSpace(v)
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		i := strings.LastIndexByte(v, ':')
		if i < 0 {
			return "", false
		}
		host, port = v[:i], v[i+1:]
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", false
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return "", false
	}
	return ip.String(), true
}
