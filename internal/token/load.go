package token

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
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
// Secrets Manager secret (package secretstore).
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
