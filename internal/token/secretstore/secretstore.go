// Package secretstore keeps a deployed stack's signing keys in Secrets
// Manager: a token.Blob per secret, and the keystore of a secret per key
// source. It is apart from package token so that only the functions (and
// tools) that read the keys from Secrets Manager link its client.
package secretstore

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"sentinel/internal/awsenv"
	"sentinel/internal/budget"
	"sentinel/internal/token"
)

// API is the part of Secrets Manager the keys use.
type API interface {
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	PutSecretValue(context.Context, *secretsmanager.PutSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
}

// NewClient is the one Secrets Manager client of the project, on cfg: a
// function's (awsenv.Lambda) or an operator's (the SDK's default chain, in
// cmd/sentinel). An endpoint set the SDK's way
// (AWS_ENDPOINT_URL_SECRETS_MANAGER, else AWS_ENDPOINT_URL) is used, as
// emulators set it. Its retries and attempt timeouts are the project's
// (budget.Configure).
func NewClient(cfg aws.Config) *secretsmanager.Client {
	budget.Configure(&cfg)
	return secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
		if ep := awsenv.Endpoint(os.Getenv, "SECRETS_MANAGER"); ep != nil {
			o.BaseEndpoint = ep
		}
	})
}

// Secret is a Secrets Manager secret holding a blob. The stack creates
// each secret without a value; `sentinel signing-key rotate` writes it, so
// a key never passes through the template, environment variables or logs.
type Secret struct {
	SM API
	ID string
}

var _ token.Blob = Secret{}

// Read returns the secret's current value; one without a value holds no keys.
func (s Secret) Read(ctx context.Context) ([]byte, error) {
	out, err := s.SM.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(s.ID)})
	var missing *smtypes.ResourceNotFoundException
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("%w (secret %s has no value)", token.ErrNoKeys, s.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("read signing key secret %s: %w", s.ID, err)
	}
	return []byte(aws.ToString(out.SecretString)), nil
}

// Write stores the value as the secret's new current version.
func (s Secret) Write(ctx context.Context, value []byte) error {
	_, err := s.SM.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(s.ID), SecretString: aws.String(string(value))})
	if err != nil {
		return fmt.Errorf("write signing key secret %s: %w", s.ID, err)
	}
	return nil
}

func (s Secret) String() string { return "secret " + s.ID }

// Keystore is a deployed stack's: a secret per source, by id.
func Keystore(sm API, ids map[token.Source]string) token.Keystore {
	ks := token.Keystore{}
	for s, id := range ids {
		ks[s] = Secret{SM: sm, ID: id}
	}
	return ks
}
