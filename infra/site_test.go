package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"sentinel/internal/routes/all"
	"sentinel/internal/token"
)

// Managed CloudFront policy ids.
const cachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

func TestNoSiteWithoutAdminSiteDir(t *testing.T) {
	// GIVEN no admin site directory
	// WHEN the stack is synthesized
	tmpl := realTemplate(t)
	// THEN nothing is hosted
	for _, typ := range []string{"AWS::CloudFront::Distribution", "AWS::S3::Bucket"} {
		countIs(t, tmpl, typ, 0)
	}
	// AND there is no origin secret, only the signing keys' (user ring,
	// admin ring, public bundle): no function trusts a viewer address
	countIs(t, tmpl, "AWS::SecretsManager::Secret", len(token.Sources))
}

func TestAdminSiteIsPrivateBehindCloudFront(t *testing.T) {
	// GIVEN a built admin site
	// WHEN the stack is synthesized with it
	tmpl := siteTemplate(t)

	// THEN its bucket blocks public access and refuses plain HTTP
	countIs(t, tmpl, "AWS::S3::Bucket", 1)
	must(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
			"PublicAccessBlockConfiguration": map[string]any{
				"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
			},
		})
	})
	must(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Effect":    "Deny",
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			})})},
		})
	})
	// AND CloudFront reads it through Origin Access Control
	countIs(t, tmpl, "AWS::CloudFront::OriginAccessControl", 1)
	must(t, func() {
		tmpl.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Effect":    "Allow",
				"Principal": map[string]any{"Service": "cloudfront.amazonaws.com"},
				"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": assertions.Match_AnyValue()}},
			})})},
		})
	})
	countIs(t, tmpl, "AWS::CloudFront::CloudFrontOriginAccessIdentity", 0)
	must(t, func() { tmpl.HasOutput(jsii.String("AdminSiteUrl"), map[string]any{}) })
}

func TestAdminPathsReachTheAPIUncached(t *testing.T) {
	// GIVEN a built admin site
	// WHEN the stack is synthesized with it
	tmpl := siteTemplate(t)
	config := distributionConfig(t, tmpl)

	// THEN /admin/* goes to the HTTP API with every method, no caching, the
	// cookies, query strings and the headers the admin API reads (never Host)
	behaviors, _ := config["CacheBehaviors"].([]any)
	if len(behaviors) != 1 {
		t.Fatalf("cache behaviours: %s, want only /admin/*", jsonString(behaviors))
	}
	admin, _ := behaviors[0].(map[string]any)
	check(t, "PathPattern", admin["PathPattern"], "/admin/*")
	check(t, "AllowedMethods", admin["AllowedMethods"], []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"})
	check(t, "CachePolicyId", admin["CachePolicyId"], cachingDisabled)
	policyID, policy := tmpl.only(t, "AWS::CloudFront::OriginRequestPolicy")
	if id, _, _ := refersTo(admin["OriginRequestPolicyId"]); id != policyID {
		t.Errorf("OriginRequestPolicyId = %v, want the stack's policy %s", admin["OriginRequestPolicyId"], policyID)
	}
	requests := dig(policy.Properties, "OriginRequestPolicyConfig")
	check(t, "cookies", dig(requests, "CookiesConfig", "CookieBehavior"), "all")
	check(t, "query strings", dig(requests, "QueryStringsConfig", "QueryStringBehavior"), "all")
	check(t, "header behaviour", dig(requests, "HeadersConfig", "HeaderBehavior"), "whitelist")
	headers := list(dig(requests, "HeadersConfig", "Headers"))
	for _, h := range []string{"Content-Type", "X-Requested-With", "CloudFront-Viewer-Address"} {
		if !slices.Contains(headers, any(h)) {
			t.Errorf("the admin API's origin requests lack %s: %v", h, headers)
		}
	}
	if slices.ContainsFunc(headers, func(h any) bool { return strings.EqualFold(h.(string), "Host") }) {
		t.Errorf("Host is forwarded to API Gateway: %v", headers)
	}
	check(t, "ViewerProtocolPolicy", admin["ViewerProtocolPolicy"], "https-only")
	apiID, _ := tmpl.only(t, "AWS::ApiGatewayV2::Api")
	origin := originByID(t, config, admin["TargetOriginId"])
	if !strings.Contains(jsonString(origin["DomainName"]), apiID) {
		t.Errorf("/admin/* origin %s, want the HTTP API's domain", jsonString(origin["DomainName"]))
	}
	check(t, "API origin protocol", dig(origin, "CustomOriginConfig", "OriginProtocolPolicy"), "https-only")

	// AND no distribution-wide error page turns the API's JSON errors into
	// index.html
	if config["CustomErrorResponses"] != nil {
		t.Errorf("CustomErrorResponses = %s, want none", jsonString(config["CustomErrorResponses"]))
	}
}

func TestSignInSeesTheViewerOnlyThroughTheOriginSecret(t *testing.T) {
	// GIVEN a built admin site
	// WHEN the stack is synthesized with it
	tmpl := siteTemplate(t)
	config := distributionConfig(t, tmpl)

	// THEN a generated secret, not a signing-key secret, proves the origin
	signing := map[string]bool{}
	for _, src := range token.Sources {
		signing[tmpl.secretID(t, src)] = true
	}
	var secretID string
	for id, r := range tmpl.resourcesOfType("AWS::SecretsManager::Secret") {
		if !signing[id] {
			secretID = id
			if dig(r.Properties, "GenerateSecretString") == nil || r.Properties["SecretString"] != nil {
				t.Errorf("origin secret %s: want a value CloudFormation generates, none in the template", id)
			}
		}
	}
	if secretID == "" {
		t.Fatal("no origin secret")
	}
	// AND the API origin sends it as a dynamic reference, never a literal
	admin, _ := list(config["CacheBehaviors"])[0].(map[string]any)
	origin := originByID(t, config, admin["TargetOriginId"])
	var value any
	for _, h := range list(origin["OriginCustomHeaders"]) {
		if dig(h, "HeaderName") == "X-Sentinel-Origin-Verify" {
			value = dig(h, "HeaderValue")
		}
	}
	if v := jsonString(value); !strings.Contains(v, "{{resolve:secretsmanager:") || !strings.Contains(v, secretID) {
		t.Errorf("X-Sentinel-Origin-Verify = %s, want a dynamic reference to %s", v, secretID)
	}
	// AND only the sign-in function learns where the secret is and may read it
	for _, fn := range all.Functions() {
		env, _ := dig(tmpl.resource(t, tmpl.functionID(t, fn.Name)).Properties, "Environment", "Variables").(map[string]any)
		_, reads := tmpl.grants(t, fn.Name)[secretID]
		want := fn.Name == "admin-auth"
		if fn.ViewerIP != want {
			t.Errorf("%s: ViewerIP %v, want %v (the sign-in route's function)", fn.Name, fn.ViewerIP, want)
		}
		if reads != want || (env["SENTINEL_ORIGIN_SECRET_ID"] != nil) != want {
			t.Errorf("%s: reads the origin secret %v, names it %v; want %v", fn.Name, reads, env["SENTINEL_ORIGIN_SECRET_ID"], want)
		}
		if want {
			check(t, fn.Name+" SENTINEL_ORIGIN_SECRET_ID", env["SENTINEL_ORIGIN_SECRET_ID"], map[string]any{"Ref": secretID})
		}
	}
}

func TestSiteSendsSecurityHeaders(t *testing.T) {
	// GIVEN a built admin site
	// WHEN the stack is synthesized with it
	tmpl := siteTemplate(t)
	config := distributionConfig(t, tmpl)

	// THEN both behaviours attach the one headers policy
	policyID, policy := tmpl.only(t, "AWS::CloudFront::ResponseHeadersPolicy")
	behaviors := []any{config["DefaultCacheBehavior"]}
	behaviors = append(behaviors, list(config["CacheBehaviors"])...)
	for _, b := range behaviors {
		if id, _, _ := refersTo(dig(b, "ResponseHeadersPolicyId")); id != policyID {
			t.Errorf("behaviour %v uses headers policy %v, want %s", dig(b, "PathPattern"), dig(b, "ResponseHeadersPolicyId"), policyID)
		}
	}
	// AND the policy sets CSP, nosniff, HSTS and frame denial
	headers := dig(policy.Properties, "ResponseHeadersPolicyConfig", "SecurityHeadersConfig")
	csp, _ := dig(headers, "ContentSecurityPolicy", "ContentSecurityPolicy").(string)
	for _, directive := range []string{"default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"} {
		if !strings.Contains(csp, directive) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, directive)
		}
	}
	check(t, "X-Content-Type-Options", dig(headers, "ContentTypeOptions", "Override"), true)
	check(t, "X-Frame-Options", dig(headers, "FrameOptions", "FrameOption"), "DENY")
	if age, _ := dig(headers, "StrictTransportSecurity", "AccessControlMaxAgeSec").(float64); age < 365*24*3600 {
		t.Errorf("HSTS max-age %v, want at least a year", age)
	}
}

func TestDeepLinksServeTheSPA(t *testing.T) {
	// GIVEN the viewer-request function of the site's default behaviour
	tmpl := siteTemplate(t)
	config := distributionConfig(t, tmpl)
	assoc := list(dig(config, "DefaultCacheBehavior", "FunctionAssociations"))
	if len(assoc) != 1 || dig(assoc[0], "EventType") != "viewer-request" {
		t.Fatalf("default behaviour function associations %s, want one viewer-request function", jsonString(assoc))
	}
	fnID, _, _ := refersTo(dig(assoc[0], "FunctionARN"))
	code, _ := tmpl.resource(t, fnID).Properties["FunctionCode"].(string)

	// WHEN it is run on request URIs
	cases := map[string]string{
		"/":                            "/index.html",
		"/service-apps":                "/index.html",
		"/workspaces/3f1c/members":     "/index.html",
		"/index.html":                  "/index.html",
		"/assets/index-4f9a1c.js":      "/assets/index-4f9a1c.js",
		"/favicon.ico":                 "/favicon.ico",
		"/assets/fonts/inter.var.woff": "/assets/fonts/inter.var.woff",
	}
	var uris []string
	for uri := range cases {
		uris = append(uris, uri)
	}
	got := runCloudFrontFunction(t, code, uris)

	// THEN paths without a file extension get index.html, files pass through
	for i, uri := range uris {
		if got[i] != cases[uri] {
			t.Errorf("%s rewritten to %s, want %s", uri, got[i], cases[uri])
		}
	}
}

// runCloudFrontFunction runs a viewer-request handler on each URI with
// node (which the CDK bindings need anyway) and returns the URIs it sets.
func runCloudFrontFunction(t *testing.T, code string, uris []string) []string {
	t.Helper()
	in, err := json.Marshal(uris)
	if err != nil {
		t.Fatal(err)
	}
	script := code + "\nconsole.log(JSON.stringify(JSON.parse(process.argv[1]).map(uri => handler({request: {uri}}).uri)));"
	out, err := exec.Command("node", "-e", script, string(in)).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(uris) {
		t.Fatalf("node printed %q, want %d URIs", out, len(uris))
	}
	return got
}

// siteTemplate is the route table's stack hosting a minimal admin site.
func siteTemplate(t *testing.T) *cfnTemplate {
	return synthOnce(t, "real+site", all.Functions(), adminSiteDir(t))
}

// adminSiteDir is a temporary built admin site.
func adminSiteDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>Sentinel</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// distributionConfig is the DistributionConfig of the one distribution.
func distributionConfig(t *testing.T, tmpl *cfnTemplate) map[string]any {
	t.Helper()
	_, dist := tmpl.only(t, "AWS::CloudFront::Distribution")
	config, _ := dist.Properties["DistributionConfig"].(map[string]any)
	return config
}

// originByID finds an origin of a distribution.
func originByID(t *testing.T, config map[string]any, id any) map[string]any {
	t.Helper()
	for _, o := range list(config["Origins"]) {
		if m, _ := o.(map[string]any); m["Id"] == id {
			return m
		}
	}
	t.Fatalf("no origin %v", id)
	return nil
}
