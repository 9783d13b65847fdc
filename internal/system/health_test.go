package system_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sentinel/internal/config"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
	"sentinel/internal/idp"
	"sentinel/internal/idptest"
	"sentinel/internal/system"
	"sentinel/internal/token"
)

// One component of each kind down: the answer is still 200, with each
// failure named and the rest ok.
func TestHealthAnswersWhenComponentsFail(t *testing.T) {
	env := dynamotest.New(t)
	now := time.Date(2030, 1, 15, 12, 0, 0, 0, time.UTC)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer broken.Close()
	providers := map[string]config.OIDCProvider{
		"up":   {Name: "up", Issuers: []string{"https://up.example"}, JWKSURI: idptest.New(t).Server.URL + "/jwks.json"},
		"down": {Name: "down", Issuers: []string{"https://down.example"}, JWKSURI: broken.URL},
	}
	key := idptest.NewKey(t)
	waiting := idptest.NewKey(t)
	waiting.SignsFrom = now.Add(time.Hour) // a next key only: nothing signs
	h := system.Handlers{
		Config: config.Config{Stage: "local", Version: "test", OIDCProviders: providers},
		Tables: []system.Table{
			{Name: "Activity", Repo: dynamo.Repo{DB: env.Client, Table: env.Names.Name(dynamo.Activity)}, Key: system.ProbeKey(dynamo.Activity)},
			{Name: "Limits", Repo: dynamo.Repo{DB: env.Client, Table: env.Names.Name(dynamo.Limits)}, Key: system.ProbeKey(dynamo.Limits)},
			{Name: "Gone", Repo: dynamo.Repo{DB: env.Client, Table: "no-such-table"}, Key: system.ProbeKey(dynamo.Limits)},
		},
		Rings: map[token.RingName]*token.Ring{token.UserRing: token.NewRing("", key), token.AdminRing: token.NewRing("", waiting)},
		IdPs:  idp.New(providers, nil, func() time.Time { return now }),
		Now:   func() time.Time { return now },
	}
	status, body, err := h.Health(httptest.NewRequest("GET", "/admin/health", nil))
	if err != nil || status != 200 {
		t.Fatalf("health: %d %v", status, err)
	}
	got := body.(system.Health)
	if got.Status != system.Failed {
		t.Errorf("overall %q, want failed", got.Status)
	}
	for _, tb := range got.Tables {
		want := system.OK
		if tb.Name == "Gone" {
			want = system.Failed
			if !strings.Contains(tb.Reason, "ResourceNotFound") {
				t.Errorf("missing table's reason %q", tb.Reason)
			}
		}
		if tb.Status != want {
			t.Errorf("table %s: %s (%s), want %s", tb.Name, tb.Status, tb.Reason, want)
		}
	}
	if u, a := got.SigningKeys[0], got.SigningKeys[1]; u.Status != system.OK || a.Status != system.Failed || a.Reason != "no current signing key" ||
		a.Keys[0].Stage != "next" || *a.Keys[0].AgeSeconds != -3600 || u.Keys[0].AgeSeconds != nil {
		t.Errorf("rings: %+v", got.SigningKeys)
	}
	for _, p := range got.IdentityProviders {
		switch p.Name {
		case "up":
			if p.Status != system.OK || p.KeysCached != 1 {
				t.Errorf("up: %+v", p)
			}
		case "down":
			if p.Status != system.Failed || p.Reason != "JWKS: answered status 502" || p.KeysCached != 0 {
				t.Errorf("down: %+v", p)
			}
		default:
			t.Errorf("provider %s", p.Name)
		}
	}
}
