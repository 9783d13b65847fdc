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
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"sentinel/internal/routes"
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

	NewSentinelStack(app, stackID, &SentinelStackProps{
		StackProps: awscdk.StackProps{
			StackName:   jsii.String(stackName(stage)),
			Description: jsii.String("Sentinel authorization service (" + stage + ")"),
		},
		Stage:        stage,
		Functions:    routes.Functions(),
		AdminSiteDir: contextString(app, "adminSite", ""),
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
