package deploytest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
)

// Synthesize runs the CDK app (infra/, built as app) as an operator's
// `cdk synth` would, into out: stage prod, the functions' code from
// assetDir, and settings in its environment, where the README tells
// operators to put the settings of a deployment (its identity
// providers, say).
func Synthesize(ctx context.Context, app, out, assetDir string, settings map[string]string) error {
	cmd := exec.CommandContext(ctx, app)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+out,
		fmt.Sprintf(`CDK_CONTEXT_JSON={"stage":"prod","assetDir":%q}`, assetDir))
	for k, v := range settings {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if res, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("synthesize the stack: %v\n%s", err, res)
	}
	return nil
}
