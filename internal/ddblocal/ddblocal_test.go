package ddblocal

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"sentinel/internal/dynamo"
)

// TestStartListensOnLoopbackOnly: DynamoDB Local as Start runs it (and as
// scripts/with-dynamodb.sh runs it, when this test runs under it) listens on
// 127.0.0.1 only: the kernel's socket table has no listener on another
// address for its port, and another address of this host refuses it.
func TestStartListensOnLoopbackOnly(t *testing.T) {
	dir, err := FindDir()
	if err != nil {
		t.Fatal(err)
	}
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	p, err := Start(context.Background(), dir, port, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	ports := []int{port}
	// The shared endpoint of scripts/with-dynamodb.sh, when the tests run under it.
	if u, err := url.Parse(os.Getenv(dynamo.EndpointEnv)); err == nil && u.Hostname() == "127.0.0.1" {
		if ep, err := strconv.Atoi(u.Port()); err == nil {
			ports = append(ports, ep)
		}
	}
	for _, port := range ports {
		t.Run(fmt.Sprint(port), func(t *testing.T) {
			addrs := listeners(t, port)
			if len(addrs) == 0 {
				t.Fatalf("no listener on port %d in /proc/net/tcp*", port)
			}
			for _, a := range addrs {
				if !a.IsLoopback() {
					t.Errorf("DynamoDB Local listens on %s:%d, want loopback only", a, port)
				}
			}
			if other := nonLoopbackIPv4(t); other != nil {
				c, err := net.DialTimeout("tcp", net.JoinHostPort(other.String(), strconv.Itoa(port)), 2*time.Second)
				if err == nil {
					c.Close()
					t.Errorf("DynamoDB Local answers on %s:%d", other, port)
				}
			}
		})
	}
}

// listeners returns the local addresses listening on TCP port, read from
// the kernel's tables (state 0A is LISTEN).
func listeners(t *testing.T, port int) []net.IP {
	t.Helper()
	var ips []net.IP
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 || fields[3] != "0A" {
				continue
			}
			host, p, ok := strings.Cut(fields[1], ":")
			if n, err := strconv.ParseUint(p, 16, 16); !ok || err != nil || int(n) != port {
				continue
			}
			ip, err := procIP(host)
			if err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			ips = append(ips, ip)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return ips
}

// procIP decodes /proc/net/tcp's address: 32-bit words in host (little-endian) order.
func procIP(h string) (net.IP, error) {
	b, err := hex.DecodeString(h)
	if err != nil || (len(b) != 4 && len(b) != 16) {
		return nil, fmt.Errorf("bad address %q", h)
	}
	for i := 0; i < len(b); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	return net.IP(b), nil
}

func TestProcIP(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0100007F", "127.0.0.1"},
		{"00000000", "0.0.0.0"},
		{"0000000000000000FFFF00000100007F", "127.0.0.1"}, // ::ffff:127.0.0.1
		{"00000000000000000000000000000000", "::"},
		{"00000000000000000000000001000000", "::1"},
	}
	for _, tt := range tests {
		got, err := procIP(tt.in)
		if err != nil || got.String() != tt.want {
			t.Errorf("procIP(%s) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

// nonLoopbackIPv4 is an address of this host other than loopback, if it has one.
func nonLoopbackIPv4(t *testing.T) net.IP {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP
		}
	}
	return nil
}
