package sentinel_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"

	sentinel "sentinel/sdk/go"
)

// A backend asks whether the user of the token its caller sent may edit a
// document.
func ExamplePermissionClient_Can() {
	client, err := sentinel.New("http://localhost:9003", "docs", os.Getenv("SENTINEL_SERVICE_KEY"))
	if err != nil {
		log.Fatal(err)
	}
	userToken := os.Getenv("USER_TOKEN") // from the caller's Authorization header
	ok, err := client.Permissions().Can(context.Background(), userToken, "doc", "8b0e6f0e-2a8f-4c47-9d0f-6d2b7c1a9e55", sentinel.Edit)
	var apiErr *sentinel.Error
	switch {
	case errors.As(err, &apiErr) && errors.Is(err, sentinel.ErrRateLimited):
		fmt.Println("slow down for", apiErr.RetryAfter)
	case err != nil:
		log.Fatal(err)
	case ok:
		fmt.Println("may edit")
	}
}

// Every resource id a user may view, across pages; a failure part-way says
// where to resume.
func ExamplePermissionClient_AccessibleIDs() {
	client, _ := sentinel.New("http://localhost:9003", "docs", os.Getenv("SENTINEL_SERVICE_KEY"))
	q := sentinel.AccessibleQuery{ResourceType: "doc", Action: sentinel.View, WorkspaceID: os.Getenv("WORKSPACE_ID"), Limit: 500}
	for id, err := range client.Permissions().AccessibleIDs(context.Background(), os.Getenv("USER_TOKEN"), q) {
		var page *sentinel.PageError
		if errors.As(err, &page) {
			log.Printf("stopped: %v (resume with cursor %q)", page.Err, page.Cursor)
			return
		}
		fmt.Println(id)
	}
}

// A backend's routes accept only Sentinel tokens of its users; handlers
// read the verified claims from the request's context.
func ExampleVerifier_Middleware() {
	verifier := sentinel.NewVerifier("http://localhost:9003", "docs")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		user, _ := sentinel.UserFrom(r.Context())
		fmt.Fprintf(w, "%s is %s in %s\n", user.Subject, user.WorkspaceRole, user.WorkspaceSlug)
	})
	log.Fatal(http.ListenAndServe("localhost:8080", verifier.Middleware(mux)))
}

// Authz mode: a frontend's user signed in with the IdP; the backend
// exchanges the ID token for an authz token for one workspace.
func ExampleAuthzClient_Resolve() {
	client, _ := sentinel.New("http://localhost:9003", "docs", os.Getenv("SENTINEL_SERVICE_KEY"))
	res, err := client.Authz().Resolve(context.Background(), sentinel.ResolveRequest{
		IdPToken: os.Getenv("ID_TOKEN"), Provider: "google", WorkspaceID: os.Getenv("WORKSPACE_ID")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.User.Email, res.Workspace.Role, res.ExpiresIn)
}
