package serviceapps

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/uuid"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/authtier"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/idempotency"
	"sentinel/internal/identity"
)

// Item layout in the ServiceApps table (see dynamo.ServiceApps):
//
//	APP#<id>        APP          the app (kind=app for the by-kind index)
//	APP#<id>        KEY#<hash>   one per live key, indexed by key_hash,
//	                             carrying what the auth tier needs
//	SVC#<name>      CLAIM        makes service_name unique
//	ORIGIN#<origin> CLAIM        makes each origin belong to one app
//	CLIENT#<provider>#<client id>
//	                CLAIM        makes each OIDC client id belong to one app
//
// Key items share the app's created_sk prefix in the by-kind index, so one
// Query lists every app followed by its keys.
const (
	kindApp   = "app"
	skApp     = "APP"
	skClaim   = "CLAIM"
	keyPrefix = "KEY#"
)

type appItem struct {
	PK             string              `dynamodbav:"pk"`
	SK             string              `dynamodbav:"sk"`
	Kind           string              `dynamodbav:"kind"`
	CreatedSK      string              `dynamodbav:"created_sk"`
	ID             string              `dynamodbav:"id"`
	Name           string              `dynamodbav:"name"`
	ServiceName    string              `dynamodbav:"service_name"`
	AllowedOrigins []string            `dynamodbav:"allowed_origins"`
	IdPClientIDs   map[string][]string `dynamodbav:"idp_client_ids,omitempty"`
	IsActive       bool                `dynamodbav:"is_active"`
	CreatedBy      string              `dynamodbav:"created_by"`
	CreatedAt      string              `dynamodbav:"created_at"`
	UpdatedAt      string              `dynamodbav:"updated_at"`
	CurrentKey     string              `dynamodbav:"current_key"`
	Version        int                 `dynamodbav:"version"`
}

type keyItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Kind        string `dynamodbav:"kind"`
	CreatedSK   string `dynamodbav:"created_sk"`
	KeyHash     string `dynamodbav:"key_hash"`
	AppID       string `dynamodbav:"app_id"`
	ServiceName string `dynamodbav:"service_name"`
	Name        string `dynamodbav:"name"`
	KeyPrefix   string `dynamodbav:"key_prefix"`
	IsActive    bool   `dynamodbav:"is_active"`
	CreatedAt   string `dynamodbav:"created_at"`
	ExpiresAt   string `dynamodbav:"expires_at,omitempty"`
	LastUsedAt  string `dynamodbav:"last_used_at,omitempty"`
	TTL         int64  `dynamodbav:"ttl,omitempty"`
}

type claimItem struct {
	PK    string `dynamodbav:"pk"`
	SK    string `dynamodbav:"sk"`
	AppID string `dynamodbav:"app_id"`
	// DeletedAt marks a service name claim as the tombstone of a deleted
	// app (AppID): the name is free again once what the app registered
	// under it is purged (see Delete).
	DeletedAt string `dynamodbav:"deleted_at,omitempty"`
}

// Store keeps service apps in DynamoDB.
type Store struct {
	// serviceData are the areas holding data under service names
	// (permissions, RBAC; WithServiceData): deleting an app purges it.
	serviceData []ServiceData

	repo     dynamo.Repo
	log      *activity.Log
	now      func() time.Time
	keyStage string // "sk_test_" or "sk_live_"
}

// ServiceData is an area that holds what backends register under their
// service name (resources and their ACLs, service actions and the roles'
// links to them).
type ServiceData interface {
	// PurgeService removes everything held under serviceName. It is
	// idempotent.
	PurgeService(ctx context.Context, serviceName string) error
}

// ReuseDelay is how long a deleted app's service name stays taken: longer
// than the auth tier's key cache (5 s: the deleted app's key may still
// register things that long) plus the moment indexes trail writes, so the
// purge before the name's reuse finds all of it.
const ReuseDelay = 10 * time.Second

// NewStore returns a store over the ServiceApps table that records changes
// in log and issues keys with keyStage as prefix.
func NewStore(db dynamo.DB, table string, log *activity.Log, now func() time.Time, keyStage string) *Store {
	return &Store{repo: dynamo.Repo{DB: db, Table: table}, log: log, now: now, keyStage: keyStage}
}

// WithServiceData returns the store whose deletes (and reuses of a deleted
// app's name) purge what the areas d hold under the service name: the
// service app admin's.
func (s *Store) WithServiceData(d ...ServiceData) *Store {
	c := *s
	c.serviceData = d
	return &c
}

func appPK(id string) string { return "APP#" + id }

func (s *Store) put(item any, cond string) ddb.TransactWriteItem {
	return s.repo.Put(item, cond, nil)
}

func (s *Store) del(pk, sk string) ddb.TransactWriteItem {
	return s.repo.Delete(dynamo.Key(pk, sk), "", nil)
}

func (s *Store) newKey(app appItem, now time.Time) (string, keyItem) {
	plain := NewKey(s.keyStage)
	hash := authtier.HashKey(plain)
	at := dynamo.FormatTime(now)
	return plain, keyItem{
		PK: appPK(app.ID), SK: keyPrefix + hash, Kind: kindApp, CreatedSK: app.CreatedSK + "#K#" + at + "#" + hash[:8],
		KeyHash: hash, AppID: app.ID, ServiceName: app.ServiceName, Name: app.Name,
		KeyPrefix: plain[:PrefixLen], IsActive: app.IsActive, CreatedAt: at,
	}
}

// claimServiceName and claimOrigins add the claims that make a service
// name and origins unique, each failing with the 409 that names it. A
// service name is claimed when free, or over the tombstone (its deleted_at)
// of a deleted app whose data has been purged; it fails with taken.
func (s *Store) claimServiceName(tx *dynamo.Tx, name, appID, tombstone string, taken error) {
	if tombstone == "" {
		tx.AddOr(s.put(claimItem{PK: "SVC#" + name, SK: skClaim, AppID: appID}, "attribute_not_exists(pk)"), taken)
		return
	}
	tx.AddOr(s.repo.Put(claimItem{PK: "SVC#" + name, SK: skClaim, AppID: appID}, "deleted_at = :d", dynamo.Item{":d": dynamo.S(tombstone)}), taken)
}

func (s *Store) claimOrigins(tx *dynamo.Tx, origins []string, appID string) {
	for _, o := range origins {
		tx.AddOr(s.put(claimItem{PK: "ORIGIN#" + o, SK: skClaim, AppID: appID}, "attribute_not_exists(pk)"),
			apperr.New(apperr.Conflict, "Origin '%s' is already used by another service app", o))
	}
}

// clientClaim is the claim key prefix of an OIDC client id.
const clientClaim = "CLIENT#"

// claimClientIDs adds the claims that make each client id (a
// "<provider>#<client id>" pair) belong to one app.
func (s *Store) claimClientIDs(tx *dynamo.Tx, pairs []string, appID string) {
	for _, pair := range pairs {
		provider, id, _ := strings.Cut(pair, "#")
		tx.AddOr(s.put(claimItem{PK: clientClaim + pair, SK: skClaim, AppID: appID}, "attribute_not_exists(pk)"),
			apperr.New(apperr.Conflict, "Client id '%s' of provider '%s' is already used by another service app", id, provider))
	}
}

// release deletes the app's claim on key (an origin or a client id),
// provided it is still the app's.
func (s *Store) release(tx *dynamo.Tx, key, appID string) {
	tx.Add(s.repo.Delete(dynamo.Key(key, skClaim), "app_id = :id", dynamo.Item{":id": dynamo.S(appID)}))
}

// CreateInput is what an admin supplies.
type CreateInput struct {
	Name           string    `json:"name"`
	ServiceName    string    `json:"service_name"`
	AllowedOrigins []string  `json:"allowed_origins"`
	IdPClientIDs   ClientIDs `json:"idp_client_ids"`
}

// Validate checks every field.
func (in *CreateInput) Validate() error {
	if err := ValidateName(in.Name); err != nil {
		return err
	}
	if err := ValidateServiceName(in.ServiceName); err != nil {
		return err
	}
	if in.AllowedOrigins == nil {
		in.AllowedOrigins = []string{}
	}
	if err := ValidateOrigins(in.AllowedOrigins); err != nil {
		return err
	}
	in.IdPClientIDs = in.IdPClientIDs.Normalize()
	return ValidateClientIDs(in.IdPClientIDs)
}

// Create stores a new app with its first key, claiming the service name
// and origins in one transaction, and returns the plaintext key once.
func (s *Store) Create(ctx context.Context, in CreateInput) (App, string, error) {
	if err := in.Validate(); err != nil {
		return App{}, "", err
	}
	now := s.now()
	at := dynamo.FormatTime(now)
	id := uuid.NewString()
	app := appItem{
		PK: appPK(id), SK: skApp, Kind: kindApp, CreatedSK: at + "#" + id, ID: id, Name: in.Name,
		ServiceName: in.ServiceName, AllowedOrigins: in.AllowedOrigins, IdPClientIDs: in.IdPClientIDs, IsActive: true,
		CreatedBy: identity.ActorFrom(ctx), CreatedAt: at, UpdatedAt: at, Version: 1,
	}
	plain, key := s.newKey(app, now)
	app.CurrentKey = key.KeyHash
	pairs := in.IdPClientIDs.pairs()
	detail := map[string]any{"service_name": in.ServiceName, "name": in.Name, "key_prefix": key.KeyPrefix}
	if len(pairs) > 0 {
		detail["idp_client_ids"] = in.IdPClientIDs
	}
	taken := apperr.New(apperr.Conflict, "service_name '%s' is already taken", in.ServiceName)
	idem, replayable := idempotency.From(ctx)
	write := func(tombstone string) error {
		tx := dynamo.NewTx()
		if replayable { // first: a replay is told from a taken name
			tx.AddOr(idem.Put(s.repo, now, id), idempotency.ErrUsed)
		}
		tx.Add(s.put(app, "attribute_not_exists(pk)"), s.put(key, ""))
		s.claimServiceName(tx, in.ServiceName, id, tombstone, taken)
		s.claimOrigins(tx, in.AllowedOrigins, id)
		s.claimClientIDs(tx, pairs, id)
		tx.Add(s.log.Put(activity.Entry{
			Actor: app.CreatedBy, Action: "service_app.create", TargetType: "service_app", TargetID: id, Detail: detail,
		}))
		return tx.Write(ctx, s.repo.DB)
	}
	err := write("")
	if errors.Is(err, idempotency.ErrUsed) {
		return App{}, "", s.replayCreate(ctx, idem)
	}
	if errors.Is(err, taken) {
		// Taken, or the tombstone of a deleted app: purge what that app
		// registered, then take the name over.
		var tombstone string
		if tombstone, err = s.reclaim(ctx, in.ServiceName, now); err == nil {
			err = write(tombstone)
		}
	}
	if err != nil {
		return App{}, "", fmt.Errorf("create service app: %w", err)
	}
	return view(app, []keyItem{key}, now), plain, nil
}

// replayCreate answers a create whose Idempotency-Key already created an
// app: not that answer again, as its api_key is stored only hashed, but a
// 409 naming the app (a 422 when the key came with another request).
func (s *Store) replayCreate(ctx context.Context, idem idempotency.Key) error {
	id, err := idem.Used(ctx, s.repo)
	if err != nil {
		return fmt.Errorf("create service app: %w", err)
	}
	return apperr.New(apperr.Conflict, "This %s already created service app %s; its api_key was shown once, in that answer, "+
		"and is not kept: read the app, or rotate its key for a new one", idempotency.Header, id)
}

// reclaim prepares a service name for a new app when its claim is the
// tombstone of a deleted app: after ReuseDelay it purges the deleted app's
// data (again: the delete did, but its key may have registered more while
// functions still cached it, and a purge may have failed half way) and
// answers the tombstone to claim over. A live app's name is the 409.
func (s *Store) reclaim(ctx context.Context, name string, now time.Time) (string, error) {
	c, found, err := dynamo.Get[claimItem](ctx, s.repo, dynamo.Key("SVC#"+name, skClaim))
	if err != nil {
		return "", fmt.Errorf("read service name claim %s: %w", name, err)
	}
	if !found {
		return "", dynamo.ErrChanged // freed meanwhile: the admin retries
	}
	if c.DeletedAt == "" {
		return "", apperr.New(apperr.Conflict, "service_name '%s' is already taken", name)
	}
	deleted, err := time.Parse(time.RFC3339, c.DeletedAt)
	if err != nil {
		return "", fmt.Errorf("decode tombstone of %s: %w", name, err)
	}
	if now.Before(deleted.Add(ReuseDelay)) {
		return "", apperr.New(apperr.Conflict, "service_name '%s' belonged to a service app deleted moments ago; try again in a few seconds", name)
	}
	if err := s.purge(ctx, name); err != nil {
		return "", err
	}
	return c.DeletedAt, nil
}

// purge removes what every area holds under the service name.
func (s *Store) purge(ctx context.Context, name string) error {
	for _, d := range s.serviceData {
		if err := d.PurgeService(ctx, name); err != nil {
			return fmt.Errorf("purge service %s: %w", name, err)
		}
	}
	return nil
}

// load reads an app and its keys with one strongly consistent Query.
func (s *Store) load(ctx context.Context, id string) (appItem, []keyItem, error) {
	if _, err := uuid.Parse(id); err != nil {
		return appItem{}, nil, apperr.New(apperr.NotFound, "Service app not found")
	}
	items, err := dynamo.QueryItems(ctx, s.repo, dynamo.Prefix(appPK(id), ""), 0)
	if err != nil {
		return appItem{}, nil, fmt.Errorf("load service app %s: %w", id, err)
	}
	app, keys, err := decode(items)
	if err != nil {
		return appItem{}, nil, err
	}
	if len(app) == 0 {
		return appItem{}, nil, apperr.New(apperr.NotFound, "Service app not found")
	}
	return app[0], keys[app[0].ID], nil
}

// decode splits items into apps (in order) and keys by app id.
func decode(items []map[string]ddb.AttributeValue) ([]appItem, map[string][]keyItem, error) {
	var apps []appItem
	keys := map[string][]keyItem{}
	for _, it := range items {
		sk, _ := it["sk"].(*ddb.AttributeValueMemberS)
		if sk == nil {
			continue
		}
		switch {
		case sk.Value == skApp:
			var a appItem
			if err := ddb.UnmarshalMap(it, &a); err != nil {
				return nil, nil, fmt.Errorf("decode service app: %w", err)
			}
			apps = append(apps, a)
		case len(sk.Value) > len(keyPrefix) && sk.Value[:len(keyPrefix)] == keyPrefix:
			var k keyItem
			if err := ddb.UnmarshalMap(it, &k); err != nil {
				return nil, nil, fmt.Errorf("decode service key: %w", err)
			}
			keys[k.AppID] = append(keys[k.AppID], k)
		}
	}
	return apps, keys, nil
}

// view renders an app with its live keys, current key first; expired
// grace-period keys (not yet removed by TTL) are left out.
func view(a appItem, keys []keyItem, now time.Time) App {
	out := App{
		ID: a.ID, Name: a.Name, ServiceName: a.ServiceName, AllowedOrigins: a.AllowedOrigins,
		IdPClientIDs: ClientIDs(a.IdPClientIDs).Normalize(), IsActive: a.IsActive,
		CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Keys: []KeyInfo{},
	}
	if out.AllowedOrigins == nil {
		out.AllowedOrigins = []string{}
	}
	nowS := dynamo.FormatTime(now)
	slices.SortFunc(keys, func(x, y keyItem) int {
		if x.KeyHash == a.CurrentKey {
			return -1
		}
		if y.KeyHash == a.CurrentKey {
			return 1
		}
		return 0
	})
	for _, k := range keys {
		if k.ExpiresAt != "" && k.ExpiresAt <= nowS {
			continue
		}
		info := KeyInfo{KeyPrefix: k.KeyPrefix, CreatedAt: k.CreatedAt, ExpiresAt: opt(k.ExpiresAt), LastUsedAt: opt(k.LastUsedAt)}
		if k.KeyHash == a.CurrentKey {
			out.KeyPrefix = k.KeyPrefix
		}
		if info.LastUsedAt != nil && (out.LastUsedAt == nil || *info.LastUsedAt > *out.LastUsedAt) {
			out.LastUsedAt = info.LastUsedAt
		}
		out.Keys = append(out.Keys, info)
	}
	return out
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Get returns one app.
func (s *Store) Get(ctx context.Context, id string) (App, error) {
	a, keys, err := s.load(ctx, id)
	if err != nil {
		return App{}, err
	}
	return view(a, keys, s.now()), nil
}

// List returns every app, oldest first, through the by-kind index (one
// Query per 1 MB page; never a Scan).
func (s *Store) List(ctx context.Context) ([]App, error) {
	items, err := dynamo.QueryItems(ctx, s.repo, &ddb.QueryInput{
		IndexName:                 aws.String("by-kind"),
		KeyConditionExpression:    aws.String("kind = :k"),
		ExpressionAttributeValues: dynamo.Item{":k": dynamo.S(kindApp)},
	}, 0)
	if err != nil {
		return nil, fmt.Errorf("list service apps: %w", err)
	}
	apps, keys, err := decode(items)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]App, 0, len(apps))
	for _, a := range apps {
		out = append(out, view(a, keys[a.ID], now))
	}
	return out, nil
}

// Patch is a partial update; nil fields are left alone.
type Patch struct {
	Name           *string    `json:"name"`
	IsActive       *bool      `json:"is_active"`
	AllowedOrigins *[]string  `json:"allowed_origins"`
	IdPClientIDs   *ClientIDs `json:"idp_client_ids"`
}

// Update applies a patch. Name and activity are copied onto the key items
// (the auth tier reads only those) in the same transaction; origins and
// client ids are claimed and released there too.
func (s *Store) Update(ctx context.Context, id string, p Patch) (App, error) {
	if p.Name != nil {
		if err := ValidateName(*p.Name); err != nil {
			return App{}, err
		}
	}
	if p.AllowedOrigins != nil {
		if *p.AllowedOrigins == nil {
			*p.AllowedOrigins = []string{}
		}
		if err := ValidateOrigins(*p.AllowedOrigins); err != nil {
			return App{}, err
		}
	}
	if p.IdPClientIDs != nil {
		*p.IdPClientIDs = p.IdPClientIDs.Normalize()
		if err := ValidateClientIDs(*p.IdPClientIDs); err != nil {
			return App{}, err
		}
	}
	a, keys, err := s.load(ctx, id)
	if err != nil {
		return App{}, err
	}
	now := s.now()
	detail := map[string]any{}
	tx := dynamo.NewTx()
	next := a
	if p.Name != nil && *p.Name != a.Name {
		next.Name = *p.Name
		detail["name"] = *p.Name
	}
	action := "service_app.update"
	if p.IsActive != nil && *p.IsActive != a.IsActive {
		next.IsActive = *p.IsActive
		detail["is_active"] = *p.IsActive
		action = map[bool]string{true: "service_app.activate", false: "service_app.deactivate"}[next.IsActive]
	}
	if p.AllowedOrigins != nil {
		added, removed := diff(a.AllowedOrigins, *p.AllowedOrigins)
		if len(added)+len(removed) > 0 {
			next.AllowedOrigins = *p.AllowedOrigins
			detail["allowed_origins"] = next.AllowedOrigins
		}
		for _, o := range removed {
			s.release(tx, "ORIGIN#"+o, id)
		}
		s.claimOrigins(tx, added, id)
	}
	if p.IdPClientIDs != nil {
		added, removed := diff(ClientIDs(a.IdPClientIDs).pairs(), p.IdPClientIDs.pairs())
		if len(added)+len(removed) > 0 {
			next.IdPClientIDs = *p.IdPClientIDs
			detail["idp_client_ids"] = *p.IdPClientIDs
		}
		for _, c := range removed {
			s.release(tx, clientClaim+c, id)
		}
		s.claimClientIDs(tx, added, id)
	}
	if len(detail) == 0 {
		return view(a, keys, now), nil
	}
	next.UpdatedAt = dynamo.FormatTime(now)
	next.Version = a.Version + 1
	tx.Add(s.versioned(next, a.Version))
	if next.Name != a.Name || next.IsActive != a.IsActive {
		for i := range keys {
			keys[i].Name, keys[i].IsActive = next.Name, next.IsActive
			tx.Add(s.update(keys[i]))
		}
	}
	if tx.Len() >= dynamo.MaxTransactItems {
		return App{}, apperr.Field("allowed_origins", "change at most 45 origins (fewer when client ids change too) in one update")
	}
	tx.Add(s.log.Put(activity.Entry{Actor: identity.ActorFrom(ctx), Action: action, TargetType: "service_app", TargetID: id, Detail: detail}))
	if err := tx.Write(ctx, s.repo.DB); err != nil {
		return App{}, fmt.Errorf("update service app %s: %w", id, err)
	}
	return view(next, keys, now), nil
}

// versioned writes the app only if nobody changed it since it was read.
func (s *Store) versioned(a appItem, was int) ddb.TransactWriteItem {
	return s.repo.Put(a, "version = :v", dynamo.Item{":v": dynamo.N(was)})
}

// update rewrites a key item that must still exist.
func (s *Store) update(k keyItem) ddb.TransactWriteItem {
	return s.put(k, "attribute_exists(pk)")
}

func diff(old, next []string) (added, removed []string) {
	for _, o := range next {
		if !slices.Contains(old, o) {
			added = append(added, o)
		}
	}
	for _, o := range old {
		if !slices.Contains(next, o) {
			removed = append(removed, o)
		}
	}
	return added, removed
}

// Rotated is the answer to a rotation.
type Rotated struct {
	App
	APIKey               string  `json:"api_key"`
	PreviousKeyExpiresAt *string `json:"previous_key_expires_at"`
}

// Rotate issues a new key. With grace 0 the current key is deleted at once;
// otherwise it keeps working until now+grace (and is then removed by TTL).
// An older previous key is always removed, so an app has at most two keys.
func (s *Store) Rotate(ctx context.Context, id string, graceSeconds int) (Rotated, error) {
	if err := ValidateGrace(graceSeconds); err != nil {
		return Rotated{}, err
	}
	a, keys, err := s.load(ctx, id)
	if err != nil {
		return Rotated{}, err
	}
	now := s.now()
	plain, fresh := s.newKey(a, now)
	next := a
	next.CurrentKey = fresh.KeyHash
	next.UpdatedAt = dynamo.FormatTime(now)
	next.Version = a.Version + 1
	items := []ddb.TransactWriteItem{s.versioned(next, a.Version), s.put(fresh, "attribute_not_exists(pk)")}
	var prevExpires *string
	kept := []keyItem{fresh}
	for _, k := range keys {
		if k.KeyHash != a.CurrentKey || graceSeconds == 0 {
			items = append(items, s.del(k.PK, k.SK))
			continue
		}
		exp := now.Add(time.Duration(graceSeconds) * time.Second)
		k.ExpiresAt = dynamo.FormatTime(exp)
		k.TTL = exp.Add(24 * time.Hour).Unix()
		prevExpires = &k.ExpiresAt
		items = append(items, s.update(k))
		kept = append(kept, k)
	}
	items = append(items, s.log.Put(activity.Entry{
		Actor: identity.ActorFrom(ctx), Action: "service_app.rotate_key", TargetType: "service_app", TargetID: id,
		Detail: map[string]any{"key_prefix": fresh.KeyPrefix, "grace_period_seconds": graceSeconds},
	}))
	if err := dynamo.TransactWrite(ctx, s.repo.DB, items); err != nil {
		return Rotated{}, fmt.Errorf("rotate key of %s: %w", id, err)
	}
	return Rotated{App: view(next, kept, now), APIKey: plain, PreviousKeyExpiresAt: prevExpires}, nil
}

// RevokePrevious ends a grace period now by deleting every key but the
// current one.
func (s *Store) RevokePrevious(ctx context.Context, id string) (App, error) {
	a, keys, err := s.load(ctx, id)
	if err != nil {
		return App{}, err
	}
	now := s.now()
	var items []ddb.TransactWriteItem
	var kept []keyItem
	for _, k := range keys {
		if k.KeyHash == a.CurrentKey {
			kept = append(kept, k)
			continue
		}
		items = append(items, s.del(k.PK, k.SK))
	}
	if len(items) == 0 {
		return view(a, keys, now), nil
	}
	next := a
	next.UpdatedAt = dynamo.FormatTime(now)
	next.Version = a.Version + 1
	items = append(items, s.versioned(next, a.Version), s.log.Put(activity.Entry{
		Actor: identity.ActorFrom(ctx), Action: "service_app.revoke_previous_key", TargetType: "service_app", TargetID: id,
	}))
	if err := dynamo.TransactWrite(ctx, s.repo.DB, items); err != nil {
		return App{}, fmt.Errorf("revoke previous key of %s: %w", id, err)
	}
	return view(next, kept, now), nil
}

// Delete removes the app, its keys and its claims in one transaction,
// leaving a tombstone on its service name, then purges what the app
// registered under the name (resources and their ACLs, service actions,
// their links to roles), so a new app with the same service name starts
// empty. The name is taken until ReuseDelay has passed and a second purge
// has run (reclaim). A failed purge answers an error after the app is
// gone; the purge before the name's reuse completes it.
func (s *Store) Delete(ctx context.Context, id string) error {
	a, keys, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	tombstone := claimItem{PK: "SVC#" + a.ServiceName, SK: skClaim, AppID: id, DeletedAt: dynamo.FormatTime(s.now())}
	items := []ddb.TransactWriteItem{
		s.repo.Delete(dynamo.Key(a.PK, a.SK), "version = :v", dynamo.Item{":v": dynamo.N(a.Version)}),
		s.repo.Put(tombstone, "app_id = :id", dynamo.Item{":id": dynamo.S(id)}),
	}
	for _, k := range keys {
		items = append(items, s.del(k.PK, k.SK))
	}
	for _, o := range a.AllowedOrigins {
		items = append(items, s.del("ORIGIN#"+o, skClaim))
	}
	for _, c := range ClientIDs(a.IdPClientIDs).pairs() {
		items = append(items, s.del(clientClaim+c, skClaim))
	}
	items = append(items, s.log.Put(activity.Entry{
		Actor: identity.ActorFrom(ctx), Action: "service_app.delete", TargetType: "service_app", TargetID: id,
		Detail: map[string]any{"service_name": a.ServiceName},
	}))
	if err := dynamo.TransactWrite(ctx, s.repo.DB, items); err != nil {
		return fmt.Errorf("delete service app %s: %w", id, err)
	}
	// The keys are gone; what the app registered goes now, and once more
	// before a new app takes the name (reclaim).
	return s.purge(ctx, a.ServiceName)
}

// LookupKey finds a key by its hash with one GSI Query. found is false for
// an unknown key: an outcome, not an error.
func (s *Store) LookupKey(ctx context.Context, hash string) (k Key, found bool, err error) {
	out, err := dynamo.Query(ctx, s.repo, &ddb.QueryInput{
		IndexName:                 aws.String("by-key-hash"),
		KeyConditionExpression:    aws.String("key_hash = :h"),
		ExpressionAttributeValues: dynamo.Item{":h": dynamo.S(hash)},
		Limit:                     aws.Int32(1),
	})
	if err != nil {
		return Key{}, false, fmt.Errorf("look up service key: %w", err)
	}
	if len(out.Items) == 0 {
		return Key{}, false, nil
	}
	var it keyItem
	if err := ddb.UnmarshalMap(out.Items[0], &it); err != nil {
		return Key{}, false, fmt.Errorf("decode service key: %w", err)
	}
	k = Key{Hash: it.KeyHash, AppID: it.AppID, ServiceName: it.ServiceName, Name: it.Name, Prefix: it.KeyPrefix, IsActive: it.IsActive}
	if k.ExpiresAt, err = parseOpt(it.ExpiresAt); err != nil {
		return Key{}, false, err
	}
	if k.LastUsedAt, err = parseOpt(it.LastUsedAt); err != nil {
		return Key{}, false, err
	}
	return k, true, nil
}

func parseOpt(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("decode time %q: %w", s, err)
	}
	return &t, nil
}

// TouchKey records that a key was used, at most once a minute: the
// condition makes concurrent functions write once between them.
func (s *Store) TouchKey(ctx context.Context, appID, hash string, now time.Time) error {
	u := s.repo.Update(dynamo.Key(appPK(appID), keyPrefix+hash), "SET last_used_at = :now",
		"attribute_exists(pk) AND (attribute_not_exists(last_used_at) OR last_used_at < :cutoff)",
		dynamo.Item{":now": dynamo.S(dynamo.FormatTime(now)), ":cutoff": dynamo.S(dynamo.FormatTime(now.Add(-time.Minute)))})
	_, err := dynamo.UpdateItem(ctx, s.repo.DB, u, ddb.ReturnValueNone)
	if err != nil && !dynamo.IsConditionFailed(err) {
		return fmt.Errorf("touch service key: %w", err)
	}
	return nil
}

// LookupOrigin finds the app that lists origin (found false if none).
func (s *Store) LookupOrigin(ctx context.Context, origin string) (OriginApp, bool, error) {
	// The origin tier's hot path: eventually consistent reads, half the cost.
	r := s.repo.Eventually()
	c, found, err := dynamo.Get[claimItem](ctx, r, dynamo.Key("ORIGIN#"+origin, skClaim))
	if err != nil || !found {
		return OriginApp{}, false, err
	}
	a, found, err := dynamo.Get[appItem](ctx, r, dynamo.Key(appPK(c.AppID), skApp))
	if err != nil || !found {
		return OriginApp{}, false, err
	}
	return OriginApp{AppID: a.ID, ServiceName: a.ServiceName, Name: a.Name, IsActive: a.IsActive}, true, nil
}

// ClientIDs returns the OIDC client ids the app lists for provider (none:
// the deployment's audience applies); found is false when the app does not
// exist. One strongly consistent GetItem, so a change binds at once.
func (s *Store) ClientIDs(ctx context.Context, appID, provider string) (ids []string, found bool, err error) {
	a, found, err := dynamo.Get[appItem](ctx, s.repo, dynamo.Key(appPK(appID), skApp))
	if err != nil || !found {
		return nil, false, err
	}
	return a.IdPClientIDs[provider], true, nil
}

// ClientIDOwners returns, of the given client ids of provider, those an
// app lists, with that app's id. One BatchGetItem round.
func (s *Store) ClientIDOwners(ctx context.Context, provider string, ids []string) (map[string]string, error) {
	var keys []dynamo.Item
	for _, id := range ids {
		keys = append(keys, dynamo.Key(clientClaim+provider+"#"+id, skClaim))
	}
	owners := map[string]string{}
	if len(keys) == 0 {
		return owners, nil
	}
	claims, err := dynamo.BatchGet[claimItem](ctx, s.repo, keys)
	if err != nil {
		return nil, fmt.Errorf("look up client id claims: %w", err)
	}
	for _, c := range claims {
		owners[strings.TrimPrefix(c.PK, clientClaim+provider+"#")] = c.AppID
	}
	return owners, nil
}
