package awsjson

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// signer signs the client's requests with AWS Signature Version 4, to the
// byte what the SDK's signer (aws/signer/v4) writes for them
// (TestSignerMatchesTheSDKs), for their one shape only: a POST of JSON to
// the endpoint's path, no query, and the headers the client sets —
// Accept-Encoding, Content-Length, Content-Type, Host, X-Amz-Date,
// X-Amz-Security-Token (with a session token) and X-Amz-Target, all
// signed. What the SDK's signer does per request and this one does not:
// collect, lower-case and sort the headers (a map, a sorted list and
// joined strings every time), escape the path, build the canonical
// request and the string to sign as strings, a new HMAC and SHA-256 per
// use. Here the canonical request is written into a reused buffer, the
// HMAC object is reused, and the signing key (4 HMACs, one change a
// day) is kept per credentials' secret (by its SHA-256) and date.
type signer struct {
	region, service string
	host            string // as signed and sent: the default port dropped, as the SDK's signer does
	path            string // the canonical URI
	contentType     string
	key             atomic.Pointer[signingKey]
	scratch         sync.Pool // *signScratch
}

// signingKey is the key of a day's signatures with a secret.
type signingKey struct {
	secret [sha256.Size]byte // the secret access key's SHA-256
	date   string            // yyyymmdd
	key    []byte
}

// signScratch is one signature's working space, reused.
type signScratch struct {
	buf    []byte
	mac    hash.Hash
	macKey *signingKey // the key mac was made with
}

func newSigner(endpoint *url.URL, region, service, contentType string) *signer {
	path := endpoint.EscapedPath()
	if endpoint.Opaque != "" || path == "" {
		path = "/"
	}
	return &signer{region: region, service: service, host: signingHost(endpoint), path: escapePath(path), contentType: contentType}
}

// signingHost is the URL's host without its scheme's default port.
func signingHost(u *url.URL) string {
	port := u.Port()
	if port == "" || (strings.EqualFold(u.Scheme, "http") && port == "80") || (strings.EqualFold(u.Scheme, "https") && port == "443") {
		return u.Hostname()
	}
	return u.Host
}

// escapePath escapes all but the unreserved characters and '/' (the
// signature's URI escaping, applied to an already escaped path as the
// SDK's signer does for every service but S3).
func escapePath(path string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%")
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
	}
	return b.String()
}

const (
	signingAlgorithm = "AWS4-HMAC-SHA256"
	amzDateFormat    = "20060102T150405Z"
)

// sign returns the X-Amz-Date and Authorization headers of a request
// whose X-Amz-Target is target and whose body is contentLength bytes
// hashing to bodyHash, signed with creds at now. Both strings share one
// allocation.
func (s *signer) sign(creds aws.Credentials, target string, contentLength int, bodyHash *[sha256.Size]byte, now time.Time) (amzDate, authorization string) {
	sc, _ := s.scratch.Get().(*signScratch)
	if sc == nil {
		sc = &signScratch{buf: make([]byte, 0, 1024)}
	}
	defer s.scratch.Put(sc)
	now = now.UTC()
	key := s.signingKey(sc, creds.SecretAccessKey, now)

	// The canonical request, then its hash.
	b := append(sc.buf[:0], "POST\n"...)
	b = append(b, s.path...)
	b = append(b, "\n\naccept-encoding:identity\n"...)
	if contentLength > 0 {
		b = append(b, "content-length:"...)
		b = strconv.AppendInt(b, int64(contentLength), 10)
		b = append(b, '\n')
	}
	b = append(b, "content-type:"...)
	b = append(b, s.contentType...)
	b = append(b, "\nhost:"...)
	b = append(b, s.host...)
	b = append(b, "\nx-amz-date:"...)
	dateAt := len(b)
	b = now.AppendFormat(b, amzDateFormat)
	var date [len(amzDateFormat)]byte
	copy(date[:], b[dateAt:])
	if creds.SessionToken != "" {
		b = append(b, "\nx-amz-security-token:"...)
		b = append(b, creds.SessionToken...)
	}
	b = append(b, "\nx-amz-target:"...)
	b = append(b, target...)
	b = append(b, "\n\n"...)
	signedAt := len(b)
	b = appendSignedHeaders(b, contentLength > 0, creds.SessionToken != "")
	signed := len(b) - signedAt
	b = append(b, '\n')
	b = hex.AppendEncode(b, bodyHash[:])
	canonicalHash := sha256.Sum256(b)

	// The string to sign, then its signature.
	b = append(b[:0], signingAlgorithm+"\n"...)
	b = append(b, date[:]...)
	b = append(b, '\n')
	scopeAt := len(b)
	b = append(b, date[:8]...)
	b = append(b, '/')
	b = append(b, s.region...)
	b = append(b, '/')
	b = append(b, s.service...)
	b = append(b, "/aws4_request"...)
	scope := len(b) - scopeAt
	b = append(b, '\n')
	b = hex.AppendEncode(b, canonicalHash[:])
	if sc.macKey != key {
		sc.mac, sc.macKey = hmac.New(sha256.New, key.key), key
	} else {
		sc.mac.Reset()
	}
	sc.mac.Write(b)
	signatureAt := len(b)
	b = sc.mac.Sum(b)
	var signature [sha256.Size]byte
	copy(signature[:], b[signatureAt:])

	// The headers: X-Amz-Date, then Authorization.
	var out strings.Builder
	out.Grow(len(date) + len(signingAlgorithm) + len(" Credential=") + len(creds.AccessKeyID) + 1 + scope +
		len(", SignedHeaders=") + signed + len(", Signature=") + 2*sha256.Size)
	out.Write(date[:])
	out.WriteString(signingAlgorithm + " Credential=")
	out.WriteString(creds.AccessKeyID)
	out.WriteByte('/')
	out.Write(b[scopeAt : scopeAt+scope])
	out.WriteString(", SignedHeaders=")
	out.Write(appendSignedHeaders(b[:0], contentLength > 0, creds.SessionToken != ""))
	out.WriteString(", Signature=")
	out.Write(hex.AppendEncode(b[:0], signature[:]))
	sc.buf = b
	both := out.String()
	return both[:len(date)], both[len(date):]
}

// appendSignedHeaders appends the list of the signed headers.
func appendSignedHeaders(b []byte, contentLength, sessionToken bool) []byte {
	b = append(b, "accept-encoding;"...)
	if contentLength {
		b = append(b, "content-length;"...)
	}
	b = append(b, "content-type;host;x-amz-date;"...)
	if sessionToken {
		b = append(b, "x-amz-security-token;"...)
	}
	return append(b, "x-amz-target"...)
}

// signingKey is the key of now's date with secret: the one kept when it
// is that, else derived and kept.
func (s *signer) signingKey(sc *signScratch, secret string, now time.Time) *signingKey {
	sc.buf = append(sc.buf[:0], secret...)
	secretHash := sha256.Sum256(sc.buf)
	clear(sc.buf)
	var date [8]byte
	now.AppendFormat(date[:0], "20060102")
	if k := s.key.Load(); k != nil && k.secret == secretHash && k.date == string(date[:]) {
		return k
	}
	key := []byte("AWS4" + secret)
	for _, part := range []string{string(date[:]), s.region, s.service, "aws4_request"} {
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(part))
		key = mac.Sum(nil)
	}
	k := &signingKey{secret: secretHash, date: string(date[:]), key: key}
	s.key.Store(k)
	return k
}
