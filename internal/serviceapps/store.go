package serviceapps

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/identity"
)

// Item layout in the ServiceApps table (see dynamo.ServiceApps):
//
//	APP#<id>        APP          the app (kind=app for the by-kind index)
//	APP#<id>        KEY#<hash>   one per live key, indexed by key_hash,
//	                             carrying what the auth tier needs
//	SVC#<name>      CLAIM        makes service_name unique
//	ORIGIN#<origin> CLAIM        makes each origin belong to one app
//
// Key items share the app's created_sk prefix in the by-kind index, so one
// Query lists every app followed by its keys.
const (
	kindApp   = "app"
	skApp     = "APP"
	skClaim   = "CLAIM"
	keyPrefix = "KEY#"
	// maxTransactItems is DynamoDB's limit on one transaction.
	maxTransactItems = 100
)

type appItem struct {
	PK             string   `dynamodbav:"pk"`
	SK             string   `dynamodbav:"sk"`
	Kind           string   `dynamodbav:"kind"`
	CreatedSK      string   `dynamodbav:"created_sk"`
	ID             string   `dynamodbav:"id"`
	Name           string   `dynamodbav:"name"`
	ServiceName    string   `dynamodbav:"service_name"`
	AllowedOrigins []string `dynamodbav:"allowed_origins"`
	IsActive       bool     `dynamodbav:"is_active"`
	CreatedBy      string   `dynamodbav:"created_by"`
	CreatedAt      string   `dynamodbav:"created_at"`
	UpdatedAt      string   `dynamodbav:"updated_at"`
	CurrentKey     string   `dynamodbav:"current_key"`
	Version        int      `dynamodbav:"version"`
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
}

// Store keeps service apps in DynamoDB.
type Store struct {
	db       dynamo.DB
	table    string
	log      *activity.Log
	now      func() time.Time
	keyStage string // "sk_test_" or "sk_live_"
}

// NewStore returns a store over the ServiceApps table that records changes
// in log and issues keys with keyStage as prefix.
func NewStore(db dynamo.DB, table string, log *activity.Log, now func() time.Time, keyStage string) *Store {
	return &Store{db: db, table: table, log: log, now: now, keyStage: keyStage}
}

func appPK(id string) string { return "APP#" + id }

func (s *Store) put(item any, cond string) types.TransactWriteItem {
	return dynamo.Put(s.table, item, cond)
}

func (s *Store) del(pk, sk string) types.TransactWriteItem { return dynamo.Delete(s.table, pk, sk) }

func (s *Store) newKey(app appItem, now time.Time) (string, keyItem) {
	plain := NewKey(s.keyStage)
	hash := HashKey(plain)
	at := dynamo.FormatTime(now)
	return plain, keyItem{
		PK: appPK(app.ID), SK: keyPrefix + hash, Kind: kindApp, CreatedSK: app.CreatedSK + "#K#" + at + "#" + hash[:8],
		KeyHash: hash, AppID: app.ID, ServiceName: app.ServiceName, Name: app.Name,
		KeyPrefix: plain[:PrefixLen], IsActive: app.IsActive, CreatedAt: at,
	}
}

func (s *Store) claims(kind string, values []string, appID string) []types.TransactWriteItem {
	var out []types.TransactWriteItem
	for _, v := range values {
		out = append(out, s.put(claimItem{PK: kind + v, SK: skClaim, AppID: appID}, "attribute_not_exists(pk)"))
	}
	return out
}

// conflict turns a cancelled transaction into the 409 that names what was
// taken; items lists what each transaction item claimed ("" for none).
func conflict(err error, items []string) error {
	for _, i := range dynamo.CancelledAt(err) {
		if i < len(items) && items[i] != "" {
			return apperr.New(apperr.Conflict, "%s", items[i])
		}
	}
	if dynamo.IsConditionFailed(err) {
		return apperr.New(apperr.Conflict, "The service app was changed concurrently; retry")
	}
	return err
}

// CreateInput is what an admin supplies.
type CreateInput struct {
	Name           string   `json:"name"`
	ServiceName    string   `json:"service_name"`
	AllowedOrigins []string `json:"allowed_origins"`
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
	return ValidateOrigins(in.AllowedOrigins)
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
		ServiceName: in.ServiceName, AllowedOrigins: in.AllowedOrigins, IsActive: true,
		CreatedBy: identity.ActorFrom(ctx), CreatedAt: at, UpdatedAt: at, Version: 1,
	}
	plain, key := s.newKey(app, now)
	app.CurrentKey = key.KeyHash
	items := []types.TransactWriteItem{s.put(app, "attribute_not_exists(pk)"), s.put(key, "")}
	what := []string{"", ""}
	items = append(items, s.claims("SVC#", []string{in.ServiceName}, id)...)
	what = append(what, fmt.Sprintf("service_name '%s' is already taken", in.ServiceName))
	items = append(items, s.claims("ORIGIN#", in.AllowedOrigins, id)...)
	for _, o := range in.AllowedOrigins {
		what = append(what, fmt.Sprintf("Origin '%s' is already used by another service app", o))
	}
	items = append(items, s.log.Put(activity.Entry{
		Actor: app.CreatedBy, Action: "service_app.create", TargetType: "service_app", TargetID: id,
		Detail: map[string]any{"service_name": in.ServiceName, "name": in.Name, "key_prefix": key.KeyPrefix},
	}))
	if err := dynamo.TransactWrite(ctx, s.db, items); err != nil {
		return App{}, "", fmt.Errorf("create service app: %w", conflict(err, what))
	}
	return view(app, []keyItem{key}, now), plain, nil
}

// load reads an app and its keys with one strongly consistent Query.
func (s *Store) load(ctx context.Context, id string) (appItem, []keyItem, error) {
	if _, err := uuid.Parse(id); err != nil {
		return appItem{}, nil, apperr.New(apperr.NotFound, "Service app not found")
	}
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": dynamo.S(appPK(id))},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return appItem{}, nil, fmt.Errorf("load service app %s: %w", id, err)
	}
	app, keys, err := decode(out.Items)
	if err != nil {
		return appItem{}, nil, err
	}
	if len(app) == 0 {
		return appItem{}, nil, apperr.New(apperr.NotFound, "Service app not found")
	}
	return app[0], keys[app[0].ID], nil
}

// decode splits items into apps (in order) and keys by app id.
func decode(items []map[string]types.AttributeValue) ([]appItem, map[string][]keyItem, error) {
	var apps []appItem
	keys := map[string][]keyItem{}
	for _, it := range items {
		sk, _ := it["sk"].(*types.AttributeValueMemberS)
		if sk == nil {
			continue
		}
		switch {
		case sk.Value == skApp:
			var a appItem
			if err := attributevalue.UnmarshalMap(it, &a); err != nil {
				return nil, nil, fmt.Errorf("decode service app: %w", err)
			}
			apps = append(apps, a)
		case len(sk.Value) > len(keyPrefix) && sk.Value[:len(keyPrefix)] == keyPrefix:
			var k keyItem
			if err := attributevalue.UnmarshalMap(it, &k); err != nil {
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
		ID: a.ID, Name: a.Name, ServiceName: a.ServiceName, AllowedOrigins: a.AllowedOrigins, IsActive: a.IsActive,
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
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		IndexName:                 aws.String("by-kind"),
		KeyConditionExpression:    aws.String("kind = :k"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": dynamo.S(kindApp)},
	}
	var items []map[string]types.AttributeValue
	p := dynamodb.NewQueryPaginator(s.db, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list service apps: %w", err)
		}
		items = append(items, out.Items...)
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
	Name           *string   `json:"name"`
	IsActive       *bool     `json:"is_active"`
	AllowedOrigins *[]string `json:"allowed_origins"`
}

// Update applies a patch. Name and activity are copied onto the key items
// (the auth tier reads only those) in the same transaction; origins are
// claimed and released there too.
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
	a, keys, err := s.load(ctx, id)
	if err != nil {
		return App{}, err
	}
	now := s.now()
	detail := map[string]any{}
	var items []types.TransactWriteItem
	var what []string
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
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{
				TableName: aws.String(s.table), Key: dynamo.Key("ORIGIN#"+o, skClaim),
				ConditionExpression:       aws.String("app_id = :id"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":id": dynamo.S(id)},
			}})
			what = append(what, "")
		}
		items = append(items, s.claims("ORIGIN#", added, id)...)
		for _, o := range added {
			what = append(what, fmt.Sprintf("Origin '%s' is already used by another service app", o))
		}
	}
	if len(detail) == 0 {
		return view(a, keys, now), nil
	}
	next.UpdatedAt = dynamo.FormatTime(now)
	next.Version = a.Version + 1
	items = append(items, s.versioned(next, a.Version))
	what = append(what, "")
	if next.Name != a.Name || next.IsActive != a.IsActive {
		for i := range keys {
			keys[i].Name, keys[i].IsActive = next.Name, next.IsActive
			items = append(items, s.update(keys[i]))
			what = append(what, "")
		}
	}
	if len(items) >= maxTransactItems {
		return App{}, apperr.Field("allowed_origins", "change at most 45 origins in one update")
	}
	items = append(items, s.log.Put(activity.Entry{Actor: identity.ActorFrom(ctx), Action: action, TargetType: "service_app", TargetID: id, Detail: detail}))
	if err := dynamo.TransactWrite(ctx, s.db, items); err != nil {
		return App{}, fmt.Errorf("update service app %s: %w", id, conflict(err, what))
	}
	return view(next, keys, now), nil
}

// versioned writes the app only if nobody changed it since it was read.
func (s *Store) versioned(a appItem, was int) types.TransactWriteItem {
	item := s.put(a, "version = :v")
	item.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: fmt.Sprint(was)}}
	return item
}

// update rewrites a key item that must still exist.
func (s *Store) update(k keyItem) types.TransactWriteItem {
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
	items := []types.TransactWriteItem{s.versioned(next, a.Version), s.put(fresh, "attribute_not_exists(pk)")}
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
	if err := dynamo.TransactWrite(ctx, s.db, items); err != nil {
		return Rotated{}, fmt.Errorf("rotate key of %s: %w", id, conflict(err, nil))
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
	var items []types.TransactWriteItem
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
	if err := dynamo.TransactWrite(ctx, s.db, items); err != nil {
		return App{}, fmt.Errorf("revoke previous key of %s: %w", id, conflict(err, nil))
	}
	return view(next, kept, now), nil
}

// Delete removes the app, its keys and its claims in one transaction.
func (s *Store) Delete(ctx context.Context, id string) error {
	a, keys, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{s.del(a.PK, a.SK), s.del("SVC#"+a.ServiceName, skClaim)}
	items[0].Delete.ConditionExpression = aws.String("version = :v")
	items[0].Delete.ExpressionAttributeValues = map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: fmt.Sprint(a.Version)}}
	for _, k := range keys {
		items = append(items, s.del(k.PK, k.SK))
	}
	for _, o := range a.AllowedOrigins {
		items = append(items, s.del("ORIGIN#"+o, skClaim))
	}
	items = append(items, s.log.Put(activity.Entry{
		Actor: identity.ActorFrom(ctx), Action: "service_app.delete", TargetType: "service_app", TargetID: id,
		Detail: map[string]any{"service_name": a.ServiceName},
	}))
	if err := dynamo.TransactWrite(ctx, s.db, items); err != nil {
		return fmt.Errorf("delete service app %s: %w", id, conflict(err, nil))
	}
	return nil
}

// LookupKey finds a key by its hash with one GSI Query. found is false for
// an unknown key: an outcome, not an error.
func (s *Store) LookupKey(ctx context.Context, hash string) (k Key, found bool, err error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		IndexName:                 aws.String("by-key-hash"),
		KeyConditionExpression:    aws.String("key_hash = :h"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": dynamo.S(hash)},
		Limit:                     aws.Int32(1),
	})
	if err != nil {
		return Key{}, false, fmt.Errorf("look up service key: %w", err)
	}
	if len(out.Items) == 0 {
		return Key{}, false, nil
	}
	var it keyItem
	if err := attributevalue.UnmarshalMap(out.Items[0], &it); err != nil {
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
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.table),
		Key:                 dynamo.Key(appPK(appID), keyPrefix+hash),
		UpdateExpression:    aws.String("SET last_used_at = :now"),
		ConditionExpression: aws.String("attribute_exists(pk) AND (attribute_not_exists(last_used_at) OR last_used_at < :cutoff)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now": dynamo.S(dynamo.FormatTime(now)), ":cutoff": dynamo.S(dynamo.FormatTime(now.Add(-time.Minute))),
		},
	})
	if err != nil && !dynamo.IsConditionFailed(err) {
		return fmt.Errorf("touch service key: %w", err)
	}
	return nil
}

// OriginApp is the app an allowed origin belongs to.
type OriginApp struct {
	AppID, ServiceName, Name string
	IsActive                 bool
}

// LookupOrigin finds the app that lists origin (found false if none).
func (s *Store) LookupOrigin(ctx context.Context, origin string) (OriginApp, bool, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: dynamo.Key("ORIGIN#"+origin, skClaim)})
	if err != nil {
		return OriginApp{}, false, fmt.Errorf("look up origin: %w", err)
	}
	if out.Item == nil {
		return OriginApp{}, false, nil
	}
	var c claimItem
	if err := attributevalue.UnmarshalMap(out.Item, &c); err != nil {
		return OriginApp{}, false, fmt.Errorf("decode origin claim: %w", err)
	}
	got, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: dynamo.Key(appPK(c.AppID), skApp)})
	if err != nil {
		return OriginApp{}, false, fmt.Errorf("look up origin app: %w", err)
	}
	if got.Item == nil {
		return OriginApp{}, false, nil
	}
	var a appItem
	if err := attributevalue.UnmarshalMap(got.Item, &a); err != nil {
		return OriginApp{}, false, fmt.Errorf("decode service app: %w", err)
	}
	return OriginApp{AppID: a.ID, ServiceName: a.ServiceName, Name: a.Name, IsActive: a.IsActive}, true, nil
}
