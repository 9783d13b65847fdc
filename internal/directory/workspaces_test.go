package directory_test

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"sentinel/internal/apitest"
)

const unknownID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

func TestWorkspaceValidationAndConflicts(t *testing.T) {
	d := newDir(t)
	d.workspace("acme")
	cases := []struct {
		name       string
		body       any
		wantStatus int
		wantDetail string
	}{
		{"taken slug", map[string]any{"name": "Other", "slug": "acme"}, 409, "slug 'acme' is already taken"},
		{"upper case slug", map[string]any{"name": "W", "slug": "Acme"}, 422, "slug: must match ^[a-z0-9][a-z0-9-]*[a-z0-9]$"},
		{"slug ending in a dash", map[string]any{"name": "W", "slug": "acme-"}, 422, "slug: must match ^[a-z0-9][a-z0-9-]*[a-z0-9]$"},
		{"slug with a space", map[string]any{"name": "W", "slug": "ac me"}, 422, "slug: must match ^[a-z0-9][a-z0-9-]*[a-z0-9]$"},
		{"one-character slug", map[string]any{"name": "W", "slug": "a"}, 422, "slug: must be 2 to 100 characters"},
		{"long slug", map[string]any{"name": "W", "slug": strings.Repeat("a", 101)}, 422, "slug: must be 2 to 100 characters"},
		{"blank name", map[string]any{"name": " ", "slug": "ok"}, 422, "name: must not be empty"},
		{"long description", map[string]any{"name": "W", "slug": "ok", "description": strings.Repeat("d", 1001)}, 422, "description: must be at most 1000 characters"},
		{"wrong type", map[string]any{"name": "W", "slug": 7}, 422, "slug: must be a string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := d.admin.Do("POST", "/admin/workspaces", apitest.Bad(tc.body))
			if res.Status != tc.wantStatus || res.Detail(t) != tc.wantDetail {
				t.Errorf("got %d %q, want %d %q", res.Status, res.Detail(t), tc.wantStatus, tc.wantDetail)
			}
		})
	}
	t.Run("unknown id", func(t *testing.T) {
		for _, id := range []string{unknownID, "not-a-uuid", strings.ToUpper(unknownID)} {
			for _, method := range []string{"GET", "PATCH", "DELETE"} {
				if res := d.admin.Do(method, "/admin/workspaces/"+id, map[string]any{"name": "X"}); res.Status != 404 {
					t.Errorf("%s %s: got %d, want 404", method, id, res.Status)
				}
			}
		}
	})
}

func TestWorkspaceLifecycle(t *testing.T) {
	d := newDir(t)
	from := d.now()
	res := d.must(201, "POST", "/admin/workspaces", map[string]any{"name": "Acme Corp", "slug": "acme", "description": "The first"})
	w := res.Map(t)
	id := w["id"].(string)
	if w["name"] != "Acme Corp" || w["slug"] != "acme" || w["description"] != "The first" {
		t.Errorf("created = %v", w)
	}
	apitest.Within(t, "created_at", fmt.Sprint(w["created_at"]), from, d.now())
	if got := d.must(200, "GET", "/admin/workspaces/"+id, nil).Map(t); fmt.Sprint(got) != fmt.Sprint(w) {
		t.Errorf("GET = %v, want %v", got, w)
	}
	for wid, want := range map[string]bool{id: true, unknownID: false, "nope": false} {
		if ok, err := d.api.Deps.Directory.WorkspaceExists(t.Context(), wid); ok != want || err != nil {
			t.Errorf("WorkspaceExists(%s) = %v %v, want %v", wid, ok, err, want)
		}
	}
	d.workspace("globex")

	// Moving to another slug frees the old one; a taken one is refused.
	d.api.Clock.Step()
	if res := d.admin.Do("PATCH", "/admin/workspaces/"+id, map[string]any{"slug": "globex"}); res.Status != 409 || res.Detail(t) != "slug 'globex' is already taken" {
		t.Errorf("patch to taken slug: %d %s", res.Status, res.Body)
	}
	got := d.must(200, "PATCH", "/admin/workspaces/"+id, map[string]any{"slug": "acme-corp", "name": "Acme Inc", "description": ""}).Map(t)
	if got["slug"] != "acme-corp" || got["name"] != "Acme Inc" || got["description"] != "" || got["updated_at"] == got["created_at"] {
		t.Errorf("patched = %v", got)
	}
	if res := d.admin.Do("PATCH", "/admin/workspaces/"+id, map[string]any{"slug": "Bad"}); res.Status != 422 {
		t.Errorf("patch to invalid slug: %d", res.Status)
	}
	d.workspace("acme")
	if res := d.admin.Do("POST", "/admin/workspaces", map[string]any{"name": "X", "slug": "acme-corp"}); res.Status != 409 {
		t.Errorf("new slug not claimed: %d", res.Status)
	}

	d.api.Clock.Step()
	d.must(204, "DELETE", "/admin/workspaces/"+id, nil)
	d.must(404, "GET", "/admin/workspaces/"+id, nil)
	d.workspace("acme-corp") // the slug is free again
	want := []string{"workspace.delete", "workspace.update", "workspace.create"}
	if got := d.activity("workspace", id); !slices.Equal(got, want) {
		t.Errorf("activity = %v, want %v", got, want)
	}
}

// Twenty admins create one slug at once: exactly one wins.
func TestSlugIsUniqueUnderConcurrency(t *testing.T) {
	d := newDir(t)
	statuses := make(chan int, 20)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			statuses <- d.admin.Do("POST", "/admin/workspaces", map[string]any{"name": fmt.Sprint("W", i), "slug": "contested"}).Status
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != 19 {
		t.Errorf("statuses = %v, want one 201 and nineteen 409", count)
	}
	if got := d.all("/admin/workspaces", "slug"); !slices.Equal(got, []string{"contested"}) {
		t.Errorf("workspaces = %v", got)
	}
}

func TestWorkspaceListPagingAndSearch(t *testing.T) {
	d := newDir(t)
	var want []string
	for i := range 7 {
		slug := fmt.Sprintf("team-%d", i)
		d.workspace(slug)
		want = append(want, slug)
		d.api.Clock.Step()
	}
	d.must(201, "POST", "/admin/workspaces", map[string]any{"name": "Platform Engineering", "slug": "plat"})
	want = append(want, "plat")

	first := d.page("/admin/workspaces?limit=3")
	if len(first.Items) != 3 || first.NextCursor == nil {
		t.Fatalf("first page: %d items, cursor %v", len(first.Items), first.NextCursor)
	}
	if got := d.all("/admin/workspaces?limit=3", "slug"); !slices.Equal(got, want) {
		t.Errorf("paged = %v, want %v (oldest first)", got, want)
	}
	for q, wantQ := range map[string][]string{
		"PLATFORM E": {"plat"},   // the name's beginning, case-insensitive
		"plat":       {"plat"},   // the exact slug
		"team-1":     {"team-1"}, // slug
		"team":       want[:7],
		"nothing":    nil,
	} {
		if got := d.all("/admin/workspaces?limit=2&q="+url.QueryEscape(q), "slug"); !slices.Equal(got, wantQ) {
			t.Errorf("q=%s: %v, want %v", q, got, wantQ)
		}
	}

	foreign := base64.RawURLEncoding.EncodeToString([]byte(`{"pk":"USER#x","sk":"PROFILE","kind":"user","created_sk":"x"}`))
	for name, path := range map[string]string{
		"garbage cursor":             "/admin/workspaces?cursor=!!!",
		"cursor of the user list":    "/admin/workspaces?cursor=" + foreign,
		"q over 100 characters":      "/admin/workspaces?q=" + strings.Repeat("q", 101),
		"limit over 100":             "/admin/workspaces?limit=101",
		"cursor missing a key field": "/admin/workspaces?cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`{"pk":"WS#x"}`)),
	} {
		res := d.admin.Do("GET", path, nil)
		if res.Status != 400 && res.Status != 422 {
			t.Errorf("%s: got %d %s, want 400 or 422", name, res.Status, res.Body)
		}
	}
}
