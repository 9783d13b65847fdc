package all

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"sentinel/internal/dynamo"
)

// tableAreas names the area package that owns each table (the Limits
// table's counters are plumbing every tier may use, not an area).
var tableAreas = map[string]string{
	dynamo.ServiceApps.ID: "serviceapps",
	dynamo.Admins.ID:      "adminauth",
	dynamo.Activity.ID:    "activity",
	dynamo.RBAC.ID:        "rbac",
	dynamo.Directory.ID:   "directory",
	dynamo.Permissions.ID: "permissions",
}

// pathAreas are the areas that own no table but serve routes of their own.
var pathAreas = map[string]string{
	"/authz/resolve": "authz",
	"/admin/stats":   "stats",
}

// A function's binary links only the areas its routes use: those owning
// the tables they declare (the tier's included), the table-less areas
// serving their paths, and what those areas import themselves (RBAC and
// permissions code against the directory's contract, everything writes
// the activity log). An area linked beyond that is another function's
// code in this one's binary.
func TestFunctionsLinkOnlyTheAreasTheirRoutesUse(t *testing.T) {
	const prefix = "sentinel/internal/"
	var areas []string
	for _, a := range tableAreas {
		areas = append(areas, a)
	}
	for _, a := range pathAreas {
		areas = append(areas, a)
	}
	pkgs := []string{"../../../functions/..."}
	for _, a := range areas {
		pkgs = append(pkgs, "../../"+a)
	}
	// deps maps a package to the areas it links.
	deps := map[string][]string{}
	for pkg, all := range goDeps(t, pkgs...) {
		for _, d := range all {
			if a, ok := strings.CutPrefix(d, prefix); ok && slices.Contains(areas, a) {
				deps[pkg] = append(deps[pkg], a)
			}
		}
	}
	for _, fn := range Functions() {
		var allowed []string
		allow := func(a string) {
			for _, b := range append([]string{a}, deps[prefix+a]...) {
				if !slices.Contains(allowed, b) {
					allowed = append(allowed, b)
				}
			}
		}
		for _, tb := range fn.Tables() {
			if a, ok := tableAreas[tb.ID]; ok {
				allow(a)
			}
		}
		for _, r := range fn.Routes {
			if a, ok := pathAreas[r.Path]; ok {
				allow(a)
			}
		}
		linked := deps["sentinel/functions/"+fn.Name]
		if linked == nil && len(allowed) > 0 {
			t.Errorf("functions/%s: go list found no area at all", fn.Name)
		}
		for _, a := range linked {
			if !slices.Contains(allowed, a) {
				t.Errorf("functions/%s links %s, which none of its routes uses (they use %v)", fn.Name, a, allowed)
			}
		}
	}
}

// goDeps maps each of pkgs to every package it imports, directly or not
// (go list), built as make build builds the functions (linux/arm64, the
// lambda.norpc tag).
func goDeps(t *testing.T, pkgs ...string) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-tags", "lambda.norpc", "-deps=false", "-f", "{{.ImportPath}} {{join .Deps \" \"}}"}, pkgs...)...)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		deps[fields[0]] = fields[1:]
	}
	return deps
}

// Only the functions that read the signing keys or the admin site's
// origin secret link the Secrets Manager client (secretstore), none links
// the SDK's Secrets Manager package (internal/awsjson calls the service),
// and none links the SDK's default configuration chain (STS, SSO, IMDS:
// functions take their credentials from Lambda's environment).
func TestOnlyFunctionsThatReadSecretsLinkSecretsManager(t *testing.T) {
	const secretsManager = "sentinel/internal/token/secretstore"
	const sdkSecretsManager = "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	const defaultChain = "github.com/aws/aws-sdk-go-v2/config"
	deps := goDeps(t, "../../../functions/...")
	for _, fn := range Functions() {
		linked := deps["sentinel/functions/"+fn.Name]
		if len(linked) == 0 {
			t.Fatalf("functions/%s: go list found no imports", fn.Name)
		}
		readsSecrets := fn.Keys != 0 || fn.ViewerIP
		if got := slices.Contains(linked, secretsManager); got != readsSecrets {
			t.Errorf("functions/%s links the Secrets Manager client: %v, want %v (keys %v, origin secret %v)", fn.Name, got, readsSecrets, fn.Keys, fn.ViewerIP)
		}
		if slices.Contains(linked, sdkSecretsManager) {
			t.Errorf("functions/%s links the SDK's Secrets Manager client", fn.Name)
		}
		if slices.Contains(linked, defaultChain) {
			t.Errorf("functions/%s links the SDK's default configuration chain", fn.Name)
		}
	}
}

// No function links the SDK's DynamoDB packages: dynamo.WireClient speaks
// internal/dynamo/ddb's types, and the SDK's service package, its types
// (whose schemas are built at start, so never dead-code removed) and
// attributevalue cost each function about 0.9 MB. Table management
// (dynamo/tableadmin), the operator commands and the tests keep the SDK.
// Nor the SDK's SigV4 signer: awsjson signs with its own.
func TestFunctionsLinkNoSDKDynamoDB(t *testing.T) {
	forbidden := []string{
		"github.com/aws/aws-sdk-go-v2/aws/signer/v4",
		"github.com/aws/aws-sdk-go-v2/service/dynamodb",
		"github.com/aws/aws-sdk-go-v2/service/dynamodb/types",
		"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue",
		"sentinel/internal/dynamo/tableadmin",
	}
	deps := goDeps(t, "../../../functions/...")
	for _, fn := range Functions() {
		linked := deps["sentinel/functions/"+fn.Name]
		if len(fn.Tables()) > 0 && !slices.Contains(linked, "sentinel/internal/dynamo/ddb") {
			t.Errorf("functions/%s declares tables but links no DynamoDB client types (go list: %d imports)", fn.Name, len(linked))
		}
		for _, pkg := range linked {
			if slices.Contains(forbidden, pkg) || strings.HasPrefix(pkg, "github.com/aws/aws-sdk-go-v2/service/dynamodb") {
				t.Errorf("functions/%s links %s", fn.Name, pkg)
			}
		}
	}
}

// No function links package regexp: its engine (about 0.2 MB) came in for a
// handful of name shapes, which internal/pattern checks instead.
func TestFunctionsLinkNoRegexp(t *testing.T) {
	deps := goDeps(t, "../../../functions/...")
	for _, fn := range Functions() {
		linked := deps["sentinel/functions/"+fn.Name]
		if !slices.Contains(linked, "sentinel/internal/pattern") {
			t.Errorf("functions/%s links no internal/pattern: is the go list answer complete? (%d imports)", fn.Name, len(linked))
		}
		if slices.Contains(linked, "regexp") {
			t.Errorf("functions/%s links regexp", fn.Name)
		}
	}
}
