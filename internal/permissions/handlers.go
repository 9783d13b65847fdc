package permissions

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"sentinel/internal/apperr"
	"sentinel/internal/authtier"
	"sentinel/internal/identity"
	"sentinel/internal/web"
)

// Handlers serves the permission routes: the service API (api.md section
// 4) and the admin API's permissions row (section 8). The routes addressed
// by permission id serve backends and admins alike: a backend is held to
// its own service's resources, an admin is not.
type Handlers struct{ Store *Store }

var statusOK = map[string]string{"status": "ok"}

// validated is a request body that checks itself.
type validated interface{ Validate() error }

// decodeBody reads a JSON body and validates it (422 naming the field).
func decodeBody(r *http.Request, v validated) error {
	if err := web.Decode(r, v); err != nil {
		return err
	}
	return v.Validate()
}

// principal is the user a dual-tier request acts for.
func principal(ctx context.Context) (Principal, error) {
	u, ok := identity.UserFrom(ctx)
	if !ok {
		return Principal{}, errors.New("permissions: no user token on the request")
	}
	return Principal{UserID: u.ID, WorkspaceID: u.WorkspaceID, Role: u.Role, Groups: u.Groups}, nil
}

// ref looks up the permission id of the path. The record's service is the
// scope: a backend may address only its own service's resources.
func (h Handlers) ref(r *http.Request) (Ref, error) {
	ref, err := h.Store.Ref(r.Context(), r.PathValue("id"))
	if err != nil {
		return Ref{}, err
	}
	if _, backend := identity.ServiceFrom(r.Context()); backend {
		err = authtier.RequireScope(r.Context(), ref.ServiceName)
	}
	return ref, err
}

// coords reads the resource /permissions/resource/{service}/{type}/{resource_id}
// names: the caller's own service only (403), and a malformed type or id
// names nothing (404, no DynamoDB call).
func coords(r *http.Request) (Coords, error) {
	c := Coords{Service: r.PathValue("service"), Type: r.PathValue("type"), ResourceID: r.PathValue("resource_id")}
	if err := authtier.RequireScope(r.Context(), c.Service); err != nil {
		return Coords{}, err
	}
	if validName("resource_type", c.Type) != nil || canonicalUUID("resource_id", &c.ResourceID) != nil {
		return Coords{}, apperr.New(apperr.NotFound, "Resource not found")
	}
	return c, nil
}

// Register serves POST /permissions/register.
func (h Handlers) Register(r *http.Request) (int, any, error) {
	var in RegisterInput
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	if err := authtier.RequireScope(r.Context(), in.ServiceName); err != nil {
		return 0, nil, err
	}
	rp, err := h.Store.Register(r.Context(), in)
	return 201, rp, err
}

type checkRequest struct {
	Checks []Check `json:"checks"`
}

func (in *checkRequest) Validate() error {
	if in.Checks == nil {
		return apperr.Field("checks", "is required")
	}
	if len(in.Checks) > MaxChecks {
		return apperr.Field("checks", fmt.Sprintf("must have at most %d entries", MaxChecks))
	}
	for i := range in.Checks {
		if err := in.Checks[i].validate(i); err != nil {
			return err
		}
	}
	return nil
}

// Check serves POST /permissions/check: every check must name the caller's
// service (403 before anything is read); answers come in request order.
func (h Handlers) Check(r *http.Request) (int, any, error) {
	var in checkRequest
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	for _, c := range in.Checks {
		if err := authtier.RequireScope(r.Context(), c.ServiceName); err != nil {
			return 0, nil, err
		}
	}
	p, err := principal(r.Context())
	if err != nil {
		return 0, nil, err
	}
	allowed, err := h.Store.Check(r.Context(), p, in.Checks)
	if err != nil {
		return 0, nil, err
	}
	results := make([]CheckResult, len(in.Checks))
	for i, c := range in.Checks {
		results[i] = CheckResult{Check: c, Allowed: allowed[i]}
	}
	return 200, map[string]any{"results": results}, nil
}

// Accessible serves POST /permissions/accessible: only for the token's own
// workspace (403).
func (h Handlers) Accessible(r *http.Request) (int, any, error) {
	var in AccessibleInput
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	if err := authtier.RequireScope(r.Context(), in.ServiceName); err != nil {
		return 0, nil, err
	}
	p, err := principal(r.Context())
	if err != nil {
		return 0, nil, err
	}
	if in.WorkspaceID != p.WorkspaceID {
		return 0, nil, apperr.New(apperr.Forbidden, "Cross-workspace lookup not allowed")
	}
	ids, full, err := h.Store.Accessible(r.Context(), p, in)
	return 200, map[string]any{"resource_ids": ids, "has_full_access": full}, err
}

// Validate checks a grant: the level is required.
func (in *ShareInput) Validate() error { return in.validate(true) }

// Share serves POST /permissions/{id}/share (dual tier) and
// POST /admin/permissions/{id}/share. Granting the same grantee again
// changes the level.
func (h Handlers) Share(r *http.Request) (int, any, error) {
	var in ShareInput
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	ref, err := h.ref(r)
	if err != nil {
		return 0, nil, err
	}
	by, err := grantor(r.Context(), ref)
	if err != nil {
		return 0, nil, err
	}
	return 201, statusOK, h.Store.Share(r.Context(), ref, in, by)
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

// Unshare serves DELETE /permissions/{id}/share (key tier: the bearer token
// the original SDK sends along is ignored) and DELETE
// /admin/permissions/{id}/share, both with a {grantee_type, grantee_id}
// body. A missing share is a 404.
func (h Handlers) Unshare(r *http.Request) (int, any, error) {
	var in ShareInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	if err := in.validate(false); err != nil {
		return 0, nil, err
	}
	ref, err := h.ref(r)
	if err != nil {
		return 0, nil, err
	}
	return 200, statusOK, h.Store.Unshare(r.Context(), ref, in.Grantee)
}

// Validate checks the visibility.
func (in *VisibilityInput) Validate() error {
	return oneOf("visibility", in.Visibility, Private, Workspace)
}

// Visibility serves PATCH /permissions/{id}/visibility (key tier; a bearer
// token is ignored) and PATCH /admin/permissions/{id}/visibility.
func (h Handlers) Visibility(r *http.Request) (int, any, error) {
	var in VisibilityInput
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	ref, err := h.ref(r)
	if err != nil {
		return 0, nil, err
	}
	rp, err := h.Store.SetVisibility(r.Context(), ref, in.Visibility)
	return 200, rp, err
}

// Resource serves GET /permissions/resource/{service}/{type}/{resource_id}.
func (h Handlers) Resource(r *http.Request) (int, any, error) {
	c, err := coords(r)
	if err != nil {
		return 0, nil, err
	}
	rp, err := h.Store.Get(r.Context(), c)
	return 200, rp, err
}

// Enriched serves GET /permissions/resource/{service}/{type}/{resource_id}/enriched.
func (h Handlers) Enriched(r *http.Request) (int, any, error) {
	c, err := coords(r)
	if err != nil {
		return 0, nil, err
	}
	return h.enriched(r.Context(), c)
}

func (h Handlers) enriched(ctx context.Context, c Coords) (int, any, error) {
	rp, err := h.Store.Get(ctx, c)
	if err != nil {
		return 0, nil, err
	}
	e, err := h.Store.Enrich(ctx, rp)
	return 200, e, err
}

// Deregister serves DELETE /permissions/resource/{service}/{type}/{resource_id}.
func (h Handlers) Deregister(r *http.Request) (int, any, error) {
	c, err := coords(r)
	if err != nil {
		return 0, nil, err
	}
	return 204, nil, h.Store.Deregister(r.Context(), c)
}

// List serves GET /admin/permissions?workspace_id=&service_name=&resource_type=&limit=&cursor=.
func (h Handlers) List(r *http.Request) (int, any, error) {
	limit, err := web.ParseListLimit(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	f := Filter{
		WorkspaceID: q.Get("workspace_id"), ServiceName: q.Get("service_name"), ResourceType: q.Get("resource_type"),
		Limit: limit, Cursor: q.Get("cursor"),
	}
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
		return 0, nil, err
	}
	page, err := h.Store.List(r.Context(), f)
	return 200, page, err
}

// Get serves GET /admin/permissions/{id}: the record, enriched.
func (h Handlers) Get(r *http.Request) (int, any, error) {
	ref, err := h.ref(r)
	if err != nil {
		return 0, nil, err
	}
	return h.enriched(r.Context(), ref.Coords())
}

// PurgeService serves DELETE /admin/permissions/service/{service_name}:
// every resource of the service goes, with its shares.
func (h Handlers) PurgeService(r *http.Request) (int, any, error) {
	name := r.PathValue("service_name")
	if err := validName("service_name", name); err != nil {
		return 0, nil, err
	}
	n, err := h.Store.PurgeService(r.Context(), name)
	return 200, map[string]any{"status": "ok", "deleted_count": n}, err
}
