// Command backend is a small documents service that leaves its access
// decisions to Sentinel: the example backend of the Go SDK.
//
// It registers its RBAC actions at start-up, then serves, to callers
// bearing a Sentinel user token (an access token, or an authz token issued
// for this service):
//
//	POST /docs           {"id": "<uuid>"}  creates a document owned by the caller (201)
//	GET  /docs                             lists the documents the caller may view
//	GET  /docs/{id}                        200 if the caller may view it, else 403
//	PUT  /docs/{id}                        200 if the caller may edit it, else 403
//
// Configuration, from the environment: SENTINEL_URL (default
// http://localhost:9003, the API of `make dev`), SENTINEL_SERVICE_NAME and
// SENTINEL_SERVICE_KEY (the service app's), SENTINEL_ISSUER (the tokens'
// issuer, default SENTINEL_URL) and ADDR (default localhost:8080).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	sentinel "sentinel/sdk/go"
)

func main() {
	base := env("SENTINEL_URL", "http://localhost:9003")
	client, err := sentinel.New(base, os.Getenv("SENTINEL_SERVICE_NAME"), os.Getenv("SENTINEL_SERVICE_KEY"))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := client.Roles().RegisterActions(ctx,
		sentinel.Action{Action: "doc:read", Description: "Read documents"},
		sentinel.Action{Action: "doc:write", Description: "Change documents"}); err != nil {
		log.Fatalf("register the actions: %v", err)
	}
	verifier := sentinel.NewVerifier(base, client.ServiceName(), sentinel.WithIssuer(env("SENTINEL_ISSUER", base)))
	ln, err := net.Listen("tcp", env("ADDR", "localhost:8080"))
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("serving on http://%s", ln.Addr())
	log.Fatal(http.Serve(ln, verifier.Middleware(routes(client.Permissions()))))
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func routes(perms *sentinel.PermissionClient) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /docs", func(w http.ResponseWriter, r *http.Request) {
		user, _ := sentinel.UserFrom(r.Context())
		var body struct{ ID string }
		if json.NewDecoder(r.Body).Decode(&body) != nil {
			answer(w, http.StatusBadRequest, map[string]string{"detail": "body must be {\"id\": \"<uuid>\"}"})
			return
		}
		rec, err := perms.Register(r.Context(), sentinel.NewResource{
			ResourceType: "doc", ResourceID: body.ID, WorkspaceID: user.WorkspaceID, OwnerID: user.Subject, Visibility: sentinel.Private})
		if err != nil {
			fail(w, err)
			return
		}
		answer(w, http.StatusCreated, rec)
	})
	mux.HandleFunc("GET /docs", func(w http.ResponseWriter, r *http.Request) {
		user, _ := sentinel.UserFrom(r.Context())
		ids := []string{}
		for id, err := range perms.AccessibleIDs(r.Context(), user.Token, sentinel.AccessibleQuery{
			ResourceType: "doc", Action: sentinel.View, WorkspaceID: user.WorkspaceID, Limit: 1000}) {
			if err != nil {
				fail(w, err)
				return
			}
			ids = append(ids, id)
		}
		answer(w, http.StatusOK, map[string][]string{"ids": ids})
	})
	allow := func(action string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			user, _ := sentinel.UserFrom(r.Context())
			ok, err := perms.Can(r.Context(), user.Token, "doc", r.PathValue("id"), action)
			switch {
			case err != nil:
				fail(w, err)
			case !ok:
				answer(w, http.StatusForbidden, map[string]string{"detail": "you may not " + action + " this document"})
			default:
				answer(w, http.StatusOK, map[string]string{"id": r.PathValue("id"), "access": action})
			}
		}
	}
	mux.HandleFunc("GET /docs/{id}", allow(sentinel.View))
	mux.HandleFunc("PUT /docs/{id}", allow(sentinel.Edit))
	return mux
}

// fail answers an SDK error: the caller's bad input or a workspace not
// theirs as such, anything else (a key refused, an outage) as a 502.
func fail(w http.ResponseWriter, err error) {
	var e *sentinel.Error
	if errors.As(err, &e) && (errors.Is(err, sentinel.ErrBadRequest) || errors.Is(err, sentinel.ErrForbidden)) {
		answer(w, e.Status, map[string]string{"detail": e.Detail})
		return
	}
	log.Printf("sentinel: %v", err)
	answer(w, http.StatusBadGateway, map[string]string{"detail": "the authorization service is unavailable"})
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
