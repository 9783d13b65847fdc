package main

import (
	"os"
	"regexp"
	"testing"
)

func TestSAMConfigNamesTheSynthesizedStack(t *testing.T) {
	// GIVEN the SAM settings at the repository root
	raw, err := os.ReadFile("../samconfig.toml")
	if err != nil {
		t.Fatal(err)
	}
	// WHEN their template files and stack name are read
	setting := regexp.MustCompile(`(?m)^(template_file|stack_name) = "([^"]*)"$`)
	got := map[string][]string{}
	for _, m := range setting.FindAllStringSubmatch(string(raw), -1) {
		got[m[1]] = append(got[m[1]], m[2])
	}
	// THEN they name the template `make synth` writes and the prod stack
	check(t, "template_file", got["template_file"], []string{"infra/cdk.out/" + stackID + ".template.json", "infra/cdk.out/" + stackID + ".template.json"})
	check(t, "stack_name", got["stack_name"], []string{stackName("prod")})
}
