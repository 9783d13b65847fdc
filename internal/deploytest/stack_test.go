//go:build deployed

package deploytest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sentinel/internal/config"
)

// The running stack of the synthesized template and the dev IdP it
// trusts, started once by TestMain; `make deployed-test` sets the
// variables.
var (
	stack  *Stack
	idp    *IdP
	cdkOut string
)

func options() Options {
	o := Options{
		CDKOut:   cdkOut,
		RIE:      os.Getenv("SENTINEL_RIE"),
		CLI:      os.Getenv("SENTINEL_CLI"),
		DynamoDB: os.Getenv("SENTINEL_DYNAMODB_ENDPOINT"),
	}
	if idp != nil {
		o.TrustStore = idp.TrustStore
	}
	return o
}

// deploymentSettings are the stack's settings at synth time besides its
// identity providers: the authz tests of the suite each resolve more
// than the default 10 times a minute from their one address (the limit
// has its own test, in process).
var deploymentSettings = map[string]string{config.EnvAuthzRateLimit: "1000"}

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	app, assets := os.Getenv("SENTINEL_SYNTH"), os.Getenv("SENTINEL_ASSETS")
	if app == "" || assets == "" || os.Getenv("SENTINEL_RIE") == "" || os.Getenv("SENTINEL_CLI") == "" || os.Getenv("SENTINEL_DYNAMODB_ENDPOINT") == "" {
		fmt.Fprintln(os.Stderr, "run through `make deployed-test` (it builds the bootstraps and the CDK app and sets SENTINEL_SYNTH, SENTINEL_ASSETS, SENTINEL_RIE, SENTINEL_CLI, SENTINEL_DYNAMODB_ENDPOINT)")
		return 2
	}
	dir, err := os.MkdirTemp("", "deploytest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	// The dev IdP first: its address is a setting of the synthesis.
	if idp, err = StartIdP(dir); err != nil {
		fmt.Fprintln(os.Stderr, "dev IdP:", err)
		return 1
	}
	defer idp.Stop()
	settings := idp.Settings()
	maps.Copy(settings, deploymentSettings)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cdkOut = filepath.Join(dir, "cdk.out")
	if err := Synthesize(ctx, app, cdkOut, assets, settings); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	synthesized := time.Since(start)
	s, err := Start(ctx, options())
	if err != nil {
		fmt.Fprintln(os.Stderr, "deployed stack:", err)
		return 1
	}
	defer s.Stop()
	fmt.Printf("deployed stack synthesized in %v, up in %v: %d functions, %d routes at %s\n", synthesized.Round(time.Millisecond),
		(time.Since(start) - synthesized).Round(time.Millisecond), len(s.Functions), len(s.Gateway.routes), s.URL)
	stack = s
	return m.Run()
}

// TestColdStarts reports each function's cold start under the emulator
// (the README's table, kept in $SENTINEL_COLD_STARTS) and checks that
// every one was measured.
func TestColdStarts(t *testing.T) {
	var ids []string
	for id := range stack.Functions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var report strings.Builder
	fmt.Fprintln(&report, "| function | init duration | bootstrap size |\n|---|---|---|")
	for _, id := range ids {
		f := stack.Functions[id]
		info, err := os.Stat(filepath.Join(f.Code, f.Handler))
		if err != nil {
			t.Fatal(err)
		}
		if f.InitDuration() <= 0 {
			t.Errorf("%s: no init duration", f.Label())
		}
		fmt.Fprintf(&report, "| %s | %.0f ms | %.1f MB |\n", strings.TrimPrefix(f.Description, "Sentinel "),
			float64(f.InitDuration().Microseconds())/1000, float64(info.Size())/(1<<20))
	}
	t.Log("cold starts:\n" + report.String())
	// `make deployed-test` keeps the table, for the README.
	if path := os.Getenv("SENTINEL_COLD_STARTS"); path != "" {
		if err := os.WriteFile(path, []byte(report.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// The probe of the mutation tests: a well-formed service key that no app
// holds. On the stack as synthesized the key tier looks it up (a Query of
// the key-hash index) and answers 401.
const probeRoute = "GET /service/whoami"

func probe(t *testing.T, s *Stack) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+"/service/whoami", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Service-Key", "sk_live_"+strings.Repeat("A", 43))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// routeFunction is the logical id of the function a route key's
// integration invokes, read from the template.
func routeFunction(t *testing.T, tmpl *Template, key string) (routeID, functionID string) {
	t.Helper()
	for _, id := range tmpl.OfType("AWS::ApiGatewayV2::Route") {
		r := tmpl.Resources[id]
		if r.Properties["RouteKey"] != key {
			continue
		}
		parts, _ := dig(r.Properties, "Target", "Fn::Join").([]any)
		elems, _ := parts[1].([]any)
		integ, _ := elems[1].(map[string]any)["Ref"].(string)
		att, _ := dig(tmpl.Resources[integ].Properties, "IntegrationUri", "Fn::GetAtt").([]any)
		return id, att[0].(string)
	}
	t.Fatalf("no route %q in the template", key)
	return "", ""
}

// keepRoutes removes every route but keys, and the functions only the
// removed routes invoked, so that a test starts a small stack.
func keepRoutes(t *testing.T, tmpl *Template, keys ...string) {
	t.Helper()
	keep := map[string]bool{}
	for _, k := range keys {
		_, fn := routeFunction(t, tmpl, k)
		keep[fn] = true
	}
	for _, id := range tmpl.OfType("AWS::ApiGatewayV2::Route") {
		if !slices.Contains(keys, tmpl.Resources[id].Properties["RouteKey"].(string)) {
			delete(tmpl.Resources, id)
		}
	}
	for _, id := range tmpl.OfType("AWS::Lambda::Function") {
		if !keep[id] {
			delete(tmpl.Resources, id)
		}
	}
	for _, typ := range []string{"AWS::ApiGatewayV2::Integration", "AWS::Lambda::Permission"} {
		for _, id := range tmpl.OfType(typ) {
			p := tmpl.Resources[id].Properties
			att, _ := dig(p, "IntegrationUri", "Fn::GetAtt").([]any)
			if att == nil {
				att, _ = dig(p, "FunctionName", "Fn::GetAtt").([]any)
			}
			if len(att) > 0 && !keep[att[0].(string)] {
				delete(tmpl.Resources, id)
			}
		}
	}
}

// startBroken starts the probe route's part of the stack with edit
// applied to the template.
func startBroken(t *testing.T, edit func(*Template)) (*Stack, error) {
	t.Helper()
	o := options()
	o.Edit = func(tmpl *Template) {
		keepRoutes(t, tmpl, probeRoute)
		edit(tmpl)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s, err := Start(ctx, o)
	if err == nil {
		t.Cleanup(s.Stop)
	}
	return s, err
}

func TestProbeOnTheStackAsSynthesized(t *testing.T) {
	// The control of the tests below: the intact stack answers the probe
	// through the key tier.
	status, body := probe(t, stack)
	if status != 401 || !strings.Contains(body, `"detail"`) {
		t.Fatalf("probe = %d %s, want the key tier's 401", status, body)
	}
}

func TestWrongEnvironmentVariableNameFails(t *testing.T) {
	// GIVEN the probe route's function with one table variable misnamed
	var fn, renamed string
	s, err := startBroken(t, func(tmpl *Template) {
		_, fn = routeFunction(t, tmpl, probeRoute)
		vars := dig(tmpl.Resources[fn].Properties, "Environment", "Variables").(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			if strings.HasPrefix(k, "SENTINEL_TABLE_") {
				renamed = k
				vars[k+"S"] = vars[k]
				delete(vars, k)
				break
			}
		}
	})
	// THEN the stack does not come up, and the error names the function
	// and the variable its cold start missed
	if err == nil {
		status, body := probe(t, s)
		t.Fatalf("stack with %s renamed came up; probe = %d %s", renamed, status, body)
	}
	if renamed == "" || !strings.Contains(err.Error(), fn) || !strings.Contains(err.Error(), renamed) {
		t.Errorf("error %q, want it to name %s and %s", firstLines(err.Error(), 5), fn, renamed)
	}
}

func TestWrongRouteKeyFails(t *testing.T) {
	// GIVEN the probe route with a misspelt path
	s, err := startBroken(t, func(tmpl *Template) {
		id, _ := routeFunction(t, tmpl, probeRoute)
		tmpl.Resources[id].Properties["RouteKey"] = probeRoute + "s"
	})
	if err != nil {
		t.Fatal(err)
	}
	// THEN the probe reaches no function: API Gateway's own 404
	status, body := probe(t, s)
	if status != 404 || !strings.Contains(body, `"message":"Not Found"`) {
		t.Errorf("probe = %d %s, want API Gateway's 404", status, body)
	}
}

func TestWrongTableDefinitionFails(t *testing.T) {
	// GIVEN the tables the probe's function reads with their indexes
	// named differently
	var table string
	s, err := startBroken(t, func(tmpl *Template) {
		_, fn := routeFunction(t, tmpl, probeRoute)
		env := fmt.Sprint(tmpl.Resources[fn].Properties["Environment"])
		for _, id := range tmpl.OfType("AWS::DynamoDB::Table") {
			gsis, _ := tmpl.Resources[id].Properties["GlobalSecondaryIndexes"].([]any)
			if len(gsis) > 0 && strings.Contains(env, id) {
				table = id
				for _, g := range gsis {
					g.(map[string]any)["IndexName"] = g.(map[string]any)["IndexName"].(string) + "-v2"
				}
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// THEN the probe fails inside the function, and the gateway's record
	// names it
	mark := s.Gateway.Mark()
	status, body := probe(t, s)
	trail := s.Gateway.Trail(mark)
	if table == "" || status != 500 || len(trail) != 1 || trail[0].Function == nil {
		t.Fatalf("table %q; probe = %d %s; trail %v: want a 500 from the function", table, status, body, trail)
	}
	t.Logf("%s: %s", table, firstLines(trail[0].String(), 3))
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// TestAPISuite runs the API's HTTP-level test suite (every package whose
// tests use internal/apitest) against the stack: apitest sends each
// request through the template's gateway to the functions under the
// emulator, and empties the tables before each test through the control
// server here. A failing test lists the requests it made and the function
// each reached.
func TestAPISuite(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}`, "sentinel/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 1 && slices.Contains(fields[1:], "sentinel/internal/apitest") {
			pkgs = append(pkgs, fields[0])
		}
	}
	if len(pkgs) == 0 {
		t.Fatal("no package's tests use internal/apitest")
	}

	ctl := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /reset":
			if err := stack.ResetTables(r.Context()); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
		case "GET /mark":
			fmt.Fprint(w, stack.Gateway.Mark())
		case "GET /trail":
			since, _ := strconv.Atoi(r.URL.Query().Get("since"))
			for _, inv := range stack.Gateway.Trail(since) {
				fmt.Fprintln(w, inv)
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer ctl.Close()
	env, err := stack.ClientEnv()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "stack.json")
	data, _ := json.Marshal(map[string]any{"url": stack.URL, "control": ctl.URL, "env": env,
		"idp": map[string]string{"url": idp.URL, "dir": idp.Dir}})
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// One package at a time: the tests share the stack's tables.
	cmd := exec.Command("go", append([]string{"test", "-count=1", "-p", "1"}, pkgs...)...)
	cmd.Env = append(os.Environ(), "SENTINEL_APITEST_STACK="+file)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the API suite against the deployed stack (%s): %v", strings.Join(pkgs, " "), err)
	}
}
