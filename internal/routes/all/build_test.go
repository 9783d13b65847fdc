package all_test

import (
	"strings"
	"testing"

	"sentinel/internal/apitest"
	"sentinel/internal/app"
	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/routes"
	"sentinel/internal/routes/all"
	"sentinel/internal/token"
	"sentinel/internal/wire/secretswire"
)

// build builds a function as its cold start does, from the given tables
// and the key rings of its key use; nothing is read (no table is called).
func build(t *testing.T, fn routes.Function, tables []dynamo.Table, keys token.Use) error {
	names := dynamo.Names{}
	for _, tb := range tables {
		names[tb.ID] = "test-" + tb.ID
	}
	e := app.NewEnv(t.Context(), fn.Name, config.Config{Stage: "local", Issuer: apitest.Issuer}, nil, names, keys)
	if keys.Uses(token.UserRing) {
		app.Provide(e, secretswire.UserKeys, apitest.Ring(t))
	}
	if keys.Uses(token.AdminRing) {
		app.Provide(e, secretswire.AdminKeys, apitest.AdminRing(t))
	}
	_, err := routes.Handler(fn, e)
	return err
}

// ringUses are the key uses of each ring.
var ringUses = map[token.RingName]token.Use{
	token.UserRing:  token.SignUser | token.VerifyUser,
	token.AdminRing: token.SignAdmin | token.VerifyAdmin,
}

// What a function declares is what it builds from: with its tables and
// keys it builds; without any one of them its cold start fails, naming
// what is missing, instead of its requests failing later (and its IAM
// policy grants nothing it does not use).
func TestFunctionsBuildFromExactlyWhatTheyDeclare(t *testing.T) {
	for _, fn := range all.Functions() {
		t.Run(fn.Name, func(t *testing.T) {
			if err := build(t, fn, fn.Tables(), fn.Keys); err != nil {
				t.Fatalf("with what it declares: %v", err)
			}
			for i, missing := range fn.Tables() {
				rest := append(fn.Tables()[:i:i], fn.Tables()[i+1:]...)
				err := build(t, fn, rest, fn.Keys)
				if err == nil || !strings.Contains(err.Error(), "does not declare table "+missing.ID) {
					t.Errorf("without table %s: %v, want a cold start error naming it", missing.ID, err)
				}
			}
			for _, r := range token.Rings {
				if !fn.Keys.Uses(r) {
					continue
				}
				without := fn.Keys &^ ringUses[r]
				if err := build(t, fn, fn.Tables(), without); err == nil || !strings.Contains(err.Error(), "does not use the "+string(r)+" ring") {
					t.Errorf("without the %s ring: %v, want a cold start error naming it", r, err)
				}
			}
		})
	}
}
