package authz_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sentinel/internal/apitest"
	"sentinel/internal/idptest"
)

// createApp creates an app allowed from origin with these client ids of
// the test provider, and returns its key.
func (e *env) createApp(t *testing.T, serviceName, origin string, clientIDs ...string) string {
	t.Helper()
	body := map[string]any{"name": serviceName, "service_name": serviceName, "allowed_origins": []string{origin}}
	if clientIDs != nil {
		body["idp_client_ids"] = map[string][]string{provider: clientIDs}
	}
	res := e.admin.Do("POST", "/admin/service-apps", body)
	if res.Status != 201 {
		t.Fatalf("create %s: %d %s", serviceName, res.Status, res.Body)
	}
	return res.Map(t)["api_key"].(string)
}

// issuedTo sets a token's aud (and azp).
func issuedTo(aud any, azp string) func(jwt.MapClaims) {
	return func(c jwt.MapClaims) {
		c["aud"] = aud
		if azp != "" {
			c["azp"] = azp
		}
	}
}

// Item 1 of issue 17: an ID token resolves for the app whose frontend the
// user signed in to, not for whichever app's Origin the caller sends. An
// app listing client ids takes only tokens issued to them; an app listing
// none takes the deployment's audience, but never a token issued to a
// client id another app lists.
func TestClientIDsBindTokensToTheirApp(t *testing.T) {
	e := setup(t)
	shopOrigin, wikiOrigin := e.api.Origin("shop"), e.api.Origin("wiki")
	e.createApp(t, "shop", shopOrigin, "shop-web", "shop-mobile")
	// wiki's frontend uses the deployment's client id and lists it, so it
	// is wiki's alone; docs lists nothing.
	e.createApp(t, "wiki", wikiOrigin, idptest.Audience)

	tests := []struct {
		name   string
		origin string
		claims func(jwt.MapClaims)
		status int
		detail string
	}{
		{"shop, its web client", shopOrigin, issuedTo("shop-web", ""), 200, ""},
		{"shop, its mobile client", shopOrigin, issuedTo("shop-mobile", ""), 200, ""},
		{"shop, several audiences, azp its client", shopOrigin, issuedTo([]string{"shop-web", "api"}, "shop-web"), 200, ""},
		{"shop, several audiences, azp another", shopOrigin, issuedTo([]string{"shop-web", "api"}, "api"), 400, "IdP token has the wrong audience"},
		{"shop, the deployment's audience", shopOrigin, issuedTo(idptest.Audience, ""), 400, "IdP token has the wrong audience"},
		{"wiki, its client (the deployment's audience)", wikiOrigin, issuedTo(idptest.Audience, ""), 200, ""},
		// The attack: a token of shop's or wiki's frontend, sent with
		// docs' Origin (an unbound app).
		{"docs, a token of shop's client", e.docsOrigin, issuedTo([]string{idptest.Audience, "shop-web"}, "shop-web"), 400, "IdP token has the wrong audience"},
		{"docs, a token of wiki's client", e.docsOrigin, issuedTo(idptest.Audience, ""), 400, "IdP token has the wrong audience"},
		{"docs, another audience", e.docsOrigin, issuedTo("unknown-client", ""), 400, "IdP token has the wrong audience"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := e.idToken(t, fmt.Sprintf("user%d@example.com", i), tt.claims)
			res := e.resolve(fromOrigin(tt.origin), resolveBody(tok))
			if res.Status != tt.status || (tt.detail != "" && res.Detail(t) != tt.detail) {
				t.Errorf("got %d %s, want %d %q", res.Status, res.Body, tt.status, tt.detail)
			}
		})
	}

	// Unbinding wiki (it lists no client ids any more) gives the
	// deployment's audience back to every unbound app, at once.
	res := e.admin.Do("GET", "/admin/service-apps", nil)
	var apps []struct {
		ID          string `json:"id"`
		ServiceName string `json:"service_name"`
	}
	res.JSON(t, &apps)
	for _, a := range apps {
		if a.ServiceName == "wiki" {
			if res := e.admin.Do("PATCH", "/admin/service-apps/"+a.ID, map[string]any{"idp_client_ids": map[string][]string{}}); res.Status != 200 {
				t.Fatalf("unbind wiki: %d %s", res.Status, res.Body)
			}
		}
	}
	if res := e.resolve(fromOrigin(e.docsOrigin), resolveBody(e.idToken(t, "late@example.com"))); res.Status != 200 {
		t.Errorf("docs after wiki unbound = %d %s, want 200", res.Status, res.Body)
	}
}

// One ID token, one app: the first app to resolve it owns it until it
// expires, whether or not apps list client ids; the owner may resolve it
// again. Of two apps racing with the same token, exactly one wins.
func TestOneIDTokenOneApp(t *testing.T) {
	e := setup(t)
	billingOrigin := e.api.Origin("billing")
	billingKey := e.createApp(t, "billing", billingOrigin)
	tok := e.idToken(t, "ada@example.com")

	if res := e.resolve(fromOrigin(e.docsOrigin), resolveBody(tok)); res.Status != 200 {
		t.Fatalf("docs, first = %d %s", res.Status, res.Body)
	}
	acme := e.admin.Workspace("Acme", "acme")
	e.admin.Member(acme, "ada@example.com", "viewer")
	if res := e.resolve(fromOrigin(e.docsOrigin), resolveBody(tok, acme)); res.Status != 200 {
		t.Errorf("docs again, for a workspace = %d %s, want 200", res.Status, res.Body)
	}
	for name, h := range map[string]map[string]string{
		"billing by origin": fromOrigin(billingOrigin),
		"billing by key":    {"X-Service-Key": billingKey},
	} {
		for _, body := range []map[string]any{resolveBody(tok), resolveBody(tok, acme)} {
			res := e.resolve(h, body)
			if res.Status != 401 || res.Detail(t) != "IdP token was issued to another app" {
				t.Errorf("%s = %d %s, want 401 issued to another app", name, res.Status, res.Body)
			}
		}
	}
	// Races: each round a new token sent by both apps at once.
	for round := range 10 {
		tok := e.idToken(t, "ada@example.com", func(c jwt.MapClaims) { c["jti"] = fmt.Sprint("race-", round) })
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, origin := range []string{e.docsOrigin, billingOrigin} {
			wg.Go(func() { statuses[i] = e.resolve(fromOrigin(origin), resolveBody(tok)).Status })
		}
		wg.Wait()
		if !(statuses[0] == 200 && statuses[1] == 401 || statuses[0] == 401 && statuses[1] == 200) {
			t.Errorf("round %d: statuses %v, want one 200 and one 401", round, statuses)
		}
	}
}

// The binding ends with the token: once it has expired, it is refused
// for that, not as another app's.
func TestBindingEndsWithTheToken(t *testing.T) {
	e := setupFakes(t)
	billingKey := e.createApp(t, "billing", e.api.Origin("billing"))
	tok := e.idToken(t, "ada@example.com")
	if res := e.resolve(fromOrigin(e.docsOrigin), resolveBody(tok)); res.Status != 200 {
		t.Fatalf("docs = %d %s", res.Status, res.Body)
	}
	e.api.Clock.Advance(time.Hour)
	if res := e.resolve(map[string]string{"X-Service-Key": billingKey}, resolveBody(tok)); res.Status != 400 || res.Detail(t) != "IdP token has expired" {
		t.Errorf("billing after expiry = %d %s, want 400 expired", res.Status, res.Body)
	}
}

// A nonce in the request must equal the token's nonce claim; without one
// nothing is compared.
func TestResolveNonce(t *testing.T) {
	e := setup(t)
	withNonce := func(n string) func(jwt.MapClaims) { return func(c jwt.MapClaims) { c["nonce"] = n } }
	body := func(tok string, nonce any) map[string]any {
		b := resolveBody(tok)
		b["nonce"] = nonce
		return b
	}
	tests := []struct {
		name   string
		claims func(jwt.MapClaims)
		body   func(tok string) map[string]any
		status int
		detail string
	}{
		{"equal", withNonce("n-8f3a"), func(tok string) map[string]any { return body(tok, "n-8f3a") }, 200, ""},
		{"different", withNonce("n-8f3a"), func(tok string) map[string]any { return body(tok, "n-other") }, 400, "IdP token nonce does not match"},
		{"token without nonce", func(jwt.MapClaims) {}, func(tok string) map[string]any { return body(tok, "n-8f3a") }, 400, "IdP token nonce does not match"},
		{"not sent", withNonce("n-8f3a"), func(tok string) map[string]any { return resolveBody(tok) }, 200, ""},
		{"null", withNonce("n-8f3a"), func(tok string) map[string]any { return body(tok, nil) }, 200, ""},
		{"empty", withNonce(""), func(tok string) map[string]any { return body(tok, "") }, 422, "nonce: must be 1 to 255 characters"},
		{"a number", withNonce("7"), func(tok string) map[string]any { return body(tok, 7) }, 422, "nonce: must be a string"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := e.idToken(t, fmt.Sprintf("n%d@example.com", i), tt.claims)
			res := e.resolve(fromOrigin(e.docsOrigin), apitest.Bad(tt.body(tok)))
			if res.Status != tt.status || (tt.detail != "" && res.Detail(t) != tt.detail) {
				t.Errorf("got %d %s, want %d %q", res.Status, res.Body, tt.status, tt.detail)
			}
		})
	}
}
