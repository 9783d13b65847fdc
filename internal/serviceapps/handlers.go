package serviceapps

import (
	"net/http"

	"sentinel/internal/directory"
	"sentinel/internal/idempotency"
	"sentinel/internal/web"
)

// Handlers serves the admin API for service apps (api.md section 3).
type Handlers struct{ Store *Store }

// List serves GET /admin/service-apps (?q= searches them, see Search).
func (h Handlers) List(r *http.Request) (int, any, error) {
	q := r.URL.Query().Get("q")
	if err := directory.ValidateQuery(q); err != nil {
		return 0, nil, err
	}
	apps, err := h.Store.List(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return 200, Search(apps, q), nil
}

// Create serves POST /admin/service-apps.
func (h Handlers) Create(r *http.Request) (int, any, error) {
	var in CreateInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	ctx, err := idempotency.Bind(r, in)
	if err != nil {
		return 0, nil, err
	}
	app, key, err := h.Store.Create(ctx, in)
	return 201, Created{app, key}, err
}

// Get serves GET /admin/service-apps/{id}.
func (h Handlers) Get(r *http.Request) (int, any, error) {
	app, err := h.Store.Get(r.Context(), r.PathValue("id"))
	return 200, app, err
}

// Update serves PATCH /admin/service-apps/{id}.
func (h Handlers) Update(r *http.Request) (int, any, error) {
	var p Patch
	if err := web.Decode(r, &p); err != nil {
		return 0, nil, err
	}
	app, err := h.Store.Update(r.Context(), r.PathValue("id"), p)
	return 200, app, err
}

// Rotate serves POST /admin/service-apps/{id}/rotate-key.
func (h Handlers) Rotate(r *http.Request) (int, any, error) {
	var in RotateInput
	if err := web.DecodeOptional(r, &in); err != nil {
		return 0, nil, err
	}
	out, err := h.Store.Rotate(r.Context(), r.PathValue("id"), in.GracePeriodSeconds)
	return 200, out, err
}

// RevokePrevious serves POST /admin/service-apps/{id}/revoke-previous-key.
func (h Handlers) RevokePrevious(r *http.Request) (int, any, error) {
	app, err := h.Store.RevokePrevious(r.Context(), r.PathValue("id"))
	return 200, app, err
}

// Delete serves DELETE /admin/service-apps/{id}.
func (h Handlers) Delete(r *http.Request) (int, any, error) {
	return 204, nil, h.Store.Delete(r.Context(), r.PathValue("id"))
}

// Created is the answer to POST /admin/service-apps: the app and its key,
// shown this once.
type Created struct {
	App
	APIKey string `json:"api_key"`
}

// RotateInput is the optional body of POST /admin/service-apps/{id}/rotate-key.
type RotateInput struct {
	GracePeriodSeconds int `json:"grace_period_seconds"`
}
