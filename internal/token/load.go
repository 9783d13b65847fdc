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

	"sentinel/internal/budget"
)

// LoadFile reads a single ring from a PEM file, creating the file with a
// new key when it does not exist (the dev IdP's key, in git-ignored .local/).
func LoadFile(path, issuer string) (*Ring, error) {
	f := File(path)
	r, err := loadRing(context.Background(), f, issuer)
	if errors.Is(err, ErrNoKeys) {
		// A first key, signing at once (nothing can hold a token of it yet).
		k, kerr := GenerateKey()
		if kerr != nil {
			return nil, kerr
		}
		k.SignsFrom = time.Now()
		r = NewRing(issuer, k)
		err = f.Write(context.Background(), r.PEM())
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Blob is one stored value of a deployment's keys: a local file or a
// Secrets Manager secret.
type Blob interface {
	// Read returns the value; ErrNoKeys when none was stored yet.
	Read(ctx context.Context) ([]byte, error)
	Write(ctx context.Context, value []byte) error
	// String names it in messages.
	String() string
}

// File is a local file holding a blob (the local stack's keys), readable
// by its owner only.
type File string

// Read reads the file; a missing file holds no keys.
func (f File) Read(context.Context) ([]byte, error) {
	data, err := os.ReadFile(string(f))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (%s does not exist)", ErrNoKeys, string(f))
	}
	if err != nil {
		return nil, fmt.Errorf("read signing keys: %w", err)
	}
	return data, nil
}

// Write replaces the file at once (a rename), mode 0600.
func (f File) Write(_ context.Context, value []byte) error {
	path := string(f)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, value, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (f File) String() string { return string(f) }

// SecretsAPI is the part of Secrets Manager the keys use.
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
	budget.Configure(&cfg)
	return secretsmanager.NewFromConfig(cfg), nil
}

// Secret is a Secrets Manager secret holding a blob. The stack creates
// each secret without a value; `sentinel signing-key rotate` writes it, so
// a key never passes through the template, environment variables or logs.
type Secret struct {
	SM SecretsAPI
	ID string
}

// Read returns the secret's current value; one without a value holds no keys.
func (s Secret) Read(ctx context.Context) ([]byte, error) {
	out, err := s.SM.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(s.ID)})
	var missing *smtypes.ResourceNotFoundException
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("%w (secret %s has no value)", ErrNoKeys, s.ID)
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

// loadRing reads a ring's PEM bundle from a blob.
func loadRing(ctx context.Context, b Blob, issuer string) (*Ring, error) {
	data, err := b.Read(ctx)
	if err != nil {
		return nil, err
	}
	r, err := ParsePEM(data, issuer)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b, err)
	}
	return r, nil
}
