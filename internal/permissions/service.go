package permissions

import (
	"context"
	"errors"
	"fmt"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/authtier"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/identity"
)

// The service layer: every operation the handlers (and other areas) call
// validates its input here — the one place it is validated (422 naming the
// field; a malformed id in a path names nothing: 404) — holds the caller to
// its scope (a backend to its own service's resources, a user to their
// token's workspace), decides, and builds the activity entry of an admin's
// change. Storage (store.go, lookup.go, admin.go) reads and writes items
// through internal/dynamo, commits the entry it is given in the change's
// transaction, and never validates.

// Register stores a resource for the calling backend (idempotent: an
// existing resource is returned unchanged).
func (s *Store) Register(ctx context.Context, in RegisterInput) (ResourcePermission, error) {
	if err := in.Validate(); err != nil {
		return ResourcePermission{}, err
	}
	if err := authtier.RequireScope(ctx, in.ServiceName); err != nil {
		return ResourcePermission{}, err
	}
	return s.register(ctx, in)
}

// Check answers checks, in order, for the user of the request's token;
// every check must name the calling backend's service (403 before anything
// is read).
func (s *Store) Check(ctx context.Context, checks []Check) ([]CheckResult, error) {
	if checks == nil {
		return nil, apperr.Field("checks", "is required")
	}
	if len(checks) > MaxChecks {
		return nil, apperr.Field("checks", fmt.Sprintf("must have at most %d entries", MaxChecks))
	}
	for i := range checks {
		if err := checks[i].validate(i); err != nil {
			return nil, err
		}
	}
	for _, c := range checks {
		if err := authtier.RequireScope(ctx, c.ServiceName); err != nil {
			return nil, err
		}
	}
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	allowed, err := s.check(ctx, p, checks)
	if err != nil {
		return nil, err
	}
	results := make([]CheckResult, len(checks))
	for i, c := range checks {
		results[i] = CheckResult{Check: c, Allowed: allowed[i]}
	}
	return results, nil
}

// Accessible lists what the token's user may act on, in the token's own
// workspace only (403).
func (s *Store) Accessible(ctx context.Context, in AccessibleInput) (AccessiblePage, error) {
	if err := in.Validate(); err != nil {
		return AccessiblePage{}, err
	}
	if err := authtier.RequireScope(ctx, in.ServiceName); err != nil {
		return AccessiblePage{}, err
	}
	p, err := principal(ctx)
	if err != nil {
		return AccessiblePage{}, err
	}
	if in.WorkspaceID != p.WorkspaceID {
		return AccessiblePage{}, apperr.New(apperr.Forbidden, "Cross-workspace lookup not allowed")
	}
	return s.accessible(ctx, p, in)
}

// Share grants a share on the resource permission id names, or changes the
// grantee's level. An admin may share any resource; a backend only its own
// service's, for a user of the resource's workspace who owns it or is an
// owner or admin there.
func (s *Store) Share(ctx context.Context, id string, in ShareInput) error {
	if err := in.validate(true); err != nil {
		return err
	}
	ref, err := s.scopedRef(ctx, id)
	if err != nil {
		return err
	}
	by, err := grantor(ctx, ref)
	if err != nil {
		return err
	}
	return s.share(ctx, ref, in, by, s.audit(ctx, activity.Entry{
		Action: "permission.share", TargetType: targetType, TargetID: ref.ID,
		Detail: map[string]any{"grantee_type": in.Type, "grantee_id": in.ID, "permission": in.Permission},
	}))
}

// Unshare revokes the grantee's share (404 when there is none).
func (s *Store) Unshare(ctx context.Context, id string, in ShareInput) error {
	if err := in.validate(false); err != nil {
		return err
	}
	ref, err := s.scopedRef(ctx, id)
	if err != nil {
		return err
	}
	return s.unshare(ctx, ref, in.Grantee, s.audit(ctx, activity.Entry{
		Action: "permission.unshare", TargetType: targetType, TargetID: ref.ID, Detail: map[string]any{"grantee_type": in.Type, "grantee_id": in.ID},
	}))
}

// SetVisibility changes the visibility of the resource id names and
// returns its record.
func (s *Store) SetVisibility(ctx context.Context, id string, in VisibilityInput) (ResourcePermission, error) {
	if err := in.Validate(); err != nil {
		return ResourcePermission{}, err
	}
	ref, err := s.scopedRef(ctx, id)
	if err != nil {
		return ResourcePermission{}, err
	}
	return s.setVisibility(ctx, ref, in.Visibility, s.audit(ctx, activity.Entry{
		Action: "permission.update_visibility", TargetType: targetType, TargetID: ref.ID, Detail: map[string]any{"visibility": in.Visibility},
	}))
}

// Resource returns the record and shares of one of the calling backend's
// resources.
func (s *Store) Resource(ctx context.Context, c Coords) (ResourcePermission, error) {
	if err := s.ownCoords(ctx, &c); err != nil {
		return ResourcePermission{}, err
	}
	return s.Get(ctx, c)
}

// EnrichedResource is Resource with the people it mentions named.
func (s *Store) EnrichedResource(ctx context.Context, c Coords) (Enriched, error) {
	if err := s.ownCoords(ctx, &c); err != nil {
		return Enriched{}, err
	}
	return s.enriched(ctx, c)
}

// Permission returns, enriched, the resource a permission id names (admin).
func (s *Store) Permission(ctx context.Context, id string) (Enriched, error) {
	ref, err := s.scopedRef(ctx, id)
	if err != nil {
		return Enriched{}, err
	}
	return s.enriched(ctx, ref.Coords())
}

// Deregister removes one of the calling backend's resources with its
// shares.
func (s *Store) Deregister(ctx context.Context, c Coords) error {
	if err := s.ownCoords(ctx, &c); err != nil {
		return err
	}
	return s.remove(ctx, recordPK(c))
}

// List answers one page of the admin list; the filter needs a workspace
// or a service (there is no index over all resources, and no Scan).
func (s *Store) List(ctx context.Context, f Filter) (Page, error) {
	var errs []error
	if f.WorkspaceID != "" {
		errs = append(errs, canonicalUUID("workspace_id", &f.WorkspaceID))
	}
	if f.ServiceName != "" {
		errs = append(errs, validName("service_name", f.ServiceName))
	}
	if f.ResourceType != "" {
		errs = append(errs, validName("resource_type", f.ResourceType))
	}
	if err := first(errs...); err != nil {
		return Page{}, err
	}
	switch {
	case f.ResourceType != "" && f.ServiceName == "":
		return Page{}, apperr.New(apperr.BadRequest, "resource_type needs service_name")
	case f.WorkspaceID == "" && f.ServiceName == "":
		return Page{}, apperr.New(apperr.BadRequest, "Filter by workspace_id or service_name")
	}
	return s.list(ctx, f)
}

// PurgeService removes every resource of a service with its shares and
// returns how many it removed; an admin's purge is recorded once done.
func (s *Store) PurgeService(ctx context.Context, serviceName string) (int, error) {
	if err := validName("service_name", serviceName); err != nil {
		return 0, err
	}
	n, err := s.purge(ctx, query{index: byService, pk: serviceName})
	if err != nil {
		return n, err
	}
	if actor := identity.ActorFrom(ctx); actor != "" {
		err = s.log.Record(ctx, activity.Entry{
			Actor: actor, Action: "permission.purge_service", TargetType: "service", TargetID: serviceName,
			Detail: map[string]any{"deleted_count": n},
		})
	}
	return n, err
}

// audit is the activity entry of a change an admin makes (none for a
// backend's calls: they come at request rates, and the log holds admin
// mutations, api.md section 8, in one partition sized for those), for
// storage to commit with the change.
func (s *Store) audit(ctx context.Context, e activity.Entry) []ddb.TransactWriteItem {
	actor := identity.ActorFrom(ctx)
	if actor == "" {
		return nil
	}
	e.Actor = actor
	return []ddb.TransactWriteItem{s.log.Put(e)}
}

// principal is the user a dual-tier request acts for.
func principal(ctx context.Context) (Principal, error) {
	u, ok := identity.UserFrom(ctx)
	if !ok {
		return Principal{}, errors.New("permissions: no user token on the request")
	}
	return Principal{UserID: u.ID, WorkspaceID: u.WorkspaceID, Role: u.Role, Groups: u.Groups}, nil
}

// scopedRef looks up a permission id; the record's service is the scope: a
// backend may address only its own service's resources.
func (s *Store) scopedRef(ctx context.Context, id string) (Ref, error) {
	ref, err := s.Ref(ctx, id)
	if err != nil {
		return Ref{}, err
	}
	if _, backend := identity.ServiceFrom(ctx); backend {
		err = authtier.RequireScope(ctx, ref.ServiceName)
	}
	return ref, err
}

// ownCoords holds a backend to its own service's resources (403), and a
// malformed type or id names nothing (404, no DynamoDB call).
func (s *Store) ownCoords(ctx context.Context, c *Coords) error {
	if err := authtier.RequireScope(ctx, c.Service); err != nil {
		return err
	}
	if validName("resource_type", c.Type) != nil || canonicalUUID("resource_id", &c.ResourceID) != nil {
		return errNoResource
	}
	return nil
}

// grantor is who grants a share: the signed-in admin, or the user a
// backend acts for, who must be in the resource's workspace and own the
// resource or be an owner or admin of the workspace.
func grantor(ctx context.Context, ref Ref) (string, error) {
	if a, ok := identity.AdminFrom(ctx); ok {
		return a.ID, nil
	}
	p, err := principal(ctx)
	if err != nil {
		return "", err
	}
	if ref.WorkspaceID != p.WorkspaceID {
		return "", apperr.New(apperr.Forbidden, "Cross-workspace sharing not allowed")
	}
	if ref.OwnerID != p.UserID && !p.fullAccess() {
		return "", apperr.New(apperr.Forbidden, "Only the resource owner or workspace admin can share")
	}
	return p.UserID, nil
}

// enriched reads a record and names its people.
func (s *Store) enriched(ctx context.Context, c Coords) (Enriched, error) {
	rp, err := s.Get(ctx, c)
	if err != nil {
		return Enriched{}, err
	}
	return s.Enrich(ctx, rp)
}
