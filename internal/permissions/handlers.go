package permissions

import (
	"net/http"

	"sentinel/internal/identity"
	"sentinel/internal/metrics"
	"sentinel/internal/web"
)

// Handlers serves the permission routes: the service API (api.md section
// 4) and the admin API's permissions row (section 8). The routes addressed
// by permission id serve backends and admins alike: a backend is held to
// its own service's resources, an admin is not. Handlers only decode and
// answer: validation, scope and rules are the service layer's (service.go).
type Handlers struct{ Store *Store }

var statusOK = map[string]string{"status": "ok"}

// CheckInput is the body of POST /permissions/check.
type CheckInput struct {
	Checks []Check `json:"checks"`
}

// CheckOutput is its answer, a result per check in order.
type CheckOutput struct {
	Results []CheckResult `json:"results"`
}

// coords is the resource /permissions/resource/{service}/{type}/{resource_id} names.
func coords(r *http.Request) Coords {
	return Coords{Service: r.PathValue("service"), Type: r.PathValue("type"), ResourceID: r.PathValue("resource_id")}
}

// Register serves POST /permissions/register.
func (h Handlers) Register(r *http.Request) (int, any, error) {
	var in RegisterInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	rp, err := h.Store.Register(r.Context(), in)
	return 201, rp, err
}

// Check serves POST /permissions/check: answers come in request order.
func (h Handlers) Check(r *http.Request) (int, any, error) {
	var in CheckInput
	if err := web.DecodeFast(r, &in, func(body []byte) bool { return decodeCheckInput(body, &in) }); err != nil {
		return 0, nil, err
	}
	results, err := h.Store.Check(r.Context(), in.Checks)
	if err == nil {
		svc := identity.ServiceName(r.Context())
		for _, res := range results {
			metrics.Check(r.Context(), svc, res.Allowed)
		}
	}
	return 200, CheckOutput{Results: results}, err
}

// Accessible serves POST /permissions/accessible.
func (h Handlers) Accessible(r *http.Request) (int, any, error) {
	var in AccessibleInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	page, err := h.Store.Accessible(r.Context(), in)
	return 200, page, err
}

// Share serves POST /permissions/{id}/share (dual tier) and
// POST /admin/permissions/{id}/share. Granting the same grantee again
// changes the level.
func (h Handlers) Share(r *http.Request) (int, any, error) {
	var in ShareInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	return 201, statusOK, h.Store.Share(r.Context(), r.PathValue("id"), in)
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
	return 200, statusOK, h.Store.Unshare(r.Context(), r.PathValue("id"), in)
}

// Visibility serves PATCH /permissions/{id}/visibility (key tier; a bearer
// token is ignored) and PATCH /admin/permissions/{id}/visibility.
func (h Handlers) Visibility(r *http.Request) (int, any, error) {
	var in VisibilityInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	rp, err := h.Store.SetVisibility(r.Context(), r.PathValue("id"), in)
	return 200, rp, err
}

// Resource serves GET /permissions/resource/{service}/{type}/{resource_id}.
func (h Handlers) Resource(r *http.Request) (int, any, error) {
	rp, err := h.Store.Resource(r.Context(), coords(r))
	return 200, rp, err
}

// Enriched serves GET /permissions/resource/{service}/{type}/{resource_id}/enriched.
func (h Handlers) Enriched(r *http.Request) (int, any, error) {
	e, err := h.Store.EnrichedResource(r.Context(), coords(r))
	return 200, e, err
}

// Deregister serves DELETE /permissions/resource/{service}/{type}/{resource_id}.
func (h Handlers) Deregister(r *http.Request) (int, any, error) {
	return 204, nil, h.Store.Deregister(r.Context(), coords(r))
}

// List serves GET /admin/permissions?workspace_id=&service_name=&resource_type=&limit=&cursor=.
func (h Handlers) List(r *http.Request) (int, any, error) {
	limit, err := web.ParseListLimit(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	page, err := h.Store.List(r.Context(), Filter{
		WorkspaceID: q.Get("workspace_id"), ServiceName: q.Get("service_name"), ResourceType: q.Get("resource_type"),
		Limit: limit, Cursor: q.Get("cursor"),
	})
	return 200, page, err
}

// Get serves GET /admin/permissions/{id}: the record, enriched.
func (h Handlers) Get(r *http.Request) (int, any, error) {
	e, err := h.Store.Permission(r.Context(), r.PathValue("id"))
	return 200, e, err
}

// PurgeService serves DELETE /admin/permissions/service/{service_name}:
// every resource of the service goes, with its shares.
func (h Handlers) PurgeService(r *http.Request) (int, any, error) {
	n, err := h.Store.PurgeService(r.Context(), r.PathValue("service_name"))
	return 200, map[string]any{"status": "ok", "deleted_count": n}, err
}
