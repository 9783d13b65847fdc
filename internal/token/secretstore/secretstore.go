// Package secretstore keeps a deployed stack's signing keys in Secrets
// Manager: a token.Blob per secret, and the keystore of a secret per key
// source. It is apart from package token so that only the functions (and
// tools) that read the keys from Secrets Manager link its client.
package secretstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"sentinel/internal/awsenv"
	"sentinel/internal/awsjson"
	"sentinel/internal/token"
)

// API is the part of Secrets Manager the keys use: a secret's current
// value (ErrNotFound for a secret without one), and a new current value.
type API interface {
	GetSecretString(ctx context.Context, id string) (string, error)
	PutSecretString(ctx context.Context, id, value string) error
}

// ErrNotFound is a secret that does not exist or has no value yet.
var ErrNotFound = errors.New("the secret has no value")

var secretsManager = awsjson.Service{ID: "SecretsManager", SigningName: "secretsmanager", Target: "secretsmanager.", Version: "1.1"}

// Client is the one Secrets Manager client of the project (awsjson: the
// budget's attempts, retries and 503s, without the SDK's client).
type Client struct{ c *awsjson.Client }

var _ API = Client{}

// NewClient returns a client with cfg's region and credentials: a
// function's (awsenv.Lambda) or an operator's (the SDK's default chain, in
// cmd/sentinel). An endpoint set the SDK's way
// (AWS_ENDPOINT_URL_SECRETS_MANAGER, else AWS_ENDPOINT_URL) is used, as
// emulators set it.
func NewClient(cfg aws.Config) Client {
	o := awsjson.Options{Region: cfg.Region, Credentials: cfg.Credentials}
	if ep := awsenv.Endpoint(os.Getenv, "SECRETS_MANAGER"); ep != nil {
		o.Endpoint = *ep
	}
	return Client{awsjson.New(secretsManager, o)}
}

// GetSecretString returns the secret's current value.
func (c Client) GetSecretString(ctx context.Context, id string) (string, error) {
	body, _ := json.Marshal(struct{ SecretId string }{id}) // strings always marshal
	var out struct{ SecretString *string }
	err := c.c.Call(ctx, "GetSecretValue", body, &out)
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "ResourceNotFoundException" {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("secret %s holds binary, not a string", id)
	}
	return *out.SecretString, nil
}

// PutSecretString stores value as the secret's new current version.
func (c Client) PutSecretString(ctx context.Context, id, value string) error {
	body, _ := json.Marshal(struct{ SecretId, SecretString string }{id, value})
	return c.c.Call(ctx, "PutSecretValue", body, &struct{}{})
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
	v, err := s.SM.GetSecretString(ctx, s.ID)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%w (secret %s has no value)", token.ErrNoKeys, s.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("read signing key secret %s: %w", s.ID, err)
	}
	return []byte(v), nil
}

// Write stores the value as the secret's new current version.
func (s Secret) Write(ctx context.Context, value []byte) error {
	if err := s.SM.PutSecretString(ctx, s.ID, string(value)); err != nil {
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
