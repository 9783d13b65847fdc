package awsenv

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func lookup(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// A function's AWS configuration is what Lambda puts in its environment;
// without it the cold start says what is missing.
func TestLambda(t *testing.T) {
	cfg, err := Lambda(lookup(map[string]string{
		"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
	}))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || cfg.Region != "eu-west-1" || creds.AccessKeyID != "AKID" || creds.SecretAccessKey != "secret" || creds.SessionToken != "token" {
		t.Errorf("config %s %+v (%v)", cfg.Region, creds, err)
	}
	if _, err := Lambda(lookup(map[string]string{"AWS_ACCESS_KEY_ID": "AKID"})); err == nil ||
		err.Error() != "missing environment: AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (Lambda sets them from the function's role)" {
		t.Errorf("without region and secret: %v", err)
	}
}

// An endpoint is set the SDK's way: per service, else for all.
func TestEndpoint(t *testing.T) {
	env := lookup(map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "http://ddb:8000", "AWS_ENDPOINT_URL": "http://all:4566"})
	if got := aws.ToString(Endpoint(env, "DYNAMODB")); got != "http://ddb:8000" {
		t.Errorf("DYNAMODB = %q", got)
	}
	if got := aws.ToString(Endpoint(env, "SECRETS_MANAGER")); got != "http://all:4566" {
		t.Errorf("SECRETS_MANAGER = %q", got)
	}
	if ep := Endpoint(lookup(nil), "DYNAMODB"); ep != nil {
		t.Errorf("no endpoint set: %q", *ep)
	}
}
