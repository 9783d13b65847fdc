//go:build deployed

package deploytest

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The running stack of the synthesized template, started once by
// TestMain; `make deployed-test` sets the variables.
var stack *Stack

func options() Options {
	return Options{
		CDKOut:   os.Getenv("SENTINEL_DEPLOYED_CDK_OUT"),
		RIE:      os.Getenv("SENTINEL_RIE"),
		CLI:      os.Getenv("SENTINEL_CLI"),
		DynamoDB: os.Getenv("SENTINEL_DYNAMODB_ENDPOINT"),
	}
}

func TestMain(m *testing.M) {
	o := options()
	if o.CDKOut == "" || o.RIE == "" || o.CLI == "" || o.DynamoDB == "" {
		fmt.Fprintln(os.Stderr, "run through `make deployed-test` (it synthesizes the stack and sets SENTINEL_DEPLOYED_CDK_OUT, SENTINEL_RIE, SENTINEL_CLI, SENTINEL_DYNAMODB_ENDPOINT)")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	start := time.Now()
	s, err := Start(ctx, o)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "deployed stack:", err)
		os.Exit(1)
	}
	fmt.Printf("deployed stack up in %v: %d functions, %d routes at %s\n", time.Since(start).Round(time.Millisecond), len(s.Functions), len(s.Gateway.routes), s.URL)
	stack = s
	code := m.Run()
	s.Stop()
	os.Exit(code)
}

func TestColdStarts(t *testing.T) {
	var ids []string
	for id := range stack.Functions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		f := stack.Functions[id]
		t.Logf("%-50s %8.1f ms", f.Label(), float64(f.InitDuration().Microseconds())/1000)
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
