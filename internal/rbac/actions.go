package rbac

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/authtier"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/identity"
)

// ActionInput is one action a backend registers.
type ActionInput struct {
	Action      string  `json:"action"`
	Description *string `json:"description"`
}

// RegisterInput is the body of POST /roles/actions/register.
type RegisterInput struct {
	ServiceName string        `json:"service_name"`
	Actions     []ActionInput `json:"actions"`
}

// Validate checks the service name and every action.
func (in RegisterInput) Validate() error {
	if err := validateServiceName(in.ServiceName); err != nil {
		return err
	}
	if len(in.Actions) > maxRegister {
		return apperr.Field("actions", fmt.Sprintf("must have at most %d entries", maxRegister))
	}
	seen := map[string]bool{}
	for i, a := range in.Actions {
		field := fmt.Sprintf("actions[%d].action", i)
		if err := validateName(field, a.Action, actionRE); err != nil {
			return err
		}
		if seen[a.Action] {
			return apperr.Field(field, "is listed twice")
		}
		seen[a.Action] = true
		if err := validateDescription(fmt.Sprintf("actions[%d].description", i), a.Description); err != nil {
			return err
		}
	}
	return nil
}

// registerConcurrency bounds the writes of one registration in flight.
const registerConcurrency = 10

// Register creates the actions of a service that do not exist yet and
// updates the descriptions of those that do (an absent description leaves
// the stored one alone). Each action is one UpdateItem keyed by its
// derived id, so concurrent registrations of one action converge on one
// item; the answer lists the actions in request order. A backend registers
// for its own service only.
func (s *Store) Register(ctx context.Context, in RegisterInput) ([]ServiceAction, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := authtier.RequireScope(ctx, in.ServiceName); err != nil {
		return nil, err
	}
	now := dynamo.FormatTime(s.now())
	out := make([]ServiceAction, len(in.Actions))
	errs := make([]error, len(in.Actions))
	sem := make(chan struct{}, registerConcurrency)
	var wg sync.WaitGroup
	for i, a := range in.Actions {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = s.upsertAction(ctx, in.ServiceName, a, now)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("register actions of %s: %w", in.ServiceName, err)
	}
	return out, nil
}

func (s *Store) upsertAction(ctx context.Context, service string, a ActionInput, now string) (ServiceAction, error) {
	aid := actionID(service, a.Action)
	update := "SET id = :id, service_name = :svc, #action = :action, kind = :kind, kind_sk = :entry, " +
		"created_at = if_not_exists(created_at, :now), role_count = if_not_exists(role_count, :zero)"
	values := attrs{
		":id": dynamo.S(aid), ":svc": dynamo.S(service), ":action": dynamo.S(a.Action), ":kind": dynamo.S(kindAction),
		":entry": dynamo.S(entryOf(service, a.Action)), ":now": dynamo.S(now), ":zero": dynamo.N(0),
	}
	if a.Description != nil {
		update += ", description = :d"
		values[":d"] = dynamo.S(*a.Description)
	}
	// The action item is also written by role transactions: a conflict
	// with one is retried by dynamo.UpdateItem.
	res, err := dynamo.UpdateItem(ctx, s.repo.DB, s.repo.Update(actionKey(aid), update, "", values), ddb.ReturnValueAllNew)
	if err != nil {
		return ServiceAction{}, fmt.Errorf("upsert %s: %w", a.Action, err)
	}
	var it actionItem
	if err := ddb.UnmarshalMap(res, &it); err != nil {
		return ServiceAction{}, fmt.Errorf("decode action %s: %w", a.Action, err)
	}
	return it.view(), nil
}

// actionsOf selects the actions of one service ("": of every service),
// ordered by service and action, in the by-kind index.
func actionsOf(service string) *ddb.QueryInput {
	in := &ddb.QueryInput{
		IndexName:                 aws.String("by-kind"),
		KeyConditionExpression:    aws.String("kind = :k"),
		ExpressionAttributeValues: attrs{":k": dynamo.S(kindAction)},
	}
	if service != "" {
		in.KeyConditionExpression = aws.String("kind = :k AND begins_with(kind_sk, :svc)")
		in.ExpressionAttributeValues[":svc"] = dynamo.S(service + "#")
	}
	return in
}

// ListServiceActions answers one page of actions ordered by service and
// action, of one service when service is not empty: one Query of the
// by-kind index.
func (s *Store) ListServiceActions(ctx context.Context, service string, limit int, cursor string) (Page[ServiceAction], error) {
	if service != "" {
		if err := validateServiceName(service); err != nil {
			return Page[ServiceAction]{}, err
		}
	}
	in := actionsOf(service)
	in.Limit = aws.Int32(int32(limit))
	scope := dynamo.Scope{Exact: map[string]string{"kind": kindAction}, Prefix: map[string]string{"kind_sk": service, "pk": "ACTION#", "sk": skAction}}
	if service != "" {
		scope.Prefix["kind_sk"] = service + "#"
	}
	items, err := dynamo.QueryPage[actionItem](ctx, s.repo, in, cursor, scope)
	if err != nil {
		return Page[ServiceAction]{}, fmt.Errorf("list service actions: %w", err)
	}
	return dynamo.MapPage(items, actionItem.view), nil
}

// DeleteServiceAction removes an action and takes it out of every role
// that holds it. The action item goes last, on condition that role_count
// still equals the links removed, so a role that gains the action
// meanwhile is found on the next read rather than left holding it.
func (s *Store) DeleteServiceAction(ctx context.Context, id string) error {
	aid, err := pathID(id, "Service action")
	if err != nil {
		return err
	}
	return removeInChunks(ctx, func() (bool, error) {
		a, found, err := dynamo.Get[actionItem](ctx, s.repo, actionKey(aid))
		if err != nil {
			return false, fmt.Errorf("get service action %s: %w", aid, err)
		}
		if !found {
			return false, apperr.New(apperr.NotFound, "Service action not found")
		}
		links, err := queryAll[linkItem](ctx, s, actionPK(aid), prefixRole)
		if err != nil {
			return false, fmt.Errorf("roles of service action %s: %w", aid, err)
		}
		entry := entryOf(a.ServiceName, a.Action)
		var units [][]ddb.TransactWriteItem
		for _, l := range links {
			units = append(units, []ddb.TransactWriteItem{
				s.repo.Delete(dynamo.Key(l.PK, l.SK), "", nil),
				s.repo.Update(roleKey(l.RoleID), "DELETE actions :e ADD version :one", "attribute_exists(pk)", attrs{":e": dynamo.SS(entry), ":one": dynamo.N(1)}),
			})
		}
		final := []ddb.TransactWriteItem{
			s.repo.Delete(actionKey(aid), "role_count = :n", attrs{":n": dynamo.N(len(links))}),
			s.log.Put(activity.Entry{
				Actor: identity.ActorFrom(ctx), Action: "service_action.delete", TargetType: "service_action", TargetID: aid,
				Detail: map[string]any{"service_name": a.ServiceName, "action": a.Action, "roles": len(links)},
			}),
		}
		summary := func(k int) []ddb.TransactWriteItem {
			return []ddb.TransactWriteItem{s.repo.Update(actionKey(aid), "SET role_count = :left", "role_count = :n", attrs{":n": dynamo.N(len(links)), ":left": dynamo.N(len(links) - k)})}
		}
		done, err := s.drain(ctx, units, final, summary)
		if err != nil {
			err = fmt.Errorf("delete service action %s: %w", aid, err)
		}
		return done, err
	})
}

// splitEntry reverses entryOf.
func splitEntry(e string) (service, action string) {
	service, action, _ = strings.Cut(e, "#")
	return service, action
}
