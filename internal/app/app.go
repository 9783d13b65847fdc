// Package app is what one function builds its services from, once per cold
// start: the configuration, the DynamoDB client, the tables and signing
// keys its routes declare (Env), and the typed, memoized constructors of
// the services themselves (Service). Each area's services are declared in
// its wiring package (internal/wire/...); a function builds only those its
// routes use, and a missing table, key or peer fails its cold start.
package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/metrics"
	"sentinel/internal/token"
)

// Env is one function instance's environment. It is built and used during
// the cold start, by one goroutine: the function's handlers are built at
// once, before it serves.
type Env struct {
	// Function is the function's name, for error messages.
	Function string
	Config   config.Config
	DB       dynamo.DB
	Now      func() time.Time
	// Ctx bounds what services read while they are built (the signing keys).
	Ctx context.Context
	// Metrics receives one EMF line per request (stdout in Lambda); nil
	// (the local stack, most tests) emits none.
	Metrics *metrics.Sink

	tables   dynamo.Names // only the tables the function declares
	built    map[any]any
	building map[any]bool
}

// NewEnv returns the environment of a function that declares tables
// (physical names by table id) and uses the signing keys for keys (its
// Config.Keys: the key rings it may read).
func NewEnv(ctx context.Context, function string, cfg config.Config, db dynamo.DB, tables dynamo.Names, keys token.Use) *Env {
	cfg.Keys = keys
	return &Env{Function: function, Config: cfg, DB: db, Now: time.Now, Ctx: ctx, tables: tables,
		built: map[any]any{}, building: map[any]bool{}}
}

// Table returns the physical name of t, or an error when the function does
// not declare t: a service built over it would fail at request time (and
// the function's IAM policy grants nothing on it).
func (e *Env) Table(t dynamo.Table) (string, error) {
	name, ok := e.tables[t.ID]
	if !ok || name == "" {
		return "", fmt.Errorf("function %s does not declare table %s (declare it in its routes' Access)", e.Function, t.ID)
	}
	return name, nil
}

// Service is a service a function builds at most once, from its Env, with
// its peers (other Services). Build returns an error, never a half-built
// service, when a table, key or peer is missing.
type Service[T any] struct {
	Name  string
	Build func(*Env) (T, error)
}

var errCycle = errors.New("dependency cycle")

// Get returns the service of e, building it (and its peers) on first use.
func (s *Service[T]) Get(e *Env) (T, error) {
	var zero T
	if v, ok := e.built[s]; ok {
		return v.(T), nil
	}
	if e.building[s] {
		return zero, fmt.Errorf("%s: %w", s.Name, errCycle)
	}
	e.building[s] = true
	defer delete(e.building, s)
	v, err := s.Build(e)
	if err != nil {
		// The chain of services down to the cause: "role admin: directory
		// store: function admin-roles does not declare table Directory".
		return zero, fmt.Errorf("%s: %w", s.Name, err)
	}
	e.built[s] = v
	return v, nil
}

// Provide makes s answer v in e without building it: a test's fake, or a
// service shared with the caller. Call it before anything gets s.
func Provide[T any](e *Env, s *Service[T], v T) { e.built[s] = v }

// Load reads the environment a function runs in: its configuration, the
// physical names of the tables it declares, and a DynamoDB client (see
// functionDB). What it reads from Secrets Manager (its key rings, the admin
// site's origin secret) is read by the services that need it
// (internal/wire/secretswire), so that only their functions link the
// Secrets Manager client. The operator tools, which run with an operator's
// AWS profile, build their Env with NewEnv and dynamo.NewClient instead.
func Load(ctx context.Context, function string, tables []dynamo.Table, keys token.Use) (*Env, error) {
	cfg, err := config.FromEnv(keys)
	if err != nil {
		return nil, err
	}
	names, err := dynamo.NamesFromEnv(tables)
	if err != nil {
		return nil, err
	}
	db, err := functionDB(os.Getenv)
	if err != nil {
		return nil, err
	}
	return NewEnv(ctx, function, cfg, db, names, keys), nil
}
