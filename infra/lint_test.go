package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
)

func TestAwsSolutionsChecksFindNothingUnsuppressed(t *testing.T) {
	for name, template := range map[string]func(*testing.T) *cfnTemplate{
		"route table + admin site": siteTemplate,
		"full API":                 fullTemplate,
	} {
		t.Run(name, func(t *testing.T) {
			// GIVEN the stack checked by cdk-nag's AwsSolutions pack (synthOnce)
			// WHEN it is synthesized
			annotations := assertions.Annotations_FromStack(template(t).stack)

			// THEN no rule reports an error or a warning that the stack code
			// does not suppress with its reason
			rule := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
			var findings []string
			for _, level := range []struct {
				name string
				find func(*string, any) *[]*cxapi.SynthesisMessage
			}{{"error", annotations.FindError}, {"warning", annotations.FindWarning}} {
				for _, m := range *level.find(jsii.String("*"), rule) {
					msg, _, _ := strings.Cut(fmt.Sprint(m.Entry.Data), ". ")
					findings = append(findings, fmt.Sprintf("%s %s: %s", level.name, *m.Id, msg))
				}
			}
			slices.Sort(findings)
			if len(findings) > 0 {
				t.Errorf("%d cdk-nag findings (fix them, or suppress them with their reason where the construct is made):\n%s",
					len(findings), strings.Join(findings, "\n"))
			}
		})
	}
}

func TestCfnLintPasses(t *testing.T) {
	// GIVEN the whole stack, admin site included, as a template file
	path := filepath.Join(t.TempDir(), "Sentinel.template.json")
	if err := os.WriteFile(path, []byte(siteTemplate(t).json(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("cfn-lint"); err != nil {
		t.Fatalf("cfn-lint is not installed (it comes with the machine image; pip install cfn-lint): %v", err)
	}
	// WHEN cfn-lint checks it with the project's settings
	out, err := exec.Command("cfn-lint", "--config-file", ".cfnlintrc.yaml", "--", path).CombinedOutput()

	// THEN it reports nothing: no error, and no warning that
	// .cfnlintrc.yaml does not ignore with its reason
	if err != nil {
		t.Errorf("cfn-lint: %v\n%s", err, out)
	}
}
