package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/token"
)

// SentinelStackProps configures NewSentinelStack.
type SentinelStackProps struct {
	awscdk.StackProps
	// Stage is the deployed stage ("prod", "staging"). It must not be
	// "local": that stage issues sk_test_ keys and insecure cookies.
	Stage string
	// Functions are the Lambda functions with their routes and table
	// access; the app passes all.Functions() (internal/routes/all), tests a synthetic list.
	Functions []routes.Function
	// AssetDir holds <function>/bootstrap for every function
	// (default ../build/functions, written by `make build`).
	AssetDir string
	// Issuer is the iss of every token the deployment signs
	// (default: the HTTP API's endpoint URL).
	Issuer string
	// AdminSiteDir, when set, is the built admin site (admin-web/dist) to
	// host in S3 behind CloudFront, with /admin/* routed to the API.
	AdminSiteDir string
	// Settings are values of the settings routes declare (authz mode's
	// OIDC providers, token lifetime and rate limit), each set on the
	// functions whose routes read it, and checked as a cold start would.
	Settings map[string]string
	// AlarmEmail, when set, subscribes to the alarms' SNS topic (context
	// alarmEmail).
	AlarmEmail string
	// Tracing turns on X-Ray active tracing of the functions (context
	// xray=true); off by default.
	Tracing bool
}

// Deployment settings.
const (
	timeoutSeconds  = 10
	logRetention    = awslogs.RetentionDays_ONE_MONTH
	throttleBurst   = 200
	throttleRate    = 100
	defaultAssetDir = "../build/functions"
)

// NewSentinelStack defines the whole deployment: one DynamoDB table per
// dynamo.All entry, the signing-key secrets (one per ring, and the public
// key bundle), one Lambda function per props.Functions entry with an IAM
// role derived from its declared table access and key use, the HTTP API with one route per route-table entry, and, when
// props.AdminSiteDir is set, the admin site behind CloudFront.
//
// Invalid props panic, as CDK constructs do.
func NewSentinelStack(scope constructs.Construct, id string, props *SentinelStackProps) awscdk.Stack {
	if props == nil {
		panic("infra: SentinelStackProps is required")
	}
	if !config.StageName.MatchString(props.Stage) || props.Stage == config.LocalStage {
		panic(fmt.Sprintf("infra: stage %q: want a deployed stage name matching %s other than \"local\"", props.Stage, config.StageName))
	}
	if len(props.Functions) == 0 {
		panic("infra: no functions to deploy")
	}
	checkSettings(props)
	assetDir := props.AssetDir
	if assetDir == "" {
		assetDir = defaultAssetDir
	}

	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	awscdk.Tags_Of(stack).Add(jsii.String("sentinel:stage"), jsii.String(props.Stage), nil)

	tables := newTables(stack)
	secrets := newSigningKeySecrets(stack, props.Stage)
	api, stage := newHTTPAPI(stack, props.Stage)

	issuer := props.Issuer
	if issuer == "" {
		issuer = *api.ApiEndpoint()
	}
	// Behind the admin site the sign-in function trusts the viewer address
	// CloudFront adds only with the secret the distribution sends.
	var originSecret awssecretsmanager.Secret
	if props.AdminSiteDir != "" {
		originSecret = newOriginSecret(stack, props.Stage)
	}
	functions := map[string]awslambda.Function{}
	for _, fn := range props.Functions {
		env := functionEnv{
			tracing:  props.Tracing,
			stage:    props.Stage,
			issuer:   issuer,
			assetDir: assetDir,
			tables:   tables,
			secrets:  secrets,
			settings: props.Settings,
		}
		if originSecret != nil && fn.ViewerIP {
			env.originSecretArn = originSecret.SecretArn()
		}
		handler := newFunction(stack, fn, env)
		functions[fn.Name] = handler
		// One integration per function, shared by its routes; each route
		// gets its own invoke permission scoped to its path.
		integration := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String(constructID(fn.Name)+"Integration"), handler,
			&awsapigatewayv2integrations.HttpLambdaIntegrationProps{PayloadFormatVersion: awsapigatewayv2.PayloadFormatVersion_VERSION_2_0()})
		for _, r := range fn.Routes {
			api.AddRoutes(&awsapigatewayv2.AddRoutesOptions{
				Path:        jsii.String(r.Path),
				Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(r.Method)},
				Integration: integration,
			})
		}
	}

	newObservability(stack, observed{stage: props.Stage, api: stage, functions: functions, tables: tables, alarmEmail: props.AlarmEmail})

	// After the routes exist: a suppression reaches the children present.
	suppress(api, "AwsSolutions-APIG4", "Every function authorizes in its own code with the contract's tiers "+
		"(X-Service-Key, user or authz JWT, Origin, admin cookie) and answers api.md's JSON errors; an API Gateway "+
		"authorizer cannot express these tiers and would answer with a different error shape. "+
		"/health and /.well-known/jwks.json are public by contract.")

	awscdk.NewCfnOutput(stack, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{
		Value:       stage.Url(),
		Description: jsii.String("Base URL of the Sentinel API (the base_url of Sentinel clients)"),
	})
	ids := map[token.Source]string{}
	for src, secret := range secrets {
		ids[src] = *secret.Ref()
	}
	awscdk.NewCfnOutput(stack, jsii.String("SigningKeySecrets"), &awscdk.CfnOutputProps{
		Value:       jsii.String(token.SecretsFlag(ids)),
		Description: jsii.String("Signing-key secrets (user ring, admin ring, public bundle): run `sentinel signing-key rotate --secrets <this>` after the first deploy"),
	})
	for _, t := range dynamo.All {
		awscdk.NewCfnOutput(stack, jsii.String(t.ID+"TableName"), &awscdk.CfnOutputProps{
			Value:       tables[t.ID].TableName(),
			Description: jsii.String("Physical name of the " + t.ID + " table (" + t.EnvVar() + ")"),
		})
	}
	if props.AdminSiteDir != "" {
		newAdminSite(stack, api, props.AdminSiteDir, originSecret)
	}
	return stack
}

// newTables creates one table per dynamo.All entry, keyed by Table.ID.
// The construct id derives from Table.ID and so fixes the logical id:
// renaming a table definition would orphan the retained table and create
// an empty one.
func newTables(stack awscdk.Stack) map[string]awsdynamodb.Table {
	tables := map[string]awsdynamodb.Table{}
	for _, def := range dynamo.All {
		t := awsdynamodb.NewTable(stack, jsii.String(def.ID+"Table"), &awsdynamodb.TableProps{
			PartitionKey:        stringAttribute(def.PartitionKey),
			SortKey:             stringAttribute(def.SortKey),
			BillingMode:         awsdynamodb.BillingMode_PAY_PER_REQUEST,
			TimeToLiveAttribute: optionalString(def.TTLAttribute),
			PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
				PointInTimeRecoveryEnabled: jsii.Bool(true),
			},
			DeletionProtection: jsii.Bool(true),
			RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
		})
		for _, g := range def.GSIs {
			t.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
				IndexName:      jsii.String(g.Name),
				PartitionKey:   stringAttribute(g.PartitionKey),
				SortKey:        stringAttribute(g.SortKey),
				ProjectionType: awsdynamodb.ProjectionType_ALL,
			})
		}
		tables[def.ID] = t
	}
	return tables
}

// secretSpecs are the signing-key secrets by source: construct id and
// what each holds. The user ring keeps the construct id of the single
// secret that held every key before the rings were split, so a stack
// deployed before keeps its user-token keys.
var secretSpecs = map[token.Source]struct{ id, holds string }{
	token.UserKeys:   {"SigningKeys", "user-token signing keys (PEM, private)"},
	token.AdminKeys:  {"AdminSigningKeys", "admin-session signing keys (PEM, private)"},
	token.PublicKeys: {"PublicSigningKeys", "public keys of both signing rings with their stages (JSON of PEM)"},
}

// newSigningKeySecrets creates the secrets of the signing keys: each ring's
// private keys, read only by the functions that sign with that ring, and
// the public bundle every function that only verifies reads. They are
// created empty on purpose: the operator command `sentinel signing-key
// rotate` writes their values, and CloudFormation, which never saw a value,
// can never overwrite or reveal one.
func newSigningKeySecrets(stack awscdk.Stack, stage string) map[token.Source]awssecretsmanager.CfnSecret {
	secrets := map[token.Source]awssecretsmanager.CfnSecret{}
	for _, src := range token.Sources {
		spec := secretSpecs[src]
		secret := awssecretsmanager.NewCfnSecret(stack, jsii.String(spec.id), &awssecretsmanager.CfnSecretProps{
			Description: jsii.String("Sentinel " + stage + " " + spec.holds + ", written by `sentinel signing-key rotate`"),
		})
		secret.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN, nil)
		suppress(secret, "AwsSolutions-SMG4", "The keys are rotated by the operator command `sentinel signing-key rotate`, "+
			"which stages each new key (published before it signs, the old one kept until its tokens expire) and keeps "+
			"the rings and the public bundle in step; a rotation schedule would need a rotation function that repeats "+
			"that logic across the three secrets.")
		secrets[src] = secret
	}
	return secrets
}

// newHTTPAPI creates the HTTP API and its throttled, access-logged
// $default stage. CORS is left to the functions: only /authz/resolve
// answers cross-origin calls, and only for each app's allowed origins.
func newHTTPAPI(stack awscdk.Stack, stage string) (awsapigatewayv2.HttpApi, awsapigatewayv2.HttpStage) {
	api := awsapigatewayv2.NewHttpApi(stack, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		ApiName:            jsii.String("sentinel-" + stage),
		Description:        jsii.String("Sentinel authorization service (" + stage + ")"),
		CreateDefaultStage: jsii.Bool(false),
	})
	apiStage := awsapigatewayv2.NewHttpStage(stack, jsii.String("ApiDefaultStage"), &awsapigatewayv2.HttpStageProps{
		HttpApi:    api,
		AutoDeploy: jsii.Bool(true),
		Throttle: &awsapigatewayv2.ThrottleSettings{
			BurstLimit: jsii.Number(throttleBurst),
			RateLimit:  jsii.Number(throttleRate),
		},
	})
	accessLogs := awslogs.NewLogGroup(stack, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{Retention: logRetention})
	// The L2 stage takes access-log settings only as a jsii interface; the
	// L1 property is the plain way to set them from Go.
	apiStage.Node().DefaultChild().(awsapigatewayv2.CfnStage).SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: accessLogs.LogGroupArn(),
		Format:         jsii.String(accessLogFormat),
	})
	return api, apiStage
}

// accessLogFormat is one JSON object per request; no headers, so no
// credentials, reach the log.
const accessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",` +
	`"time":"$context.requestTime","routeKey":"$context.routeKey","status":"$context.status",` +
	`"latency":"$context.responseLatency","integrationLatency":"$context.integrationLatency",` +
	`"integrationError":"$context.integrationErrorMessage","responseLength":"$context.responseLength"}`

// functionEnv is what newFunction needs from the rest of the stack.
type functionEnv struct {
	stage, issuer, assetDir string
	tables                  map[string]awsdynamodb.Table
	secrets                 map[token.Source]awssecretsmanager.CfnSecret
	settings                map[string]string
	// originSecretArn is the admin site's origin secret, for a function
	// counting per viewer IP (routes.Function.ViewerIP); nil without a site.
	originSecretArn *string
	tracing         bool
}

// checkSettings refuses settings no function reads (a typo) and values a
// function's cold start would refuse, with the same message.
func checkSettings(props *SentinelStackProps) {
	for name := range props.Settings {
		if !slices.ContainsFunc(props.Functions, func(fn routes.Function) bool { return slices.Contains(fn.Settings, name) }) {
			panic(fmt.Sprintf("infra: setting %s: no function reads it", name))
		}
	}
	if err := config.CheckSettings(props.Stage, props.Settings); err != nil {
		panic("infra: " + err.Error())
	}
}

// newFunction creates one Lambda function with its own log group and a role
// that allows exactly what fn declares: its DynamoDB actions on its tables
// (and each of their indexes), GetSecretValue on exactly the signing-key
// secrets its key use may read (fn.Keys.Sources(): a ring's private keys
// only where it signs with that ring, else the public bundle), and writing
// to its log group.
func newFunction(stack awscdk.Stack, fn routes.Function, env functionEnv) awslambda.Function {
	code := filepath.Join(env.assetDir, fn.Name)
	if _, err := os.Stat(filepath.Join(code, "bootstrap")); err != nil {
		panic(fmt.Sprintf("infra: function %s: %v (run `make build` first)", fn.Name, err))
	}
	scope := constructs.NewConstruct(stack, jsii.String(constructID(fn.Name)))
	awscdk.Tags_Of(scope).Add(jsii.String("sentinel:function"), jsii.String(fn.Name), nil)

	logs := awslogs.NewLogGroup(scope, jsii.String("Logs"), &awslogs.LogGroupProps{Retention: logRetention})
	statements := []awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: jsii.Strings(*logs.LogGroupArn()),
	})}
	vars := map[string]*string{
		"SENTINEL_STAGE":  jsii.String(env.stage),
		"SENTINEL_ISSUER": jsii.String(env.issuer),
	}
	for _, a := range fn.Access {
		table, ok := env.tables[a.Table.ID]
		if !ok {
			panic(fmt.Sprintf("infra: function %s uses table %s, which is not in dynamo.All", fn.Name, a.Table.ID))
		}
		// Each index by name rather than /index/*: a function may query
		// exactly the indexes its table defines (cdk-nag AwsSolutions-IAM5).
		resources := []string{*table.TableArn()}
		for _, g := range a.Table.GSIs {
			resources = append(resources, *table.TableArn()+"/index/"+g.Name)
		}
		statements = append(statements, awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings(slices.Sorted(slices.Values(a.Actions))...),
			Resources: jsii.Strings(resources...),
		}))
		vars[a.Table.EnvVar()] = table.TableName()
	}
	for _, name := range fn.Settings {
		if v := env.settings[name]; v != "" {
			vars[name] = jsii.String(v)
		}
	}
	for _, src := range fn.Keys.Sources() {
		secret := env.secrets[src].Ref()
		statements = append(statements, awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
			Resources: &[]*string{secret},
		}))
		vars[src.SecretEnv()] = secret
	}
	if env.originSecretArn != nil {
		statements = append(statements, awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
			Resources: &[]*string{env.originSecretArn},
		}))
		vars[config.EnvOriginSecretID] = env.originSecretArn
	}

	// An explicit role with one inline policy instead of the default role
	// and AWSLambdaBasicExecutionRole: the logs statement is scoped to this
	// function's log group, and the role and policy are one resource.
	role := awsiam.NewRole(scope, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			"access": awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &statements}),
		},
	})
	tracing := awslambda.Tracing_DISABLED
	if env.tracing {
		tracing = awslambda.Tracing_ACTIVE
	}
	return awslambda.NewFunction(scope, jsii.String("Function"), &awslambda.FunctionProps{
		Tracing:      tracing,
		Description:  jsii.String("Sentinel " + fn.Name),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(code), nil),
		MemorySize:   jsii.Number(fn.MemoryMB), // the route table's, by measurement (routes.MemoryMB)
		Timeout:      awscdk.Duration_Seconds(jsii.Number(timeoutSeconds)),
		Role:         role,
		LogGroup:     logs,
		// JSON format with system logs at WARN: Lambda writes no START,
		// END and REPORT lines for a request that went well (about 300
		// bytes each, CloudWatch Logs' largest per-request cost after the
		// metrics line); timeouts, crashes and failed starts still reach
		// the log, and Lambda's own metrics (Invocations, Duration, Errors,
		// Throttles) do not come from the log. The functions' lines are
		// kept as they are (Lambda does not re-encode JSON, and the EMF
		// lines are JSON).
		LoggingFormat:    awslambda.LoggingFormat_JSON,
		SystemLogLevelV2: awslambda.SystemLogLevel_WARN,
		Environment:      &vars,
	})
}

// constructID turns a function name like "permissions-check" into the
// construct id "PermissionsCheck".
func constructID(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// stringAttribute is a string key attribute, or nil for "" (no sort key).
func stringAttribute(name string) *awsdynamodb.Attribute {
	if name == "" {
		return nil
	}
	return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
}

// optionalString is nil for "".
func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
