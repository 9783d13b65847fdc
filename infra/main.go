// Command infra is the CDK app of Sentinel. It synthesizes the stack into
// cdk.out (or $CDK_OUTDIR when run by the cdk CLI) without needing the CLI:
//
//	make synth                                  # stage prod
//	make synth STAGE=staging ADMIN_SITE=admin-web/dist
//
// CDK context:
//
//	stage      deployed stage name (default "prod")
//	adminSite  directory of the built admin site; when set, the stack hosts
//	           it behind CloudFront
//	assetDir   directory holding <function>/bootstrap (default
//	           ../build/functions, the arm64 build; `make deployed-test`
//	           synthesizes with its host-architecture build)
//
// and the settings routes declare, each under its own name, read from the
// context or else from the environment at synth time (authz mode:
// SENTINEL_OIDC_GOOGLE_CLIENT_ID [+ _MAX_AGE], SENTINEL_OIDC_ENTRA_TENANT_ID +
// SENTINEL_OIDC_ENTRA_CLIENT_ID [+ SENTINEL_OIDC_ENTRA_MAX_AGE],
// SENTINEL_OIDC_PROVIDERS, SENTINEL_AUTHZ_TOKEN_TTL, SENTINEL_AUTHZ_RATE_LIMIT;
// admin sign-in: SENTINEL_ADMIN_REQUIRE_TOTP=true requires TOTP of every admin):
//
//	SENTINEL_OIDC_GOOGLE_CLIENT_ID=123.apps.googleusercontent.com make synth
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"sentinel/internal/routes"
	"sentinel/internal/routes/all"
)

func main() {
	defer jsii.Close()

	outdir := os.Getenv("CDK_OUTDIR")
	if outdir == "" {
		outdir = "cdk.out"
	}
	app := awscdk.NewApp(&awscdk.AppProps{
		Outdir: jsii.String(outdir),
		// Asset paths on each function, as the cdk CLI sets by default:
		// `sam local` finds the function code through them.
		Context: &map[string]any{"aws:cdk:enable-asset-metadata": true},
	})
	stage := contextString(app, "stage", "prod")
	fns := all.Functions()

	NewSentinelStack(app, stackID, &SentinelStackProps{
		StackProps: awscdk.StackProps{
			StackName:   jsii.String(stackName(stage)),
			Description: jsii.String("Sentinel authorization service (" + stage + ")"),
		},
		Stage:        stage,
		Functions:    fns,
		AdminSiteDir: contextString(app, "adminSite", ""),
		AssetDir:     contextString(app, "assetDir", ""),
		Settings:     settings(app, fns),
		AlarmEmail:   contextString(app, "alarmEmail", ""),
		Tracing:      contextString(app, "xray", "false") == "true",
	})
	app.Synth(nil)
}

// stackID names the stack in the app and its template,
// cdk.out/Sentinel.template.json, which samconfig.toml points SAM at.
const stackID = "Sentinel"

// stackName is "sentinel" for prod, the name samconfig.toml deploys, and
// "sentinel-<stage>" for other stages so they can share an account.
func stackName(stage string) string {
	if stage == "prod" {
		return "sentinel"
	}
	return "sentinel-" + stage
}

// contextString reads a string context value, def when unset or empty.
func contextString(app awscdk.App, key, def string) string {
	switch v := app.Node().TryGetContext(jsii.String(key)).(type) {
	case nil:
		return def
	case string:
		if v == "" {
			return def
		}
		return v
	default:
		panic(fmt.Sprintf("infra: context %s: want a string, got %v", key, v))
	}
}

// settings reads each setting the functions declare from the context, else
// from the environment. A context value that is not a string (a JSON object
// in cdk.json, say) is passed on as JSON.
func settings(app awscdk.App, fns []routes.Function) map[string]string {
	out := map[string]string{}
	for _, fn := range fns {
		for _, name := range fn.Settings {
			var v string
			switch c := app.Node().TryGetContext(jsii.String(name)).(type) {
			case nil:
				v = os.Getenv(name)
			case string:
				v = c
			default:
				b, err := json.Marshal(c)
				if err != nil {
					panic(fmt.Sprintf("infra: context %s: %v", name, err))
				}
				v = string(b)
			}
			if v != "" {
				out[name] = v
			}
		}
	}
	return out
}
