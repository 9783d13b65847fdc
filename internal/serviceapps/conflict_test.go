package serviceapps_test

import (
	"testing"
	"time"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
	"sentinel/internal/serviceapps"
)

// Every write of a service app is a transaction: one that meets another
// transaction on its items (TransactionConflict) is retried, and the call
// succeeds instead of answering 409.
func TestTransactionConflictsAreRetried(t *testing.T) {
	env := dynamotest.New(t)
	c := dynamotest.NewConflicts(env.Client)
	log := activity.New(c, env.Names.Name(dynamo.Activity), time.Now)
	s := serviceapps.NewStore(c, env.Names.Name(dynamo.ServiceApps), log, time.Now, "sk_test_")
	ctx := t.Context()
	var app serviceapps.App
	name := "Renamed"
	c.RetriesEach(t,
		dynamotest.Step{Name: "create", Run: func() (err error) {
			app, _, err = s.Create(ctx, serviceapps.CreateInput{Name: "Docu Store", ServiceName: "docu-store", AllowedOrigins: []string{"http://localhost:3000"}})
			return err
		}},
		dynamotest.Step{Name: "update", Run: func() error { _, err := s.Update(ctx, app.ID, serviceapps.Patch{Name: &name}); return err }},
		dynamotest.Step{Name: "rotate", Run: func() error { _, err := s.Rotate(ctx, app.ID, 60); return err }},
		dynamotest.Step{Name: "revoke previous key", Run: func() error { _, err := s.RevokePrevious(ctx, app.ID); return err }},
	)
	got, err := s.Get(ctx, app.ID)
	if err != nil || got.Name != name || len(got.Keys) != 1 {
		t.Fatalf("after the retried writes: %+v, %v; want renamed with one key", got, err)
	}
	c.RetriesEach(t, dynamotest.Step{Name: "delete", Run: func() error { return s.Delete(ctx, app.ID) }})
	if _, err := s.Get(ctx, app.ID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("after the retried delete: %v, want not found", err)
	}
}
