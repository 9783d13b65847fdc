// Package system answers the admin site's system pages: GET /admin/health
// (is each dependency reachable, which signing keys are in use) and GET
// /admin/settings (the deployment's settings). Neither reveals a secret:
// keys are named by kid, never shown; settings hold no credential.
package system

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/idp"
	"sentinel/internal/token"
)

// CheckTimeout bounds each check of GET /admin/health. The checks run at
// once, so the answer comes within about CheckTimeout, well inside the
// admin budget (budget.Admin), even when a dependency does not answer.
const CheckTimeout = 2 * time.Second

// Status of a component.
const (
	OK     = "ok"
	Failed = "failed"
)

// Table is one table to check.
type Table struct {
	Name string // its id (dynamo.Table.ID), not its physical name
	Repo dynamo.Repo
	Key  dynamo.Item // a key no item has
}

// ProbeKey is the key the health check reads in a table with the given
// key attributes: no item has it, so the read costs half a read unit.
func ProbeKey(t dynamo.Table) dynamo.Item {
	key := dynamo.Item{t.PartitionKey: dynamo.S("HEALTH#probe")}
	if t.SortKey != "" {
		key[t.SortKey] = dynamo.S("HEALTH#probe")
	}
	return key
}

// Handlers serves the system pages.
type Handlers struct {
	Config config.Config
	Tables []Table
	// Rings are the signing key rings by name, as the function holds them
	// (public keys only).
	Rings map[token.RingName]*token.Ring
	IdPs  *idp.Verifier
	Now   func() time.Time
}

// Check is one component's state.
type Check struct {
	Status string `json:"status"` // ok or failed
	Reason string `json:"reason"` // why it failed ("" when ok)
}

// TableHealth is one table's check.
type TableHealth struct {
	Name string `json:"name"`
	Check
}

// KeyHealth is one signing key: never its material.
type KeyHealth struct {
	Kid   string `json:"kid"`
	Stage string `json:"stage"` // next, current, previous, retired
	// SignsFrom is when it began (or begins) signing; null for a key from
	// before the rotation protocol.
	SignsFrom *string `json:"signs_from"`
	// AgeSeconds is how long it has been signing (negative: not yet);
	// null when SignsFrom is.
	AgeSeconds *int64 `json:"age_seconds"`
	Current    bool   `json:"current"`
}

// RingHealth is one ring's keys, newest first; failed without a current key.
type RingHealth struct {
	Ring string      `json:"ring"`
	Keys []KeyHealth `json:"keys"`
	Check
}

// ProviderHealth is one identity provider's check.
type ProviderHealth struct {
	Name       string   `json:"name"`
	Issuers    []string `json:"issuers"`
	KeysCached int      `json:"keys_cached"`
	Check
}

// Health is the answer of GET /admin/health: 200 whatever fails, with
// Status failed when any component did.
type Health struct {
	Status            string           `json:"status"`
	Stage             string           `json:"stage"`
	Version           string           `json:"version"`
	CheckedAt         string           `json:"checked_at"`
	Tables            []TableHealth    `json:"tables"`
	SigningKeys       []RingHealth     `json:"signing_keys"`
	IdentityProviders []ProviderHealth `json:"identity_providers"`
}

// Health serves GET /admin/health.
func (h Handlers) Health(r *http.Request) (int, any, error) {
	return 200, h.check(r.Context()), nil
}

func (h Handlers) check(ctx context.Context) Health {
	now := h.Now()
	out := Health{
		Status: OK, Stage: h.Config.Stage, Version: h.Config.Version, CheckedAt: dynamo.FormatTime(now),
		Tables: make([]TableHealth, len(h.Tables)), SigningKeys: []RingHealth{}, IdentityProviders: []ProviderHealth{},
	}
	names := h.IdPs.Providers()
	out.IdentityProviders = make([]ProviderHealth, len(names))
	var wg sync.WaitGroup
	for i, t := range h.Tables {
		wg.Go(func() { out.Tables[i] = TableHealth{Name: t.Name, Check: within(ctx, t.probe)} })
	}
	for i, name := range names {
		wg.Go(func() { out.IdentityProviders[i] = h.provider(ctx, name) })
	}
	for _, name := range token.Rings {
		if ring, ok := h.Rings[name]; ok {
			out.SigningKeys = append(out.SigningKeys, ringHealth(name, ring, now))
		}
	}
	wg.Wait()
	failed := slices.ContainsFunc(out.Tables, func(t TableHealth) bool { return t.Status != OK }) ||
		slices.ContainsFunc(out.SigningKeys, func(r RingHealth) bool { return r.Status != OK }) ||
		slices.ContainsFunc(out.IdentityProviders, func(p ProviderHealth) bool { return p.Status != OK })
	if failed {
		out.Status = Failed
	}
	return out
}

// within runs one check under CheckTimeout.
func within(ctx context.Context, check func(context.Context) error) Check {
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	if err := check(ctx); err != nil {
		return Check{Status: Failed, Reason: reason(ctx, err)}
	}
	return Check{Status: OK, Reason: ""}
}

// reason says briefly why a check failed, without the cause's text (which
// may name internal resources): a timeout, or the dependency's refusal.
func reason(ctx context.Context, err error) string {
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		return "no answer within " + CheckTimeout.String()
	}
	var code interface{ ErrorCode() string }
	if errors.As(err, &code) {
		return "refused: " + code.ErrorCode()
	}
	return "unreachable"
}

// probe reads a key no item has: reachable and readable, for half a read unit.
func (t Table) probe(ctx context.Context) error {
	_, _, err := dynamo.Get[struct{}](ctx, t.Repo.Eventually(), t.Key)
	return err
}

func (h Handlers) provider(ctx context.Context, name string) ProviderHealth {
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	out := ProviderHealth{Name: name, Issuers: h.Config.OIDCProviders[name].Issuers}
	p, err := h.IdPs.Probe(ctx, name)
	switch {
	case err != nil:
		out.Check = Check{Status: Failed, Reason: reason(ctx, err)}
	case !p.Reachable:
		out.Check = Check{Status: Failed, Reason: "JWKS: " + p.Reason}
	default:
		out.Check = Check{Status: OK}
	}
	out.KeysCached = p.Keys
	if out.Issuers == nil {
		out.Issuers = []string{}
	}
	return out
}

func ringHealth(name token.RingName, ring *token.Ring, now time.Time) RingHealth {
	out := RingHealth{Ring: string(name), Keys: []KeyHealth{}, Check: Check{Status: Failed, Reason: "no current signing key"}}
	for _, st := range ring.Status(now) {
		k := KeyHealth{Kid: st.ID, Stage: string(st.Stage), Current: st.Stage == token.StageCurrent}
		if !st.SignsFrom.IsZero() {
			from := dynamo.FormatTime(st.SignsFrom)
			age := int64(now.Sub(st.SignsFrom) / time.Second)
			k.SignsFrom, k.AgeSeconds = &from, &age
		}
		if k.Current {
			out.Check = Check{Status: OK}
		}
		out.Keys = append(out.Keys, k)
	}
	return out
}
