package sdktest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	sentinel "sentinel/sdk/go"

	"sentinel/internal/apitest"
	"sentinel/internal/devidp"
	"sentinel/internal/idptest"
)

// world is a deployment with the service app "docs", a workspace, users
// ada (editor, resolved through the IdP) and bob (viewer, in a group), and
// a role granting ada the docs actions.
type world struct {
	api                *apitest.API
	iss                *idptest.Issuer
	admin              *apitest.Admin
	client             *sentinel.Client
	acme, ada, bob, g1 string
	adaIdPToken        string
}

func setup(t *testing.T) *world {
	t.Helper()
	api, iss := apitest.NewWithIdP(t)
	w := &world{api: api, iss: iss, admin: api.SignIn()}
	_, key := w.admin.CreateApp("docs", api.Origin("docs"))
	var err error
	if w.client, err = sentinel.New(api.URL(), "docs", key); err != nil {
		t.Fatal(err)
	}
	w.adaIdPToken = iss.Token(t, iss.Claims("ada@example.com", api.Clock.Now()))
	w.acme = w.post(t, "/admin/workspaces", map[string]any{"name": "Acme", "slug": "acme"})["id"].(string)
	w.post(t, "/admin/workspaces/"+w.acme+"/members", map[string]any{"email": "ada@example.com", "role": "editor"})
	w.post(t, "/admin/workspaces/"+w.acme+"/members", map[string]any{"email": "bob@example.com", "role": "viewer"})
	for _, m := range w.list(t, "/admin/workspaces/"+w.acme+"/members") {
		switch m["email"] {
		case "ada@example.com":
			w.ada = m["user_id"].(string)
		case "bob@example.com":
			w.bob = m["user_id"].(string)
		}
	}
	w.g1 = w.post(t, "/admin/workspaces/"+w.acme+"/groups", map[string]any{"name": "reviewers"})["id"].(string)
	w.post(t, "/admin/groups/"+w.g1+"/members/"+w.bob, nil)
	return w
}

func (w *world) post(t *testing.T, path string, body any) map[string]any {
	t.Helper()
	res := w.admin.Do("POST", path, body)
	if res.Status/100 != 2 {
		t.Fatalf("POST %s = %d %s", path, res.Status, res.Body)
	}
	if len(res.Body) == 0 {
		return nil
	}
	return res.Map(t)
}

func (w *world) list(t *testing.T, path string) []map[string]any {
	t.Helper()
	res := w.admin.Do("GET", path, nil)
	var page struct{ Items []map[string]any }
	res.JSON(t, &page)
	return page.Items
}

// verifier checks tokens as a backend would, with the deployment's issuer
// and the test's clock.
func (w *world) verifier(opts ...sentinel.VerifierOption) *sentinel.Verifier {
	return sentinel.NewVerifier(w.api.URL(), "docs", append([]sentinel.VerifierOption{
		sentinel.WithIssuer(w.api.Deps.Keys.User.Issuer), sentinel.WithClock(w.api.Clock.Now)}, opts...)...)
}

func TestAuthzRolesAndTheVerifier(t *testing.T) {
	w := setup(t)
	ctx := context.Background()

	who, err := w.client.Whoami(ctx)
	if err != nil || who.ServiceName != "docs" || who.Name != "App docs" {
		t.Fatalf("Whoami = %+v, %v", who, err)
	}

	actions, err := w.client.Roles().RegisterActions(ctx, sentinel.Action{Action: "doc:read", Description: "Read documents"}, sentinel.Action{Action: "doc:write"})
	if err != nil || len(actions) != 2 || actions[0].ServiceName != "docs" || actions[0].ID == "" {
		t.Fatalf("RegisterActions = %+v, %v", actions, err)
	}
	role := w.post(t, "/admin/workspaces/"+w.acme+"/roles", map[string]any{"name": "writer"})["id"].(string)
	w.post(t, "/admin/roles/"+role+"/actions", map[string]any{"service_action_ids": []string{actions[0].ID, actions[1].ID}})
	w.post(t, "/admin/roles/"+role+"/members/"+w.ada, nil)

	res, err := w.client.Authz().Resolve(ctx, sentinel.ResolveRequest{IdPToken: w.adaIdPToken, Provider: devidp.ProviderName})
	if err != nil || res.User.ID != w.ada || len(res.Workspaces) != 1 || res.Workspaces[0].Slug != "acme" || res.AuthzToken != "" {
		t.Fatalf("Resolve without a workspace = %+v, %v", res, err)
	}
	res, err = w.client.Authz().Resolve(ctx, sentinel.ResolveRequest{IdPToken: w.adaIdPToken, Provider: devidp.ProviderName, WorkspaceID: w.acme})
	if err != nil || res.Workspace == nil || res.Workspace.Role != "editor" || res.AuthzToken == "" || res.ExpiresIn <= 0 {
		t.Fatalf("Resolve for acme = %+v, %v", res, err)
	}
	_, err = w.client.Authz().Resolve(ctx, sentinel.ResolveRequest{IdPToken: "not-a-token", Provider: devidp.ProviderName})
	if !errors.Is(err, sentinel.ErrBadRequest) {
		t.Errorf("Resolve with a bad IdP token: %v, want ErrBadRequest", err)
	}

	claims, err := w.verifier().Verify(ctx, res.AuthzToken)
	if err != nil {
		t.Fatalf("the authz token does not verify: %v", err)
	}
	if claims.Subject != w.ada || claims.Svc != "docs" || claims.WorkspaceID != w.acme || !slices.Equal(claims.Actions, []string{"doc:read", "doc:write"}) {
		t.Errorf("claims = %+v", claims)
	}
	if _, err := sentinel.NewVerifier(w.api.URL(), "billing", sentinel.WithIssuer(w.api.Deps.Keys.User.Issuer),
		sentinel.WithClock(w.api.Clock.Now)).Verify(ctx, res.AuthzToken); !errors.Is(err, sentinel.ErrInvalidToken) {
		t.Errorf("another service's verifier accepted the token: %v", err)
	}

	// The middleware binds the authz token to the caller's IdP token.
	idpSub := w.iss.Claims("ada@example.com", w.api.Clock.Now())["sub"]
	mw := w.verifier(sentinel.WithIdPSubject(func(r *http.Request) (string, error) { return r.Header.Get("X-IdP-Sub"), nil })).
		Middleware(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			c, _ := sentinel.UserFrom(r.Context())
			fmt.Fprint(rw, c.Subject)
		}))
	for sub, want := range map[string]int{fmt.Sprint(idpSub): 200, "someone-else": 401} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer "+res.AuthzToken)
		r.Header.Set("X-IdP-Sub", sub)
		rec := httptest.NewRecorder()
		mw.ServeHTTP(rec, r)
		if rec.Code != want || (want == 200 && rec.Body.String() != w.ada) {
			t.Errorf("middleware with IdP sub %q = %d %s, want %d", sub, rec.Code, rec.Body, want)
		}
	}

	d, err := w.client.Roles().CheckAction(ctx, res.AuthzToken, w.acme, "doc:write")
	if err != nil || !d.Allowed || !slices.Equal(d.Roles, []string{"writer"}) {
		t.Errorf("CheckAction = %+v, %v", d, err)
	}
	if d, err = w.client.Roles().Check(ctx, w.bob, w.acme, "doc:write"); err != nil || d.Allowed {
		t.Errorf("Check for bob = %+v, %v", d, err)
	}
	if got, err := w.client.Roles().UserActions(ctx, res.AuthzToken, w.acme); err != nil || !slices.Equal(got, []string{"doc:read", "doc:write"}) {
		t.Errorf("UserActions = %v, %v", got, err)
	}
	if _, err := w.client.Roles().CheckAction(ctx, res.AuthzToken, w.g1, "doc:write"); !errors.Is(err, sentinel.ErrForbidden) {
		t.Errorf("CheckAction in another workspace: %v, want ErrForbidden", err)
	}
}

func TestPermissionsAndDirectory(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	perms := w.client.Permissions()
	ada := w.api.UserToken(w.ada, w.acme, "editor")
	bob := w.api.UserToken(w.bob, w.acme, "viewer", w.g1)

	ids := []string{"00000000-0000-4000-8000-000000000003", "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"}
	var records []*sentinel.Resource
	for _, id := range ids {
		r, err := perms.Register(ctx, sentinel.NewResource{ResourceType: "doc", ResourceID: id, WorkspaceID: w.acme, OwnerID: w.ada, Visibility: sentinel.Private})
		if err != nil || r.ID == "" || r.Visibility != sentinel.Private || r.ServiceName != "docs" {
			t.Fatalf("Register %s = %+v, %v", id, r, err)
		}
		records = append(records, r)
	}
	again, err := perms.Register(ctx, sentinel.NewResource{ResourceType: "doc", ResourceID: ids[0], WorkspaceID: w.acme, OwnerID: w.bob})
	if err != nil || again.ID != records[0].ID || again.OwnerID != w.ada {
		t.Errorf("Register again = %+v, %v, want the stored record", again, err)
	}

	if ok, err := perms.Can(ctx, bob, "doc", ids[0], sentinel.View); err != nil || ok {
		t.Fatalf("bob may view a private doc before a share: %v, %v", ok, err)
	}
	if err := perms.Share(ctx, ada, records[0].ID, sentinel.GroupGrantee, w.g1, sentinel.View); err != nil {
		t.Fatalf("Share: %v", err)
	}
	results, err := perms.Check(ctx, bob, sentinel.Check{ResourceType: "doc", ResourceID: ids[0], Action: sentinel.View},
		sentinel.Check{ResourceType: "doc", ResourceID: ids[0], Action: sentinel.Edit})
	if err != nil || len(results) != 2 || !results[0].Allowed || results[1].Allowed || results[0].ServiceName != "docs" {
		t.Errorf("Check after a group share = %+v, %v", results, err)
	}
	if err := perms.Share(ctx, bob, records[1].ID, sentinel.UserGrantee, w.bob, sentinel.Edit); !errors.Is(err, sentinel.ErrForbidden) {
		t.Errorf("a viewer sharing ada's doc: %v, want ErrForbidden", err)
	}

	// Ada owns all three: listed one per page, resumed by cursor.
	var listed []string
	for id, err := range perms.AccessibleIDs(ctx, ada, sentinel.AccessibleQuery{ResourceType: "doc", Action: sentinel.Edit, WorkspaceID: w.acme, Limit: 1}) {
		if err != nil {
			t.Fatalf("AccessibleIDs: %v", err)
		}
		listed = append(listed, id)
	}
	if want := slices.Sorted(slices.Values(ids)); !slices.Equal(listed, want) {
		t.Errorf("AccessibleIDs = %v, want %v", listed, want)
	}
	page, err := perms.Accessible(ctx, bob, sentinel.AccessibleQuery{ResourceType: "doc", Action: sentinel.View, WorkspaceID: w.acme})
	if err != nil || !page.Complete || page.NextCursor != "" || !slices.Equal(page.ResourceIDs, ids[:1]) {
		t.Errorf("Accessible for bob = %+v, %v", page, err)
	}
	for _, err := range perms.AccessibleIDs(ctx, bob, sentinel.AccessibleQuery{ResourceType: "doc", Action: sentinel.View, WorkspaceID: w.g1}) {
		var pe *sentinel.PageError
		if !errors.As(err, &pe) || !errors.Is(err, sentinel.ErrForbidden) {
			t.Errorf("AccessibleIDs in another workspace: %v, want a PageError of kind ErrForbidden", err)
		}
	}

	acl, err := perms.ACL(ctx, "doc", ids[0])
	if err != nil || len(acl.Shares) != 1 || acl.Shares[0].GranteeID != w.g1 || acl.Shares[0].GrantedBy != w.ada {
		t.Errorf("ACL = %+v, %v", acl, err)
	}
	enriched, err := perms.Enriched(ctx, "doc", ids[0])
	if err != nil || enriched.OwnerEmail == nil || *enriched.OwnerEmail != "ada@example.com" || len(enriched.Shares) != 1 || enriched.Shares[0].GrantedByName == nil {
		t.Errorf("Enriched = %+v, %v", enriched, err)
	}
	if r, err := perms.SetVisibility(ctx, records[1].ID, sentinel.Workspace); err != nil || r.Visibility != sentinel.Workspace {
		t.Errorf("SetVisibility = %+v, %v", r, err)
	}
	if ok, err := perms.Can(ctx, bob, "doc", ids[1], sentinel.View); err != nil || !ok {
		t.Errorf("bob may not view a workspace-visible doc: %v, %v", ok, err)
	}
	if err := perms.Revoke(ctx, records[0].ID, sentinel.GroupGrantee, w.g1); err != nil {
		t.Errorf("Revoke: %v", err)
	}
	if err := perms.Revoke(ctx, records[0].ID, sentinel.GroupGrantee, w.g1); !errors.Is(err, sentinel.ErrNotFound) {
		t.Errorf("Revoke again: %v, want ErrNotFound", err)
	}
	if err := perms.Deregister(ctx, "doc", ids[2]); err != nil {
		t.Errorf("Deregister: %v", err)
	}
	if _, err := perms.ACL(ctx, "doc", ids[2]); !errors.Is(err, sentinel.ErrNotFound) {
		t.Errorf("ACL after Deregister: %v, want ErrNotFound", err)
	}

	// Members one per page, following the cursors to the end.
	dir := w.client.Directory()
	var members []string
	for cursor, pages := "", 0; pages == 0 || cursor != ""; pages++ {
		page, next, err := dir.Members(ctx, ada, w.acme, sentinel.ListOptions{Limit: 1, Cursor: cursor})
		if err != nil || len(page) > 1 || pages > 3 {
			t.Fatalf("Members page %d = %+v, %v", pages+1, page, err)
		}
		for _, m := range page {
			members = append(members, m.UserID)
		}
		cursor = next
	}
	if slices.Sort(members); !slices.Equal(members, slices.Sorted(slices.Values([]string{w.ada, w.bob}))) {
		t.Errorf("Members = %v, want ada and bob", members)
	}
	if found, _, err := dir.Members(ctx, ada, w.acme, sentinel.ListOptions{Query: "bob@"}); err != nil || len(found) != 1 || found[0].UserID != w.bob || found[0].Role != "viewer" {
		t.Errorf("Members q=bob@ = %+v, %v", found, err)
	}
	groups, _, err := dir.Groups(ctx, ada, w.acme, sentinel.ListOptions{})
	if err != nil || len(groups) != 1 || groups[0].ID != w.g1 || groups[0].CreatedAt.IsZero() {
		t.Errorf("Groups = %+v, %v", groups, err)
	}
	gm, _, err := dir.GroupMembers(ctx, ada, w.acme, w.g1, sentinel.ListOptions{})
	if err != nil || len(gm) != 1 || gm[0].UserID != w.bob {
		t.Errorf("GroupMembers = %+v, %v", gm, err)
	}
}

func TestErrorsCarryTheStatusAndDetail(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	stranger, _ := sentinel.New(w.api.URL(), "docs", "sk_test_"+"0000000000000000000000000000000000000000000")
	_, err := stranger.Whoami(ctx)
	var e *sentinel.Error
	if !errors.As(err, &e) || e.Status != 401 || e.Detail != "Invalid or missing service API key" || e.RequestID == "" {
		t.Errorf("an unknown key: %#v", err)
	}
	_, key := w.admin.CreateApp("billing")
	billing, _ := sentinel.New(w.api.URL(), "docs", key) // the key of another service
	if _, err := billing.Permissions().ACL(ctx, "doc", "00000000-0000-4000-8000-000000000001"); !errors.Is(err, sentinel.ErrForbidden) {
		t.Errorf("another service's key: %v, want ErrForbidden", err)
	}
	if _, err := w.client.Permissions().Register(ctx, sentinel.NewResource{ResourceType: "Doc!", ResourceID: "x"}); !errors.Is(err, sentinel.ErrBadRequest) {
		t.Errorf("a bad resource: %v, want ErrBadRequest", err)
	}
}
