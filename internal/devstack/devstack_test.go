package devstack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"sentinel/internal/budget"
	"sentinel/internal/config"
	"sentinel/internal/ddblocal"
	"sentinel/internal/devidp"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/tableadmin"
	"sentinel/internal/token"
)

// testConfig is a stack on free ports with its state in a temp dir and no
// admin-web build (so the admin port serves the placeholder). The
// environment the stack sets for its functions is restored afterwards.
func testConfig(t *testing.T) Config {
	t.Helper()
	dir, err := ddblocal.FindDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"SENTINEL_STAGE", dynamo.EndpointEnv, "SENTINEL_ISSUER", config.EnvSigningKeyDir,
		"SENTINEL_PASSWORD_COST", config.EnvOIDCProviders} {
		t.Setenv(k, os.Getenv(k))
	}
	for _, src := range token.Sources {
		t.Setenv(src.SecretEnv(), os.Getenv(src.SecretEnv()))
	}
	for _, tb := range dynamo.All {
		t.Setenv(tb.EnvVar(), os.Getenv(tb.EnvVar()))
	}
	ports := make([]int, 4)
	for i := range ports {
		if ports[i], err = ddblocal.FreePort(); err != nil {
			t.Fatal(err)
		}
	}
	return Config{
		Root: t.TempDir(), StateDir: t.TempDir(), DynamoDBDir: dir,
		APIPort: ports[0], AdminPort: ports[1], DynamoDBPort: ports[2], IdPPort: ports[3],
		Log: discard(),
	}
}

// javaFor lists the DynamoDB Local processes using dbPath, from /proc (the
// machine may run other DynamoDB Locals: only this stack's count).
func javaFor(dbPath string) []string {
	entries, _ := os.ReadDir("/proc")
	var found []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.ReplaceAll(string(cmdline), "\x00", " ")
		if strings.Contains(args, "DynamoDBLocal") && strings.Contains(args, dbPath) {
			found = append(found, e.Name()+": "+args)
		}
	}
	return found
}

func assertStopped(t *testing.T, cfg Config) {
	t.Helper()
	if procs := javaFor(cfg.dataDir()); len(procs) > 0 {
		t.Errorf("DynamoDB Local still running after stop: %v", procs)
	}
	for _, p := range []int{cfg.APIPort, cfg.AdminPort, cfg.DynamoDBPort, cfg.IdPPort} {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			t.Errorf("port %d still taken after stop: %v", p, err)
			continue
		}
		ln.Close()
	}
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, method, url, body string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

// syncBuffer is the banner output Run writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStack starts the whole stack, uses it as a browser and a backend
// would, stops it, starts it again on the same state (Run, as `make dev`
// does, stopped by cancelling its context like Ctrl-C) and checks that the
// data, the signing key and the admin survived and nothing is left running.
func TestStack(t *testing.T) {
	cfg := testConfig(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	s, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			s.Stop(context.Background())
		}
	}()
	api := fmt.Sprintf("http://127.0.0.1:%d", cfg.APIPort)
	admin := fmt.Sprintf("http://127.0.0.1:%d", cfg.AdminPort)

	t.Run("health through the local gateway", func(t *testing.T) {
		r := do(t, "GET", api+"/health", "", nil)
		var body map[string]string
		if err := json.Unmarshal([]byte(r.body), &body); err != nil || r.status != 200 || body["status"] != "ok" {
			t.Errorf("GET /health = %d %s, want 200 JSON status ok", r.status, r.body)
		}
		if r.header.Get("X-Request-Id") == "" || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("headers %v: want X-Request-Id and JSON", r.header)
		}
	})

	t.Run("admin site placeholder and SPA fallback", func(t *testing.T) {
		for _, path := range []string{"/", "/service-apps/123"} {
			r := do(t, "GET", admin+path, "", nil)
			if r.status != 200 || !strings.Contains(r.body, "npm --prefix admin-web run build") {
				t.Errorf("GET %s = %d %q, want the placeholder page", path, r.status, r.body)
			}
			if got := r.header.Get("Content-Security-Policy"); got != CSP {
				t.Errorf("GET %s CSP = %q", path, got)
			}
		}
	})

	t.Run("admin proxy", func(t *testing.T) {
		r := do(t, "GET", admin+"/admin/x", "", nil)
		if r.status != 404 || r.body != `{"detail":"Not found"}` || r.header.Get("X-Request-Id") == "" {
			t.Errorf("GET /admin/x = %d %s %v, want the API's JSON 404", r.status, r.body, r.header)
		}
	})

	// The first start created the default admin; sign in through the admin
	// site's proxy and use the cookie it sets, as the browser does.
	if s.Admin.Email != DefaultAdminEmail || s.Admin.Password == "" {
		t.Fatalf("first start admin = %+v, want %s with a password", s.Admin, DefaultAdminEmail)
	}
	password := s.Admin.Password
	login := func(t *testing.T) string {
		t.Helper()
		body := fmt.Sprintf(`{"email":%q,"password":%q}`, DefaultAdminEmail, password)
		r := do(t, "POST", admin+"/admin/auth/login", body, map[string]string{
			"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest"})
		if r.status != 200 {
			t.Fatalf("login = %d %s", r.status, r.body)
		}
		cookie := r.header.Get("Set-Cookie")
		if !strings.HasPrefix(cookie, "admin_token=") || !strings.Contains(cookie, "HttpOnly") {
			t.Fatalf("Set-Cookie = %q, want the admin_token cookie", cookie)
		}
		token, _, _ := strings.Cut(cookie, ";")
		me := do(t, "GET", admin+"/admin/auth/me", "", map[string]string{"Cookie": token})
		if me.status != 200 || !strings.Contains(me.body, DefaultAdminEmail) {
			t.Fatalf("GET /admin/auth/me with the cookie = %d %s", me.status, me.body)
		}
		return token
	}
	cookie := login(t)

	t.Run("dev IdP registered as provider dev", func(t *testing.T) {
		testDevIdP(t, cfg, api, admin, cookie)
	})

	t.Run("DynamoDB Local frozen, resumed, stopped", func(t *testing.T) {
		testOutage(t, cfg, api, cookie)
	})

	idpKeyBefore, err := os.ReadFile(filepath.Join(cfg.StateDir, devidp.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	keysBefore := readKeys(t, cfg)
	if len(s.NewKeys) != 2 {
		t.Fatalf("new signing keys %v, want the user and admin rings'", s.NewKeys)
	}
	s.Stop(context.Background())
	stopped = true
	assertStopped(t, cfg)

	// Second start: through Run, stopped by cancelling its context.
	runCtx, stopRun := context.WithCancel(ctx)
	out := &syncBuffer{}
	cfg.Out = out
	done := make(chan error, 1)
	go func() { done <- Run(runCtx, cfg) }()
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(out.String(), "stack is up") {
		select {
		case err := <-done:
			t.Fatalf("Run ended early: %v\n%s", err, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no banner:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	banner := out.String()
	if strings.Contains(banner, password) {
		t.Error("the second start printed the admin password again")
	}
	for _, want := range []string{DefaultAdminEmail, cfg.dataDir(), "make dev-reset", fmt.Sprint(cfg.APIPort), fmt.Sprint(cfg.AdminPort), cfg.IdPURL(), "dev-idp-token"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	if keysAfter := readKeys(t, cfg); keysAfter != keysBefore {
		t.Error("the signing keys changed across restarts")
	}
	if idpKeyAfter, _ := os.ReadFile(filepath.Join(cfg.StateDir, devidp.KeyFile)); !bytes.Equal(idpKeyBefore, idpKeyAfter) {
		t.Error("the dev IdP key changed across restarts")
	}
	tables, err := tableadmin.LocalClient(fmt.Sprintf("http://127.0.0.1:%d", cfg.DynamoDBPort)).ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tables.TableNames) != len(dynamo.All) {
		t.Errorf("tables after restart = %v, want the %d tables", tables.TableNames, len(dynamo.All))
	}
	login(t) // the admin account (and its password) persisted

	stopRun()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v after cancel", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not stop")
	}
	if !strings.Contains(out.String(), "Stopped.") {
		t.Errorf("no stop message:\n%s", out)
	}
	assertStopped(t, cfg)
}

// TestStartBusyPort: a busy port fails fast with the variable to change,
// and starts nothing.
func TestStartBusyPort(t *testing.T) {
	tests := []struct {
		name string
		port func(*Config) int
		want string
	}{
		{"api", func(c *Config) int { return c.APIPort }, "SENTINEL_API_PORT"},
		{"admin", func(c *Config) int { return c.AdminPort }, "SENTINEL_ADMIN_PORT"},
		{"dynamodb", func(c *Config) int { return c.DynamoDBPort }, "SENTINEL_DYNAMODB_PORT"},
		{"dev idp", func(c *Config) int { return c.IdPPort }, "SENTINEL_DEV_IDP_PORT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			ln, err := net.Listen("tcp", fmt.Sprintf(":%d", tt.port(&cfg)))
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			s, err := Start(context.Background(), cfg)
			if err == nil {
				s.Stop(context.Background())
				t.Fatal("started on a busy port")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), fmt.Sprint(tt.port(&cfg))) {
				t.Errorf("err = %v, want it to name %s and the port", err, tt.want)
			}
			assertStoppedExcept(t, cfg, tt.port(&cfg))
		})
	}
	t.Run("same port twice", func(t *testing.T) {
		cfg := testConfig(t)
		cfg.AdminPort = cfg.APIPort
		if _, err := Start(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "must differ") {
			t.Errorf("err = %v", err)
		}
	})
}

func assertStoppedExcept(t *testing.T, cfg Config, busy int) {
	t.Helper()
	if procs := javaFor(cfg.dataDir()); len(procs) > 0 {
		t.Errorf("DynamoDB Local started: %v", procs)
	}
	for _, p := range []int{cfg.APIPort, cfg.AdminPort, cfg.IdPPort} {
		if p == busy {
			continue
		}
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			t.Errorf("port %d left taken: %v", p, err)
			continue
		}
		ln.Close()
	}
}

// readKeys reads the dev key files: each ring's and the public bundle.
func readKeys(t *testing.T, cfg Config) string {
	t.Helper()
	var all string
	for _, name := range []string{"user.pem", "admin.pem", "public.json"} {
		b, err := os.ReadFile(filepath.Join(cfg.SigningKeyDir(), name))
		if err != nil {
			t.Fatalf("dev signing keys: %v", err)
		}
		all += string(b)
	}
	return all
}

// testOutage is issue 14's bar on the running stack: with DynamoDB Local
// frozen (SIGSTOP), a key not yet cached answers 503 with Retry-After
// within its budget; resumed, it works without a restart; stopped, a 503
// at once. It leaves DynamoDB Local stopped.
func testOutage(t *testing.T, cfg Config, api, cookie string) {
	procs := javaFor(cfg.dataDir())
	if len(procs) != 1 {
		t.Fatalf("DynamoDB Local processes %v, want one", procs)
	}
	pid, err := strconv.Atoi(strings.SplitN(procs[0], ":", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	newKey := func(name string) string {
		r := do(t, "POST", api+"/admin/service-apps", `{"name":"`+name+`","service_name":"`+name+`"}`,
			map[string]string{"Cookie": cookie, "Content-Type": "application/json", "X-Requested-With": "x"})
		var app struct {
			APIKey string `json:"api_key"`
		}
		if err := json.Unmarshal([]byte(r.body), &app); err != nil || r.status != 201 {
			t.Fatalf("create app %s: %d %s", name, r.status, r.body)
		}
		return app.APIKey
	}
	frozenKey, stoppedKey := newKey("frozen-app"), newKey("stopped-app")
	whoami := func(key string, bound time.Duration) response {
		t.Helper()
		start := time.Now()
		r := do(t, "GET", api+"/service/whoami", "", map[string]string{"X-Service-Key": key})
		if took := time.Since(start); took > bound {
			t.Errorf("whoami answered after %v, want within %v", took, bound)
		}
		return r
	}
	// Upper bounds only: the budget, and what a loaded machine may add.
	const slack = 2 * time.Second

	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	r := whoami(frozenKey, budget.Service+slack)
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if r.status != 503 || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, `"detail"`) {
		t.Errorf("frozen: %d %v %s, want 503 with Retry-After and a detail", r.status, r.header, r.body)
	}
	if r := whoami(frozenKey, budget.Service+slack); r.status != 200 || !strings.Contains(r.body, "frozen-app") {
		t.Errorf("resumed: %d %s, want 200 without a restart", r.status, r.body)
	}

	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); len(javaFor(cfg.dataDir())) > 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	// At once: the connection is refused, retried a few times within
	// budget.MaxBackoff, then answered.
	r = whoami(stoppedKey, time.Second+slack)
	if r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Errorf("stopped: %d %v %s, want 503 with Retry-After", r.status, r.header, r.body)
	}
}
