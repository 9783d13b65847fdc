package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"sentinel/internal/authtier"
	"sentinel/internal/budget"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/routes/all"
	"sentinel/internal/token"
)

// TestMain closes the jsii runtime (the node child process) once all
// tests have run.
func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

func TestTablesFollowTheDefinitions(t *testing.T) {
	// GIVEN the route table's functions
	// WHEN the stack is synthesized
	tmpl := realTemplate(t)

	// THEN there is exactly one table per definition, each shaped by it
	countIs(t, tmpl, "AWS::DynamoDB::Table", len(dynamo.All))
	for _, def := range dynamo.All {
		t.Run(def.ID, func(t *testing.T) {
			res := tmpl.resource(t, tmpl.tableID(t, def))
			if res.Type != "AWS::DynamoDB::Table" {
				t.Fatalf("type = %s, want AWS::DynamoDB::Table", res.Type)
			}
			p := res.Properties
			check(t, "KeySchema", p["KeySchema"], keySchema(def.PartitionKey, def.SortKey))
			var gsis []any
			for _, g := range def.GSIs {
				gsis = append(gsis, map[string]any{
					"IndexName":  g.Name,
					"KeySchema":  keySchema(g.PartitionKey, g.SortKey),
					"Projection": map[string]any{"ProjectionType": "ALL"},
				})
			}
			check(t, "GlobalSecondaryIndexes", p["GlobalSecondaryIndexes"], nilIfEmpty(gsis))
			var ttl any
			if def.TTLAttribute != "" {
				ttl = map[string]any{"AttributeName": def.TTLAttribute, "Enabled": true}
			}
			check(t, "TimeToLiveSpecification", p["TimeToLiveSpecification"], ttl)
			check(t, "BillingMode", p["BillingMode"], "PAY_PER_REQUEST")
			check(t, "PointInTimeRecoverySpecification", p["PointInTimeRecoverySpecification"], map[string]any{"PointInTimeRecoveryEnabled": true})
			check(t, "DeletionProtectionEnabled", p["DeletionProtectionEnabled"], true)
			check(t, "DeletionPolicy", res.DeletionPolicy, "Retain")
			check(t, "UpdateReplacePolicy", res.UpdateReplacePolicy, "Retain")
		})
	}
}

func TestFunctionsRunTheBuiltBootstraps(t *testing.T) {
	// GIVEN the route table's functions
	fns := all.Functions()
	// WHEN the stack is synthesized
	tmpl := realTemplate(t)

	// THEN each is an arm64 provided.al2023 function with its own log group
	// and the memory the route table gives it
	countIs(t, tmpl, "AWS::Lambda::Function", len(fns))
	for _, fn := range fns {
		t.Run(fn.Name, func(t *testing.T) {
			p := tmpl.resource(t, tmpl.functionID(t, fn.Name)).Properties
			check(t, "Runtime", p["Runtime"], "provided.al2023")
			check(t, "Architectures", p["Architectures"], []any{"arm64"})
			check(t, "Handler", p["Handler"], "bootstrap")
			check(t, "MemorySize", p["MemorySize"], float64(fn.MemoryMB))
			check(t, "Timeout", p["Timeout"], float64(timeoutSeconds))
			check(t, "LoggingConfig.LogFormat", dig(p, "LoggingConfig", "LogFormat"), "JSON")
			check(t, "LoggingConfig.SystemLogLevel", dig(p, "LoggingConfig", "SystemLogLevel"), "WARN")
			logs, _, ok := refersTo(dig(p, "LoggingConfig", "LogGroup"))
			if !ok {
				t.Fatalf("LoggingConfig.LogGroup = %v, want a reference to the function's log group", dig(p, "LoggingConfig", "LogGroup"))
			}
			lg := tmpl.resource(t, logs)
			if lg.Type != "AWS::Logs::LogGroup" || lg.Properties["RetentionInDays"] == nil {
				t.Errorf("log group %s = %s with retention %v, want AWS::Logs::LogGroup with a retention", logs, lg.Type, lg.Properties["RetentionInDays"])
			}
		})
	}
}

func TestFunctionEnvironmentNamesTheirTables(t *testing.T) {
	for name, c := range stackCases() {
		t.Run(name, func(t *testing.T) {
			// GIVEN a function list
			// WHEN the stack is synthesized
			tmpl := c.template(t)

			// THEN each function's environment names exactly its tables,
			// the stage and issuer, and the key secrets its key use may read
			for _, fn := range c.fns {
				env, _ := dig(tmpl.resource(t, tmpl.functionID(t, fn.Name)).Properties, "Environment", "Variables").(map[string]any)
				want := map[string]bool{"SENTINEL_STAGE": true, "SENTINEL_ISSUER": true}
				for _, a := range fn.Access {
					want[a.Table.EnvVar()] = true
					// Ref of a table is its name; GetAtt Arn would not do.
					check(t, fn.Name+" "+a.Table.EnvVar(), env[a.Table.EnvVar()], map[string]any{"Ref": tmpl.tableID(t, a.Table)})
				}
				for _, src := range fn.Keys.Sources() {
					want[src.SecretEnv()] = true
					check(t, fn.Name+" "+src.SecretEnv(), env[src.SecretEnv()], map[string]any{"Ref": tmpl.secretID(t, src)})
				}
				check(t, fn.Name+" environment", sortedKeys(env), sortedKeys(want))
				check(t, fn.Name+" SENTINEL_STAGE", env["SENTINEL_STAGE"], testStage)
				if id, _, _ := refersTo(env["SENTINEL_ISSUER"]); tmpl.Resources[id].Type != "AWS::ApiGatewayV2::Api" {
					t.Errorf("%s: SENTINEL_ISSUER = %v, want the HTTP API's endpoint", fn.Name, env["SENTINEL_ISSUER"])
				}
			}
		})
	}
}

func TestIAMIsLeastPrivilege(t *testing.T) {
	for name, c := range stackCases() {
		t.Run(name, func(t *testing.T) {
			// GIVEN a function list
			// WHEN the stack is synthesized
			tmpl := c.template(t)

			// THEN the only roles are the functions' roles, with inline
			// statements only, and no managed policies
			countIs(t, tmpl, "AWS::IAM::Role", len(c.fns))
			countIs(t, tmpl, "AWS::IAM::Policy", 0)
			countIs(t, tmpl, "AWS::IAM::ManagedPolicy", 0)
			for id, res := range tmpl.resourcesOfType("AWS::IAM::Role") {
				if res.Properties["ManagedPolicyArns"] != nil {
					t.Errorf("role %s has managed policies %v", id, res.Properties["ManagedPolicyArns"])
				}
				// AND every statement allows named actions of DynamoDB,
				// Secrets Manager or CloudWatch Logs on resources of this
				// stack: no "*", no literal ARN patterns
				for _, s := range roleStatements(t, res) {
					if s.Effect != "Allow" {
						t.Errorf("role %s: effect %s, want Allow", id, s.Effect)
					}
					for _, a := range s.Actions {
						service, action, _ := strings.Cut(a, ":")
						if !slices.Contains([]string{"dynamodb", "secretsmanager", "logs"}, service) || action == "" || strings.Contains(action, "*") {
							t.Errorf("role %s: action %q, want a named dynamodb, secretsmanager or logs action", id, a)
						}
					}
					for _, r := range s.Resources {
						ref, suffix, ok := refersTo(r)
						if !ok || (suffix != "" && !strings.HasPrefix(suffix, "/index/")) || strings.Contains(suffix, "*") {
							t.Errorf("role %s: resource %v, want a resource of this stack (or one of its indexes, by name)", id, r)
							continue
						}
						tmpl.resource(t, ref)
					}
				}
			}
			// AND nothing anywhere grants Scan or all of DynamoDB
			raw := tmpl.json(t)
			for _, banned := range []string{`"dynamodb:Scan"`, `"dynamodb:*"`, `"*"`} {
				if strings.Contains(raw, banned) {
					t.Errorf("template contains %s", banned)
				}
			}
		})
	}
}

func TestFunctionPoliciesGrantExactlyTheDeclaredAccess(t *testing.T) {
	for name, c := range stackCases() {
		t.Run(name, func(t *testing.T) {
			// GIVEN a function list
			// WHEN the stack is synthesized
			tmpl := c.template(t)

			// THEN each function's role allows exactly the actions its
			// routes declare, per table (and the table's indexes)
			for _, fn := range c.fns {
				got := tmpl.grants(t, fn.Name)
				want := map[string][]string{tmpl.logGroupOf(t, fn.Name): {"logs:CreateLogStream", "logs:PutLogEvents"}}
				for _, a := range fn.Access {
					id := tmpl.tableID(t, a.Table)
					want[id] = slices.Sorted(slices.Values(a.Actions))
					for _, g := range a.Table.GSIs {
						want[id+"/index/"+g.Name] = want[id]
					}
				}
				for _, src := range fn.Keys.Sources() {
					want[tmpl.secretID(t, src)] = []string{"secretsmanager:GetSecretValue"}
				}
				check(t, fn.Name+" grants", got, want)
			}
		})
	}
}

func TestReadOnlyFunctionsCannotWrite(t *testing.T) {
	for name, c := range stackCases() {
		t.Run(name, func(t *testing.T) {
			// GIVEN the functions whose declared access has no write action
			var readers []routes.Function
			for _, fn := range c.fns {
				if !slices.ContainsFunc(fn.Access, func(a routes.Access) bool { return slices.ContainsFunc(a.Actions, isWrite) }) {
					readers = append(readers, fn)
				}
			}
			if len(readers) == 0 {
				t.Skip("no read-only function in this list")
			}
			// WHEN the stack is synthesized
			tmpl := c.template(t)

			// THEN their roles allow no DynamoDB write
			for _, fn := range readers {
				for resource, actions := range tmpl.grants(t, fn.Name) {
					if i := slices.IndexFunc(actions, isWrite); i >= 0 {
						t.Errorf("read-only %s may %s on %s", fn.Name, actions[i], resource)
					}
				}
			}
		})
	}
}

func TestEachKeySecretIsReadOnlyWhereNeeded(t *testing.T) {
	for name, c := range stackCases() {
		t.Run(name, func(t *testing.T) {
			// GIVEN a function list
			// WHEN the stack is synthesized
			tmpl := c.template(t)

			// THEN there are three secrets — the user ring's, the admin
			// ring's, the public bundle — each holding no value from the
			// template and retained
			countIs(t, tmpl, "AWS::SecretsManager::Secret", len(token.Sources))
			readers := map[token.Source][]string{}
			for _, src := range token.Sources {
				secret := tmpl.resource(t, tmpl.secretID(t, src))
				check(t, string(src)+" secret type", secret.Type, "AWS::SecretsManager::Secret")
				for _, k := range []string{"SecretString", "GenerateSecretString"} {
					if secret.Properties[k] != nil {
						t.Errorf("%s secret has %s: key material must come from `sentinel signing-key rotate` only", src, k)
					}
				}
				check(t, string(src)+" secret DeletionPolicy", secret.DeletionPolicy, "Retain")
				for _, fn := range c.fns {
					if _, reads := tmpl.grants(t, fn.Name)[tmpl.secretID(t, src)]; reads {
						readers[src] = append(readers[src], fn.Name)
					}
				}
			}
			// AND only the function of POST /authz/resolve may read the user
			// ring's private keys, only the admin sign-in's the admin ring's;
			// every other function that verifies tokens (the JWKS, the dual
			// tier, the admin tier) reads the public bundle alone
			serving := func(keys ...string) []string {
				var names []string
				for _, fn := range c.fns {
					if slices.ContainsFunc(fn.Routes, func(r routes.Route) bool { return slices.Contains(keys, r.Key()) }) {
						names = append(names, fn.Name)
					}
				}
				return names
			}
			check(t, "readers of the user ring's private keys", readers[token.UserKeys], serving("POST /authz/resolve"))
			check(t, "readers of the admin ring's private keys", readers[token.AdminKeys], serving("POST /admin/auth/login"))
			if len(serving("POST /authz/resolve", "POST /admin/auth/login")) != 2 {
				t.Fatal("resolve and admin sign-in share a function")
			}
			signers := append(serving("POST /authz/resolve"), serving("POST /admin/auth/login")...)
			for _, fn := range c.fns {
				verifies := slices.Contains(serving("GET /.well-known/jwks.json"), fn.Name) ||
					slices.ContainsFunc(fn.Routes, func(r routes.Route) bool { return r.Tier() == authtier.Dual || r.Tier() == authtier.Admin })
				want := verifies && !slices.Contains(signers, fn.Name)
				if got := slices.Contains(readers[token.PublicKeys], fn.Name); got != want {
					t.Errorf("%s reads the public bundle: %v, want %v", fn.Name, got, want)
				}
			}
		})
	}
}

func TestEachRouteReachesItsFunction(t *testing.T) {
	for name, c := range stackCases() {
		t.Run(name, func(t *testing.T) {
			// GIVEN a function list
			// WHEN the stack is synthesized
			tmpl := c.template(t)

			// THEN each route key has exactly one route, whose integration
			// (one per function, payload 2.0) invokes the route's function
			routeIDs := map[string][]string{}
			for id, res := range tmpl.resourcesOfType("AWS::ApiGatewayV2::Route") {
				key, _ := res.Properties["RouteKey"].(string)
				routeIDs[key] = append(routeIDs[key], id)
			}
			total := 0
			for _, fn := range c.fns {
				fnID := tmpl.functionID(t, fn.Name)
				for _, r := range fn.Routes {
					total++
					ids := routeIDs[r.Key()]
					if len(ids) != 1 {
						t.Errorf("%s: %d routes, want 1", r.Key(), len(ids))
						continue
					}
					integration := tmpl.resource(t, integrationOf(t, tmpl.resource(t, ids[0])))
					check(t, r.Key()+" payload format", integration.Properties["PayloadFormatVersion"], "2.0")
					check(t, r.Key()+" integration type", integration.Properties["IntegrationType"], "AWS_PROXY")
					if target, _, _ := refersTo(integration.Properties["IntegrationUri"]); target != fnID {
						t.Errorf("%s invokes %s, want %s (%s)", r.Key(), target, fnID, fn.Name)
					}
				}
			}
			countIs(t, tmpl, "AWS::ApiGatewayV2::Route", total)
			countIs(t, tmpl, "AWS::ApiGatewayV2::Integration", len(c.fns))
		})
	}
}

func TestAPIStageIsThrottledAndLogged(t *testing.T) {
	// GIVEN the route table's functions
	// WHEN the stack is synthesized
	tmpl := realTemplate(t)

	// THEN the one stage is the auto-deployed $default stage, throttled and
	// writing access logs
	countIs(t, tmpl, "AWS::ApiGatewayV2::Stage", 1)
	must(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{
			"StageName":  "$default",
			"AutoDeploy": true,
			"DefaultRouteSettings": map[string]any{
				"ThrottlingBurstLimit": throttleBurst,
				"ThrottlingRateLimit":  throttleRate,
			},
			"AccessLogSettings": map[string]any{"DestinationArn": assertions.Match_AnyValue()},
		})
	})
	// AND the API serves no CORS itself: /authz/resolve answers its own
	// preflight for each app's allowed origins
	must(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Api"), map[string]any{
			"ProtocolType":      "HTTP",
			"CorsConfiguration": assertions.Match_Absent(),
		})
	})
}

func TestStackRefusesBadProps(t *testing.T) {
	dir := assetDir(t, all.Functions())
	for name, c := range map[string]struct {
		props SentinelStackProps
		want  string // in the panic message
	}{
		"local stage":          {SentinelStackProps{Stage: "local", Functions: all.Functions(), AssetDir: dir}, `stage "local"`},
		"no stage":             {SentinelStackProps{Functions: all.Functions(), AssetDir: dir}, `stage ""`},
		"no functions":         {SentinelStackProps{Stage: testStage, AssetDir: dir}, "no functions"},
		"missing bootstrap":    {SentinelStackProps{Stage: testStage, Functions: all.Functions(), AssetDir: t.TempDir()}, "make build"},
		"admin site not built": {SentinelStackProps{Stage: testStage, Functions: all.Functions(), AssetDir: dir, AdminSiteDir: t.TempDir()}, "index.html"},
		"setting nobody reads": {SentinelStackProps{Stage: testStage, Functions: all.Functions(), AssetDir: dir,
			Settings: map[string]string{"SENTINEL_OIDC_GOOGLE_ID": "x"}}, "setting SENTINEL_OIDC_GOOGLE_ID: no function reads it"},
		"bad rate limit": {SentinelStackProps{Stage: testStage, Functions: all.Functions(), AssetDir: dir,
			Settings: map[string]string{config.EnvAuthzRateLimit: "0"}}, "SENTINEL_AUTHZ_RATE_LIMIT must be"},
		"http issuer": {SentinelStackProps{Stage: testStage, Functions: all.Functions(), AssetDir: dir,
			Settings: map[string]string{config.EnvOIDCProviders: `{"dev": {"issuer": "http://localhost:9005", "jwks_uri": "http://localhost:9005/jwks.json", "audience": "sentinel-dev"}}`}},
			"must be an https URL"},
	} {
		t.Run(name, func(t *testing.T) {
			// GIVEN props that cannot make a working deployment
			// WHEN the stack is built
			// THEN it panics with a message that says why
			defer func() {
				got := fmt.Sprint(recover())
				if !strings.Contains(got, c.want) {
					t.Errorf("panic %q, want one mentioning %q", got, c.want)
				}
			}()
			NewSentinelStack(awscdk.NewApp(nil), "Sentinel", &c.props)
		})
	}
}

func TestSettingsReachOnlyTheFunctionsThatReadThem(t *testing.T) {
	// GIVEN authz settings from the CDK context
	settings := map[string]string{config.EnvGoogleClientID: "123.apps.googleusercontent.com", config.EnvAuthzRateLimit: "20"}
	fns := all.Functions()
	// WHEN the stack is synthesized
	app := awscdk.NewApp(nil)
	// cdk-nag's AwsSolutions pack runs on every stack the tests synthesize;
	// nag_test.go reads its findings.
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true), Reports: jsii.Bool(false)}), nil)
	stack := NewSentinelStack(app, "Sentinel", &SentinelStackProps{
		Stage: testStage, Functions: fns, AssetDir: assetDir(t, fns), Settings: settings,
	})
	tmpl := newCFNTemplate(t, assertions.Template_FromStack(stack, nil))

	// THEN the functions whose routes declare them have them in their
	// environment, and no other function does
	readers := 0
	for _, fn := range fns {
		env, _ := dig(tmpl.resource(t, tmpl.functionID(t, fn.Name)).Properties, "Environment", "Variables").(map[string]any)
		for name, want := range settings {
			if slices.Contains(fn.Settings, name) {
				check(t, fn.Name+" "+name, env[name], want)
			} else if env[name] != nil {
				t.Errorf("%s has %s, which none of its routes reads", fn.Name, name)
			}
		}
		if len(fn.Settings) > 0 {
			readers++
		}
	}
	if readers == 0 {
		t.Fatal("no function reads a setting: the test checks nothing")
	}
}

// testStage is the stage the test stacks are built for.
const testStage = "test"

// stackCase is a function list the stack tests run against.
type stackCase struct {
	fns      []routes.Function
	template func(*testing.T) *cfnTemplate
}

// stackCases are the route table's functions and the hypothetical full
// API (budget_test.go), so the security properties are checked on every
// tier and access shape the contract will need, not only on today's routes.
func stackCases() map[string]stackCase {
	return map[string]stackCase{
		"route table": {all.Functions(), realTemplate},
		"full API":    {specFunctions(), fullTemplate},
	}
}

// realTemplate is the stack of all.Functions(), synthesized once.
func realTemplate(t *testing.T) *cfnTemplate {
	return synthOnce(t, "real", all.Functions(), "")
}

// fullTemplate is the stack of every route in api.md, synthesized once.
func fullTemplate(t *testing.T) *cfnTemplate {
	return synthOnce(t, "full", specFunctions(), "")
}

var templates = map[string]*cfnTemplate{}

// synthOnce synthesizes a stack of fns (hosting the admin site from
// adminSiteDir when set) the first time key is asked for.
func synthOnce(t *testing.T, key string, fns []routes.Function, adminSiteDir string) *cfnTemplate {
	t.Helper()
	return synthWith(t, key, fns, adminSiteDir, nil)
}

// synthWith is synthOnce with props changed by change (context flags).
func synthWith(t *testing.T, key string, fns []routes.Function, adminSiteDir string, change func(*SentinelStackProps)) *cfnTemplate {
	t.Helper()
	if tmpl, ok := templates[key]; ok {
		return tmpl
	}
	app := awscdk.NewApp(nil)
	// cdk-nag's AwsSolutions pack runs on every stack the tests synthesize;
	// nag_test.go reads its findings.
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true), Reports: jsii.Bool(false)}), nil)
	props := &SentinelStackProps{
		Stage:        testStage,
		Functions:    fns,
		AssetDir:     assetDir(t, fns),
		AdminSiteDir: adminSiteDir,
	}
	if change != nil {
		change(props)
	}
	stack := NewSentinelStack(app, "Sentinel", props)
	tmpl := newCFNTemplate(t, assertions.Template_FromStack(stack, nil))
	tmpl.stack = stack
	templates[key] = tmpl
	return tmpl
}

// assetDir is a temporary build/functions with an empty bootstrap per
// function: the stack only packages the files.
func assetDir(t *testing.T, fns []routes.Function) string {
	t.Helper()
	dir := t.TempDir()
	for _, fn := range fns {
		if err := os.MkdirAll(filepath.Join(dir, fn.Name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fn.Name, "bootstrap"), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// cfnTemplate is a synthesized template, queryable through the assertions
// package and as decoded JSON.
type cfnTemplate struct {
	assertions.Template
	stack     awscdk.Stack
	Resources map[string]cfnResource
	Outputs   map[string]struct{ Value any }
}

// cfnResource is one resource of a template.
type cfnResource struct {
	Type                string
	Properties          map[string]any
	DeletionPolicy      string
	UpdateReplacePolicy string
}

func newCFNTemplate(t *testing.T, tmpl assertions.Template) *cfnTemplate {
	t.Helper()
	c := &cfnTemplate{Template: tmpl}
	if err := json.Unmarshal([]byte(jsonOf(t, tmpl.ToJSON())), c); err != nil {
		t.Fatalf("decode template: %v", err)
	}
	return c
}

// json is the template as JSON text.
func (c *cfnTemplate) json(t *testing.T) string { return jsonOf(t, c.ToJSON()) }

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return string(b)
}

func (c *cfnTemplate) resource(t *testing.T, id string) cfnResource {
	t.Helper()
	r, ok := c.Resources[id]
	if !ok {
		t.Fatalf("no resource %q in the template", id)
	}
	return r
}

func (c *cfnTemplate) resourcesOfType(typ string) map[string]cfnResource {
	out := map[string]cfnResource{}
	for id, r := range c.Resources {
		if r.Type == typ {
			out[id] = r
		}
	}
	return out
}

// only is the one resource of a type.
func (c *cfnTemplate) only(t *testing.T, typ string) (string, cfnResource) {
	t.Helper()
	all := c.resourcesOfType(typ)
	if len(all) != 1 {
		t.Fatalf("%s resources: %d, want 1", typ, len(all))
	}
	for id, r := range all {
		return id, r
	}
	panic("unreachable")
}

// outputRef is the logical id the named stack output refers to.
func (c *cfnTemplate) outputRef(t *testing.T, name string) string {
	t.Helper()
	id, _, ok := refersTo(c.Outputs[name].Value)
	if !ok {
		t.Fatalf("output %s = %v, want a reference to a resource", name, c.Outputs[name].Value)
	}
	return id
}

// tableID is the logical id of a table, found through its name output.
func (c *cfnTemplate) tableID(t *testing.T, def dynamo.Table) string {
	t.Helper()
	return c.outputRef(t, def.ID+"TableName")
}

// secretID is the logical id of the signing-key secret of src, found
// through the SigningKeySecrets output, "user=<ref>,admin=<ref>,public=<ref>"
// (the value of `sentinel signing-key rotate --secrets`).
func (c *cfnTemplate) secretID(t *testing.T, src token.Source) string {
	t.Helper()
	join, _ := dig(c.Outputs["SigningKeySecrets"].Value, "Fn::Join").([]any)
	if len(join) != 2 || join[0] != "" {
		t.Fatalf("SigningKeySecrets = %v, want a Fn::Join", c.Outputs["SigningKeySecrets"].Value)
	}
	parts, _ := join[1].([]any)
	var ids []string
	for i := 0; i+1 < len(parts); i++ {
		prefix, _ := parts[i].(string)
		if strings.HasSuffix(prefix, string(src)+"=") && (prefix == string(src)+"=" || strings.HasSuffix(prefix, ","+string(src)+"=")) {
			if id, _, ok := refersTo(parts[i+1]); ok {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) != 1 {
		t.Fatalf("SigningKeySecrets = %v: %d references for %s, want one", parts, len(ids), src)
	}
	return ids[0]
}

// functionID is the logical id of the Lambda function tagged with name.
func (c *cfnTemplate) functionID(t *testing.T, name string) string {
	t.Helper()
	var ids []string
	for id, r := range c.resourcesOfType("AWS::Lambda::Function") {
		tags, _ := r.Properties["Tags"].([]any)
		if slices.ContainsFunc(tags, func(tag any) bool {
			return reflect.DeepEqual(tag, map[string]any{"Key": "sentinel:function", "Value": name})
		}) {
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("functions tagged sentinel:function=%s: %v, want one", name, ids)
	}
	return ids[0]
}

// logGroupOf is the logical id of the named function's log group.
func (c *cfnTemplate) logGroupOf(t *testing.T, name string) string {
	t.Helper()
	id, _, _ := refersTo(dig(c.resource(t, c.functionID(t, name)).Properties, "LoggingConfig", "LogGroup"))
	return id
}

// grants maps each resource the named function's role may act on (a
// logical id, plus "/index/<name>" for each of a table's indexes) to the sorted actions
// allowed on it.
func (c *cfnTemplate) grants(t *testing.T, name string) map[string][]string {
	t.Helper()
	roleID, _, ok := refersTo(c.resource(t, c.functionID(t, name)).Properties["Role"])
	if !ok {
		t.Fatalf("%s: role is not a resource of the stack", name)
	}
	out := map[string][]string{}
	for _, s := range roleStatements(t, c.resource(t, roleID)) {
		for _, r := range s.Resources {
			ref, suffix, _ := refersTo(r)
			key := ref + suffix
			out[key] = slices.Sorted(slices.Values(append(out[key], s.Actions...)))
		}
	}
	return out
}

// statement is an IAM policy statement with Action and Resource lists.
type statement struct {
	Effect    string
	Actions   []string
	Resources []any
}

// roleStatements reads the inline policy statements of a role.
func roleStatements(t *testing.T, role cfnResource) []statement {
	t.Helper()
	var out []statement
	policies, _ := role.Properties["Policies"].([]any)
	for _, p := range policies {
		stmts, _ := dig(p, "PolicyDocument", "Statement").([]any)
		for _, s := range stmts {
			m, _ := s.(map[string]any)
			st := statement{Effect: fmt.Sprint(m["Effect"])}
			for _, a := range list(m["Action"]) {
				st.Actions = append(st.Actions, fmt.Sprint(a))
			}
			st.Resources = list(m["Resource"])
			if m["NotAction"] != nil || m["NotResource"] != nil {
				t.Errorf("statement %v uses NotAction/NotResource", m)
			}
			out = append(out, st)
		}
	}
	return out
}

// integrationOf is the logical id of the integration a route targets
// ("integrations/" + Ref).
func integrationOf(t *testing.T, route cfnResource) string {
	t.Helper()
	parts, _ := dig(route.Properties, "Target", "Fn::Join").([]any)
	if len(parts) == 2 {
		if elems, _ := parts[1].([]any); len(elems) == 2 && elems[0] == "integrations/" {
			if id, _, ok := refersTo(elems[1]); ok {
				return id
			}
		}
	}
	t.Fatalf("route target %v, want integrations/<Ref>", route.Properties["Target"])
	return ""
}

// refersTo resolves a reference to a resource of the template: {"Ref": id},
// {"Fn::GetAtt": [id, attr]}, or either joined with a literal suffix.
func refersTo(v any) (id, suffix string, ok bool) {
	m, _ := v.(map[string]any)
	if len(m) != 1 {
		return "", "", false
	}
	switch {
	case m["Ref"] != nil:
		id, ok = m["Ref"].(string)
		return id, "", ok && !strings.HasPrefix(id, "AWS::")
	case m["Fn::GetAtt"] != nil:
		att, _ := m["Fn::GetAtt"].([]any)
		if len(att) != 2 {
			return "", "", false
		}
		id, ok = att[0].(string)
		return id, "", ok
	case m["Fn::Join"] != nil:
		join, _ := m["Fn::Join"].([]any)
		if len(join) != 2 || join[0] != "" {
			return "", "", false
		}
		parts, _ := join[1].([]any)
		if len(parts) != 2 {
			return "", "", false
		}
		id, _, ok = refersTo(parts[0])
		suffix, isString := parts[1].(string)
		return id, suffix, ok && isString
	}
	return "", "", false
}

// isWrite reports whether a DynamoDB action changes data.
func isWrite(action string) bool {
	switch action {
	case "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem":
		return true
	}
	return false
}

// keySchema is a CloudFormation KeySchema for string keys.
func keySchema(pk, sk string) []any {
	ks := []any{map[string]any{"AttributeName": pk, "KeyType": "HASH"}}
	if sk != "" {
		ks = append(ks, map[string]any{"AttributeName": sk, "KeyType": "RANGE"})
	}
	return ks
}

// dig walks nested JSON objects; nil when a key is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// list reads a JSON value that is one item or a list of items.
func list(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func nilIfEmpty(v []any) any {
	if len(v) == 0 {
		return nil
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// check compares decoded JSON (or plain values) structurally.
func check(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(normalize(got), normalize(want)) {
		t.Errorf("%s = %s, want %s", what, jsonString(got), jsonString(want))
	}
}

// normalize round-trips through JSON so []any and []map[string]any, or
// int and float64, compare equal.
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// countIs checks how many resources of a type the template has.
func countIs(t *testing.T, tmpl *cfnTemplate, typ string, want int) {
	t.Helper()
	if got := len(tmpl.resourcesOfType(typ)); got != want {
		t.Errorf("%s resources: %d, want %d", typ, got, want)
	}
}

// must runs CDK assertions, which panic on a mismatch, as a test error.
func must(t *testing.T, assertion func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%v", r)
		}
	}()
	assertion()
}

// A function's Lambda timeout outlasts the longest budget of its routes,
// so a slow dependency ends in the handler's 503 with Retry-After, never in
// API Gateway's bare 503 of a timed-out function.
func TestFunctionTimeoutOutlastsTheBudgets(t *testing.T) {
	timeout := time.Duration(timeoutSeconds) * time.Second
	for _, r := range all.Routes {
		if b := r.Budget(config.Config{}); b >= timeout {
			t.Errorf("%s: budget %v, function timeout %v", r.Key(), b, timeout)
		}
	}
	if budget.Admin+time.Second > timeout {
		t.Errorf("admin budget %v leaves under a second of the %v timeout to answer", budget.Admin, timeout)
	}
}
