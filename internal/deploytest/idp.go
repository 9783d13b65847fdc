package deploytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"sentinel/internal/config"
	"sentinel/internal/devidp"
)

// IdP is the local stack's dev identity provider (internal/devidp) served
// as a deployed stack needs its identity providers: over HTTPS. Deployed
// stages refuse plain-http issuers, so the harness makes a certificate
// authority of its own, serves the IdP with a certificate it signs, and
// gives the functions a trust store holding the system's roots and that
// CA (SSL_CERT_FILE, which Go's crypto/x509 reads on Linux). Nothing in
// the functions' code knows: they fetch the JWKS as they would Google's.
type IdP struct {
	// URL is the issuer, https://127.0.0.1:<port>.
	URL string
	// Dir holds its signing key ring (devidp.KeyFile), which the tests
	// load to sign ID tokens, as `sentinel dev-idp-token` does.
	Dir string
	// TrustStore is the PEM file of the system's roots and the CA.
	TrustStore string

	srv *http.Server
}

// systemRoots are the usual places of the system's root bundle.
var systemRoots = []string{"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"}

// StartIdP serves a dev IdP with a new key ring in dir.
func StartIdP(dir string) (_ *IdP, err error) {
	caCert, caKey, err := newCert(nil, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: "Sentinel deploytest CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	})
	if err != nil {
		return nil, err
	}
	leaf, leafKey, err := newCert(caCert, caKey, &x509.Certificate{
		Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		return nil, err
	}
	trust := filepath.Join(dir, "trust-store.pem")
	if err := writeTrustStore(trust, caCert); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	i := &IdP{URL: "https://" + ln.Addr().String(), Dir: dir, TrustStore: trust}
	iss, err := devidp.Load(dir, i.URL)
	if err != nil {
		ln.Close()
		return nil, err
	}
	i.srv = &http.Server{Handler: iss.Handler(), ReadHeaderTimeout: 10 * time.Second, TLSConfig: &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{leaf.Raw, caCert.Raw}, PrivateKey: leafKey, Leaf: leaf}},
	}}
	go func() { _ = i.srv.ServeTLS(ln, "", "") }()
	return i, nil
}

// Stop ends the server.
func (i *IdP) Stop() { _ = i.srv.Close() }

// Providers is SENTINEL_OIDC_PROVIDERS registering the IdP as `make dev`
// registers it: provider devidp.ProviderName, audience devidp.Audience.
func (i *IdP) Providers() string {
	b, _ := json.Marshal(map[string]any{devidp.ProviderName: map[string]string{
		"issuer": i.URL, "jwks_uri": i.URL + devidp.JWKSPath, "audience": devidp.Audience,
	}})
	return string(b)
}

// Settings are the synth-time settings that make a stack trust the IdP.
func (i *IdP) Settings() map[string]string {
	return map[string]string{config.EnvOIDCProviders: i.Providers()}
}

// newCert makes a P-256 key and a certificate for it from tmpl, signed by
// parent (self-signed when nil), valid for a day.
func newCert(parent *x509.Certificate, parentKey *ecdsa.PrivateKey, tmpl *x509.Certificate) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// writeTrustStore writes the system's root bundle, if there is one, and
// the CA: with SSL_CERT_FILE set, Go reads that file instead of the
// system's, and the functions keep trusting what they trusted before.
func writeTrustStore(path string, ca *x509.Certificate) error {
	var out []byte
	for _, f := range systemRoots {
		b, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("system roots: %w", err)
		}
		out = append(b, '\n')
		break
	}
	out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})...)
	return os.WriteFile(path, out, 0o644)
}
