// Package stats answers GET /admin/stats: counts of users (active and
// deactivated), workspaces, groups, service apps and registered resources,
// for the admin site's overview. Each is a counting Query of an index or a
// list, never a Scan.
package stats

import (
	"context"
	"net/http"

	"sentinel/internal/directory"
	"sentinel/internal/permissions"
	"sentinel/internal/serviceapps"
)

// Stats are the counts.
type Stats struct {
	Users         int `json:"users"`
	UsersActive   int `json:"users_active"`
	UsersInactive int `json:"users_inactive"`
	Workspaces    int `json:"workspaces"`
	Groups        int `json:"groups"`
	ServiceApps   int `json:"service_apps"`
	Resources     int `json:"resources"`
}

// Handlers serves the statistics from the stores that hold the records.
type Handlers struct {
	Directory   *directory.Store
	Apps        *serviceapps.Store
	Permissions *permissions.Store
}

// Get serves GET /admin/stats. Resources are counted for the service apps
// that exist (a deleted app's resources stay until purged by service).
func (h Handlers) Get(r *http.Request) (int, any, error) {
	s, err := h.count(r.Context())
	return 200, s, err
}

func (h Handlers) count(ctx context.Context) (Stats, error) {
	var s Stats
	var err error
	if s.Users, err = h.Directory.CountUsers(ctx); err != nil {
		return Stats{}, err
	}
	if s.UsersInactive, err = h.Directory.CountInactiveUsers(ctx); err != nil {
		return Stats{}, err
	}
	s.UsersActive = s.Users - s.UsersInactive
	if s.Workspaces, err = h.Directory.CountWorkspaces(ctx); err != nil {
		return Stats{}, err
	}
	if s.Groups, err = h.Directory.CountGroups(ctx); err != nil {
		return Stats{}, err
	}
	apps, err := h.Apps.List(ctx)
	if err != nil {
		return Stats{}, err
	}
	s.ServiceApps = len(apps)
	names := make([]string, 0, len(apps))
	for _, a := range apps {
		names = append(names, a.ServiceName)
	}
	s.Resources, err = h.Permissions.CountResources(ctx, names)
	return s, err
}
