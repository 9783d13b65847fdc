package token

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// LoadFile reads the ring from a PEM file, creating the file with a new key
// when it does not exist (the local stack's dev key, in git-ignored .local/).
func LoadFile(path, issuer string) (*Ring, error) {
	r, err := FileStore{Path: path}.Load(context.Background())
	if errors.Is(err, ErrNoKeys) {
		// A first key, signing at once (nothing can hold a token of it yet).
		r, _, err = Rotate(context.Background(), FileStore{Path: path}, time.Now())
	}
	if err != nil {
		return nil, err
	}
	r.Issuer = issuer
	return r, nil
}

// SaveFile writes the ring to a file only its owner can read.
func SaveFile(path string, r *Ring) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, r.PEM(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// SecretsAPI is the part of Secrets Manager the ring uses.
type SecretsAPI interface {
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	PutSecretValue(context.Context, *secretsmanager.PutSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
}

// NewSecretsClient builds a Secrets Manager client from the default config.
func NewSecretsClient(ctx context.Context) (*secretsmanager.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load aws config: %w", err)
	}
	return secretsmanager.NewFromConfig(cfg), nil
}

// LoadSecret reads the ring from a Secrets Manager secret holding the PEM
// bundle (written by `sentinel signing-key rotate`). The key never passes
// through the template, environment variables or logs.
func LoadSecret(ctx context.Context, sm SecretsAPI, secretID, issuer string) (*Ring, error) {
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretID)})
	var missing *smtypes.ResourceNotFoundException
	if errors.As(err, &missing) {
		// The stack creates the secret without a value: no key was stored yet.
		return nil, fmt.Errorf("%w (secret %s has no value)", ErrNoKeys, secretID)
	}
	if err != nil {
		return nil, fmt.Errorf("read signing key secret: %w", err)
	}
	return ParsePEM([]byte(aws.ToString(out.SecretString)), issuer)
}

// SaveSecret stores the ring as the secret's new current version.
func SaveSecret(ctx context.Context, sm SecretsAPI, secretID string, r *Ring) error {
	_, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(secretID), SecretString: aws.String(string(r.PEM()))})
	if err != nil {
		return fmt.Errorf("write signing key secret: %w", err)
	}
	return nil
}

// FileStore keeps a ring in a local PEM file (the local stack's).
type FileStore struct{ Path string }

// Load reads the file; a missing file holds no keys.
func (f FileStore) Load(context.Context) (*Ring, error) {
	data, err := os.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoKeys
	}
	if err != nil {
		return nil, fmt.Errorf("read signing keys: %w", err)
	}
	return ParsePEM(data, "")
}

// Save writes the file.
func (f FileStore) Save(_ context.Context, r *Ring) error { return SaveFile(f.Path, r) }

// SecretStore keeps a ring in a Secrets Manager secret.
type SecretStore struct {
	SM       SecretsAPI
	SecretID string
}

// Load reads the secret; one without a value holds no keys.
func (s SecretStore) Load(ctx context.Context) (*Ring, error) {
	return LoadSecret(ctx, s.SM, s.SecretID, "")
}

// Save writes the secret's new current version.
func (s SecretStore) Save(ctx context.Context, r *Ring) error {
	return SaveSecret(ctx, s.SM, s.SecretID, r)
}
