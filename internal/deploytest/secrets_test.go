package deploytest

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"

	"sentinel/internal/awsenv"
	"sentinel/internal/token"
	"sentinel/internal/token/secretstore"
)

// smClient is the SDK's own client on the emulator (which the tests hold
// to the service's behaviour), with the environment a function's client
// (secretstore.NewClient) reads: the endpoint in
// AWS_ENDPOINT_URL_SECRETS_MANAGER.
func smClient(t *testing.T) (*secretsmanager.Client, *SecretsManager) {
	t.Helper()
	sm := NewSecretsManager()
	srv := httptest.NewServer(sm)
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", srv.URL)
	t.Setenv("AWS_REGION", Region)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	cfg, err := awsenv.Lambda(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	return secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
		o.BaseEndpoint = awsenv.Endpoint(os.Getenv, "SECRETS_MANAGER")
	}), sm
}

func TestSecretsManagerStagesVersionsAsTheService(t *testing.T) {
	ctx := context.Background()
	c, _ := smClient(t)
	// GIVEN a secret created without a value, as the stack creates it
	created, err := c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("SigningKeys")})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(created.ARN)
	// THEN reading it (as a function reads it) is the service's
	// ResourceNotFoundException, which the key loader reads as "no keys yet"
	cfg, err := awsenv.Lambda(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (secretstore.Secret{SM: secretstore.NewClient(cfg), ID: arn}).Read(ctx); !errors.Is(err, token.ErrNoKeys) {
		t.Fatalf("Read of an empty secret = %v, want ErrNoKeys", err)
	}
	// WHEN two values are put, by ARN and by name
	first, err := c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(arn), SecretString: aws.String("one")})
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("SigningKeys"), SecretString: aws.String("two")})
	if err != nil {
		t.Fatal(err)
	}
	// THEN the newest is AWSCURRENT and the one before AWSPREVIOUS
	for stage, want := range map[string]string{"AWSCURRENT": "two", "AWSPREVIOUS": "one"} {
		got, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn), VersionStage: aws.String(stage)})
		if err != nil || aws.ToString(got.SecretString) != want {
			t.Errorf("%s = %v %v, want %q", stage, got, err, want)
		}
	}
	// AND a staged version becomes current only when its label moves
	pending, err := c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(arn), SecretString: aws.String("three"),
		VersionStages: []string{"AWSPENDING"}, ClientRequestToken: aws.String("00000000-0000-4000-8000-000000000003")})
	if err != nil {
		t.Fatal(err)
	}
	current := func() string {
		got, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(got.SecretString)
	}
	if got := current(); got != "two" {
		t.Errorf("current after a pending put = %q, want two", got)
	}
	if _, err := c.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String(arn),
		VersionStage: aws.String("AWSCURRENT"), MoveToVersionId: pending.VersionId}); err == nil {
		t.Error("moving AWSCURRENT without RemoveFromVersionId succeeded; the service refuses it")
	}
	if _, err := c.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{SecretId: aws.String(arn),
		VersionStage: aws.String("AWSCURRENT"), MoveToVersionId: pending.VersionId, RemoveFromVersionId: second.VersionId}); err != nil {
		t.Fatal(err)
	}
	if got := current(); got != "three" {
		t.Errorf("current after the move = %q, want three", got)
	}
	desc, err := c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{*pending.VersionId: {"AWSPENDING", "AWSCURRENT"}, *second.VersionId: {"AWSPREVIOUS"}}
	for id, stages := range want {
		got := desc.VersionIdsToStages[id]
		slices.Sort(got)
		slices.Sort(stages)
		if !slices.Equal(got, stages) {
			t.Errorf("version %s stages = %v, want %v", id, got, stages)
		}
	}
	if _, ok := desc.VersionIdsToStages[*first.VersionId]; ok {
		t.Errorf("the first version still has a label: %v", desc.VersionIdsToStages)
	}
}

func TestSecretsManagerErrorsAsTheService(t *testing.T) {
	ctx := context.Background()
	c, _ := smClient(t)
	_, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("missing")})
	var notFound *smtypes.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Errorf("GetSecretValue of a missing secret = %v, want ResourceNotFoundException", err)
	}
	if _, err := c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	var exists *smtypes.ResourceExistsException
	if _, err := c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("s")}); !errors.As(err, &exists) {
		t.Errorf("CreateSecret twice = %v, want ResourceExistsException", err)
	}
	// An operation the stand-in does not serve says so by name.
	_, err = c.RotateSecret(ctx, &secretsmanager.RotateSecretInput{SecretId: aws.String("s")})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "UnknownOperationException" {
		t.Errorf("RotateSecret = %v, want UnknownOperationException", err)
	}
}
