package app_test

import (
	"slices"
	"strings"
	"testing"

	"sentinel/internal/apitest"
	"sentinel/internal/config"
	"sentinel/internal/idptest"
)

// Authz mode provisions on the real directory: a member an admin added by
// email (no name yet) gets the IdP's name at the first sign-in, through
// the admin rename so the member list follows, and the activity log names
// the calling service's authz mode as the actor of each change; a name set
// since is kept.
func TestAuthzFillsAPreProvisionedName(t *testing.T) {
	iss := idptest.New(t)
	api := apitest.New(t, func(c *config.Config) {
		c.OIDCProviders = map[string]config.OIDCProvider{"test": iss.Provider(idptest.Audience)}
	})
	admin := api.SignIn()
	admin.CreateApp("docu-store", "https://docs.example.com")
	must := func(res *apitest.Response, want int) *apitest.Response {
		t.Helper()
		if res.Status != want {
			t.Fatalf("got %d %s, want %d", res.Status, res.Body, want)
		}
		return res
	}
	resolve := func(email, name string) map[string]any {
		t.Helper()
		claims := iss.Claims(email, api.Clock.Now())
		claims["name"] = name
		res := must(api.Do(apitest.Request{Method: "POST", Path: "/authz/resolve", Body: map[string]any{"provider": "test", "idp_token": iss.Token(t, claims)},
			Header: map[string]string{"Origin": "https://docs.example.com"}}), 200)
		return res.Map(t)["user"].(map[string]any)
	}
	// activity lists "<action> by <actor>" for a user, sorted (entries of
	// one request share a time).
	activity := func(userID string) []string {
		t.Helper()
		var p struct {
			Items []struct{ Action, Actor string }
		}
		must(admin.Do("GET", "/admin/activity?target_type=user&target_id="+userID, nil), 200).JSON(t, &p)
		var out []string
		for _, e := range p.Items {
			out = append(out, e.Action+" by "+e.Actor)
		}
		slices.Sort(out)
		return out
	}
	names := func(userID, ws string) []any {
		t.Helper()
		var members struct {
			Items []struct{ UserID, Name string }
		}
		must(admin.Do("GET", "/admin/workspaces/"+ws+"/members", nil), 200).JSON(t, &members)
		return []any{must(admin.Do("GET", "/admin/users/"+userID, nil), 200).Map(t)["name"], members.Items[0].Name}
	}

	ws := must(admin.Do("POST", "/admin/workspaces", map[string]any{"name": "Acme", "slug": "acme"}), 201).Map(t)["id"].(string)
	grace := must(admin.Do("POST", "/admin/workspaces/"+ws+"/members", map[string]any{"email": "grace@example.com", "role": "viewer"}), 201).Map(t)["user_id"].(string)
	if got := names(grace, ws); !slices.Equal(got, []any{"", ""}) {
		t.Fatalf("pre-provisioned names = %v, want empty", got)
	}
	if got := resolve("grace@example.com", "Grace Hopper"); got["id"] != grace || got["name"] != "Grace Hopper" {
		t.Errorf("first sign-in answers %v", got)
	}
	if got := names(grace, ws); !slices.Equal(got, []any{"Grace Hopper", "Grace Hopper"}) {
		t.Errorf("names after the first sign-in (user, member list) = %v", got)
	}

	// An admin renames her: the IdP's name no longer applies.
	must(admin.Do("PATCH", "/admin/users/"+grace, map[string]any{"name": "Rear Admiral Hopper"}), 200)
	if got := resolve("grace@example.com", "Grace Hopper"); got["name"] != "Rear Admiral Hopper" {
		t.Errorf("sign-in after the rename answers %v", got)
	}
	if got := names(grace, ws); !slices.Equal(got, []any{"Rear Admiral Hopper", "Rear Admiral Hopper"}) {
		t.Errorf("names after the second sign-in = %v", got)
	}
	want := []string{
		"user.create by " + apitest.AdminEmail,
		"user.link_identity by authz:docu-store",
		"user.update by authz:docu-store",
		"user.update by " + apitest.AdminEmail,
	}
	slices.Sort(want)
	if got := activity(grace); !slices.Equal(got, want) {
		t.Errorf("activity = %v, want %v", got, want)
	}

	// A first sign-in creates the user, with the same actor.
	linus := resolve("linus@example.com", "Linus")["id"].(string)
	if got := activity(linus); !slices.Equal(got, []string{"user.create by authz:docu-store"}) {
		t.Errorf("activity of a just-in-time user = %v", got)
	}

	// An IdP name the directory would refuse does not stop a first sign-in.
	if got := resolve("ada@example.com", strings.Repeat("A", 300)); got["name"] != "ada" {
		t.Errorf("first sign-in with an overlong IdP name answers %v, want the email's local part", got)
	}
}
