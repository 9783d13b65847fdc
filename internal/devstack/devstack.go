// Package devstack runs the whole system on one machine (`make dev`):
// DynamoDB Local with the tables the CDK stack defines, the local API
// Gateway serving every function, the admin site with /admin/* proxied to
// the API, the dev signing key, the first admin account, and the dev IdP
// registered as OIDC provider "dev" for authz mode.
package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"sentinel/internal/config"
	"sentinel/internal/ddblocal"
	"sentinel/internal/devidp"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/tableadmin"
	"sentinel/internal/gateway"
	"sentinel/internal/routes/all"
	"sentinel/internal/token"
)

// EnvDynamoDBProxy names Config.DynamoDBProxy's variable, EnvPprofPort
// Config.PprofPort's.
const (
	EnvDynamoDBProxy = "SENTINEL_DYNAMODB_PROXY"
	EnvPprofPort     = "SENTINEL_PPROF_PORT"
)

// TablePrefix names the local tables (sentinel-local-ServiceApps, ...).
const TablePrefix = "sentinel-local-"

// Config is the local stack's settings.
type Config struct {
	// Root is the repository root (admin-web/dist is served from it).
	Root string
	// StateDir holds everything the stack keeps: data/dynamodb and the
	// dev signing key. $SENTINEL_LOCAL_DIR, default <Root>/.local.
	StateDir string
	// DynamoDBDir is the DynamoDB Local install.
	DynamoDBDir string
	// Ports: $SENTINEL_API_PORT (9003), $SENTINEL_ADMIN_PORT (9004),
	// $SENTINEL_DYNAMODB_PORT (8000), $SENTINEL_DEV_IDP_PORT (9005).
	APIPort, AdminPort, DynamoDBPort, IdPPort int
	// OIDCProviders is $SENTINEL_OIDC_PROVIDERS as given: the stack adds
	// the dev IdP to it as provider "dev".
	OIDCProviders string
	// AdminEmail and AdminPassword ($SENTINEL_ADMIN_EMAIL,
	// $SENTINEL_ADMIN_PASSWORD) name an admin to create or reset at start.
	AdminEmail, AdminPassword string
	// Admins builds the admin service once the functions' environment is
	// set (nil: the app's own, see admins.go).
	Admins func(context.Context) (Admins, error)
	// DynamoDBProxy ($SENTINEL_DYNAMODB_PROXY), when set, is the endpoint
	// the functions reach DynamoDB Local through instead of its own: the
	// load tool's counting proxy (internal/load).
	DynamoDBProxy string
	// PprofPort ($SENTINEL_PPROF_PORT), when set, serves Go's profiles of
	// the stack's process (net/http/pprof) on 127.0.0.1: the load tool's
	// -cpuprofile reads the functions' CPU profile there.
	PprofPort int
	// Out receives the banner (nil: os.Stdout); Log the servers' logs.
	Out io.Writer
	Log *slog.Logger
}

// FromEnv reads the configuration from the environment, with the
// repository root found above the working directory.
func FromEnv() (Config, error) {
	root, err := findRoot()
	if err != nil {
		return Config{}, err
	}
	c := Config{
		Root:          root,
		StateDir:      os.Getenv("SENTINEL_LOCAL_DIR"),
		AdminEmail:    os.Getenv("SENTINEL_ADMIN_EMAIL"),
		AdminPassword: os.Getenv("SENTINEL_ADMIN_PASSWORD"),
		OIDCProviders: os.Getenv(config.EnvOIDCProviders),
		DynamoDBProxy: os.Getenv(EnvDynamoDBProxy),
	}
	if v := os.Getenv(EnvPprofPort); v != "" {
		if c.PprofPort, err = strconv.Atoi(v); err != nil || c.PprofPort <= 0 || c.PprofPort > 65535 {
			return Config{}, fmt.Errorf("%s=%q: want a port number", EnvPprofPort, v)
		}
	}
	if c.StateDir == "" {
		c.StateDir = filepath.Join(root, ".local")
	}
	if c.StateDir, err = filepath.Abs(c.StateDir); err != nil {
		return Config{}, err
	}
	var problems []string
	for _, p := range []struct {
		env  string
		def  int
		into *int
	}{{"SENTINEL_API_PORT", 9003, &c.APIPort}, {"SENTINEL_ADMIN_PORT", 9004, &c.AdminPort}, {"SENTINEL_DYNAMODB_PORT", 8000, &c.DynamoDBPort},
		{"SENTINEL_DEV_IDP_PORT", 9005, &c.IdPPort}} {
		*p.into = p.def
		if v := os.Getenv(p.env); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				problems = append(problems, p.env+" must be a port number (1-65535)")
				continue
			}
			*p.into = n
		}
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		problems = append(problems, "set both SENTINEL_ADMIN_EMAIL and SENTINEL_ADMIN_PASSWORD, or neither")
	}
	if len(problems) > 0 {
		return Config{}, errors.New(strings.Join(problems, "; "))
	}
	if c.DynamoDBDir, err = ddblocal.FindDir(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// findRoot is the first directory above the working directory whose go.mod
// is the sentinel module (infra/ has a go.mod of its own).
func findRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.HasPrefix(string(data), "module sentinel\n") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("run from inside the sentinel repository (no sentinel go.mod above %s)", wd)
		}
	}
}

// Paths under the state directory.
func (c Config) dataDir() string { return filepath.Join(c.StateDir, "data", "dynamodb") }

// SigningKeyDir holds the dev signing keys: each ring's private keys
// (user.pem, admin.pem) and the public bundle (public.json).
func (c Config) SigningKeyDir() string { return filepath.Join(c.StateDir, "signing-keys") }

// legacyKeyFile is where the dev signing key was kept before the user and
// admin rings were split: it becomes the user ring.
func (c Config) legacyKeyFile() string { return filepath.Join(c.StateDir, "signing-keys.pem") }
func (c Config) distDir() string       { return filepath.Join(c.Root, "admin-web", "dist") }

// APIURL is the local API's address, also the local tokens' issuer.
func (c Config) APIURL() string { return fmt.Sprintf("http://localhost:%d", c.APIPort) }

// Stack is a running local stack.
type Stack struct {
	cfg      Config
	ddb      *ddblocal.Process
	api      *http.Server
	admin    *http.Server
	idp      *http.Server
	pprof    *http.Server // nil without Config.PprofPort
	errc     chan error
	log      *slog.Logger
	APIURL   string // http://localhost:<api port>
	AdminURL string // http://localhost:<admin port>
	IdPURL   string // http://localhost:<dev IdP port>, the dev IdP's issuer
	// Endpoint is DynamoDB Local's.
	Endpoint string
	// Admin is what the first-admin step did, for the banner.
	Admin AdminResult
	// NewKeys are the rings whose first dev key this start created.
	NewKeys []token.RingName
}

// portError names the variable that moves a busy port.
func portError(what string, port int, env string, err error) error {
	return fmt.Errorf("%s port %d is not available (%v): set %s to a free port", what, port, err, env)
}

// Start brings the stack up. On error everything already started is
// stopped again.
func Start(ctx context.Context, cfg Config) (_ *Stack, err error) {
	s := &Stack{cfg: cfg, errc: make(chan error, 4), log: cfg.Log}
	if s.log == nil {
		s.log = slog.Default()
	}
	defer func() {
		if err != nil {
			s.Stop(context.Background())
		}
	}()
	if err := checkDistinct(cfg); err != nil {
		return nil, err
	}
	// Claim the HTTP ports first: a busy port fails fast, before Java starts.
	apiLn, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", cfg.APIPort))
	if err != nil {
		return nil, portError("API", cfg.APIPort, "SENTINEL_API_PORT", err)
	}
	adminLn, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", cfg.AdminPort))
	if err != nil {
		apiLn.Close()
		return nil, portError("admin site", cfg.AdminPort, "SENTINEL_ADMIN_PORT", err)
	}
	idpLn, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", cfg.IdPPort))
	if err != nil {
		apiLn.Close()
		adminLn.Close()
		return nil, portError("dev IdP", cfg.IdPPort, "SENTINEL_DEV_IDP_PORT", err)
	}
	closeLns := func() { apiLn.Close(); adminLn.Close(); idpLn.Close() }
	// DynamoDB Local listens on loopback too (see internal/ddblocal); probe it so
	// a busy port fails before Java starts.
	probe, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", cfg.DynamoDBPort))
	if err != nil {
		closeLns()
		return nil, portError("DynamoDB Local", cfg.DynamoDBPort, "SENTINEL_DYNAMODB_PORT", err)
	}
	probe.Close()

	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		closeLns()
		return nil, err
	}
	s.ddb, err = ddblocal.Start(ctx, cfg.DynamoDBDir, cfg.DynamoDBPort, cfg.dataDir())
	if err != nil {
		closeLns()
		return nil, fmt.Errorf("%w (if the port is the problem, set SENTINEL_DYNAMODB_PORT)", err)
	}
	s.Endpoint = s.ddb.Endpoint
	names := dynamo.LocalNames(TablePrefix)
	if err := tableadmin.CreateTables(ctx, tableadmin.LocalClient(s.Endpoint), names); err != nil {
		closeLns()
		return nil, err
	}

	s.APIURL = cfg.APIURL()
	s.AdminURL = fmt.Sprintf("http://localhost:%d", cfg.AdminPort)
	s.IdPURL = cfg.IdPURL()
	issuer, err := devidp.Load(cfg.StateDir, s.IdPURL)
	if err != nil {
		closeLns()
		return nil, err
	}
	providers, err := withDevIdP(cfg.OIDCProviders, issuer)
	if err != nil {
		closeLns()
		return nil, err
	}
	functionsEndpoint := s.Endpoint
	if cfg.DynamoDBProxy != "" {
		functionsEndpoint = cfg.DynamoDBProxy
	}
	setEnv(functionsEndpoint, names, s.APIURL, cfg.SigningKeyDir(), providers)
	// The functions read these settings at their cold start; a mistake in
	// them fails the start here, with the same message.
	if _, err := config.FromEnv(token.SignUser | token.SignAdmin | token.VerifyUser | token.VerifyAdmin); err != nil {
		closeLns()
		return nil, err
	}
	if s.NewKeys, err = ensureKeys(ctx, cfg); err != nil {
		closeLns()
		return nil, fmt.Errorf("dev signing keys %s: %w", cfg.SigningKeyDir(), err)
	}

	gw := gateway.NewLocal(all.Routes)
	gw.Log = s.log
	s.api = newServer(gw)
	apiURL, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", cfg.APIPort))
	s.admin = newServer(AdminSite(cfg.distDir(), apiURL, s.log))
	s.idp = newServer(issuer.Handler())
	go s.serve(s.api, apiLn, "API")
	go s.serve(s.admin, adminLn, "admin site")
	go s.serve(s.idp, idpLn, "dev IdP")
	if cfg.PprofPort != 0 {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", cfg.PprofPort))
		if err != nil {
			return nil, portError("pprof", cfg.PprofPort, EnvPprofPort, err)
		}
		s.pprof = newServer(profiles())
		go s.serve(s.pprof, ln, "pprof")
	}

	build := cfg.Admins
	if build == nil {
		build = appAdmins
	}
	admins, err := build(ctx)
	if err != nil {
		return nil, fmt.Errorf("admin service: %w", err)
	}
	if s.Admin, err = ensureAdmin(ctx, admins, cfg.AdminEmail, cfg.AdminPassword); err != nil {
		return nil, err
	}
	return s, nil
}

// profiles serves Go's runtime profiles (net/http/pprof's handlers).
func profiles() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	return mux
}

// checkDistinct refuses one port for two services.
func checkDistinct(cfg Config) error {
	ports := []int{cfg.APIPort, cfg.AdminPort, cfg.DynamoDBPort, cfg.IdPPort}
	for i := range ports {
		if slices.Contains(ports[i+1:], ports[i]) {
			return fmt.Errorf("SENTINEL_API_PORT (%d), SENTINEL_ADMIN_PORT (%d), SENTINEL_DYNAMODB_PORT (%d) and SENTINEL_DEV_IDP_PORT (%d) must differ",
				cfg.APIPort, cfg.AdminPort, cfg.DynamoDBPort, cfg.IdPPort)
		}
	}
	return nil
}

// setEnv is the environment the CDK stack gives functions, pointed at the
// local tables, issuer, key file and OIDC providers (the dev IdP's
// included). SENTINEL_PASSWORD_COST is removed so admin passwords get the
// production bcrypt cost here too.
func setEnv(endpoint string, names dynamo.Names, issuer, keyDir, providers string) {
	os.Setenv("SENTINEL_STAGE", "local")
	os.Setenv(dynamo.EndpointEnv, endpoint)
	for _, t := range dynamo.All {
		os.Setenv(t.EnvVar(), names.Name(t))
	}
	os.Setenv("SENTINEL_ISSUER", issuer)
	os.Setenv(config.EnvSigningKeyDir, keyDir)
	for _, src := range token.Sources {
		os.Unsetenv(src.SecretEnv())
	}
	os.Unsetenv("SENTINEL_PASSWORD_COST")
	os.Setenv(config.EnvOIDCProviders, providers)
}

// ensureKeys gives each ring without a dev key its first one, and keeps the
// public bundle in step with them (a key file from before the rings were
// split becomes the user ring).
func ensureKeys(ctx context.Context, cfg Config) ([]token.RingName, error) {
	ks := token.LocalKeystore(cfg.SigningKeyDir())
	user := string(ks[token.UserKeys].(token.File))
	if _, err := os.Stat(user); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(cfg.legacyKeyFile()); err == nil {
			if err := os.MkdirAll(cfg.SigningKeyDir(), 0o700); err != nil {
				return nil, err
			}
			if err := os.Rename(cfg.legacyKeyFile(), user); err != nil {
				return nil, err
			}
		}
	}
	return ks.Ensure(ctx, time.Now())
}

func newServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
}

func (s *Stack) serve(srv *http.Server, ln net.Listener, what string) {
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.errc <- fmt.Errorf("%s server: %w", what, err)
	}
}

// Err reports a server that stopped on its own.
func (s *Stack) Err() <-chan error { return s.errc }

// Stop shuts both HTTP servers down gracefully (in-flight requests finish,
// within ctx) and then stops DynamoDB Local.
func (s *Stack) Stop(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, srv := range []*http.Server{s.api, s.admin, s.idp, s.pprof} {
		if srv == nil {
			continue
		}
		if err := srv.Shutdown(ctx); err != nil {
			s.log.Warn("http shutdown", "err", err)
			srv.Close()
		}
	}
	s.ddb.Stop()
}

// Run starts the stack, prints the banner and serves until ctx is done
// (Ctrl-C), then stops everything it started.
func Run(ctx context.Context, cfg Config) error {
	out := cfg.Out
	if out == nil {
		out = os.Stdout
	}
	fmt.Fprintln(out, "Starting the Sentinel local stack...")
	gateway.TuneGC() // the functions' GC settings, as in Lambda
	s, err := Start(ctx, cfg)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(out, "Interrupted while starting; whatever had started is stopped.")
			return nil
		}
		return err
	}
	s.Banner(out)
	select {
	case <-ctx.Done():
		err = nil
	case err = <-s.Err():
	}
	fmt.Fprintln(out, "\nStopping: HTTP servers, then DynamoDB Local...")
	s.Stop(context.Background())
	fmt.Fprintln(out, "Stopped. Data kept in "+cfg.dataDir())
	return err
}

// Banner prints where everything is and, on the first start, the admin
// password (the only time it is ever shown).
func (s *Stack) Banner(w io.Writer) {
	cfg := s.cfg
	b := &strings.Builder{}
	line := func(k, v string) { fmt.Fprintf(b, "  %-13s %s\n", k, v) }
	fmt.Fprintf(b, "\nSentinel local stack is up.\n\n")
	line("API", s.APIURL+"    (try: curl "+s.APIURL+"/health)")
	line("Admin site", s.AdminURL+"    (/admin/* is proxied to the API)")
	line("DynamoDB", s.Endpoint+"    (DynamoDB Local, tables "+TablePrefix+"*)")
	line("Dev IdP", s.IdPURL+"    (OIDC provider \""+devidp.ProviderName+"\"; ID tokens: go run ./cmd/sentinel dev-idp-token --email you@example.com)")
	b.WriteString("\n")
	line("Admin", s.Admin.Email)
	switch {
	case s.Admin.Password != "":
		line("Password", s.Admin.Password)
		b.WriteString("                This password is shown once, now: only its hash is stored.\n" +
			"                To set another: SENTINEL_ADMIN_EMAIL=" + s.Admin.Email + " SENTINEL_ADMIN_PASSWORD=... make dev\n")
	case s.Admin.FromEnv:
		verb := "password reset from SENTINEL_ADMIN_PASSWORD"
		if s.Admin.Created {
			verb = "created with SENTINEL_ADMIN_PASSWORD"
		}
		line("Password", "("+verb+")")
	default:
		line("Password", "(printed on the first start; to reset it: SENTINEL_ADMIN_EMAIL="+s.Admin.Email+
			" SENTINEL_ADMIN_PASSWORD=... make dev)")
	}
	b.WriteString("\n")
	line("Data", cfg.dataDir()+"  (kept across restarts)")
	key := cfg.SigningKeyDir()
	if len(s.NewKeys) > 0 {
		key += fmt.Sprintf("  (new dev keys: %v)", s.NewKeys)
	}
	line("Signing key", key)
	line("Reset", "make dev-reset  (wipes the data, the signing key and the dev IdP key; keeps .local/cache)")
	line("Stop", "Ctrl-C")
	b.WriteString("\n")
	_, _ = io.WriteString(w, b.String())
}
