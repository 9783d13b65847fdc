package sdktest_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The SDK's example backend (sdk/go/examples/backend), built and run as
// its documentation says, against the API: it registers its actions,
// then answers its callers by asking Sentinel.
func TestTheExampleBackend(t *testing.T) {
	w := setup(t)
	_, key := w.admin.CreateApp("notes")
	bin := filepath.Join(t.TempDir(), "backend")
	build := exec.Command("go", "build", "-o", bin, "./examples/backend")
	build.Dir = filepath.Join("..", "..", "sdk", "go")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the example: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "SENTINEL_URL="+w.api.URL(), "SENTINEL_SERVICE_NAME=notes", "SENTINEL_SERVICE_KEY="+key,
		"SENTINEL_ISSUER="+w.api.Deps.Keys.User.Issuer, "ADDR=127.0.0.1:0")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			if _, a, ok := strings.Cut(s.Text(), "serving on "); ok {
				addr <- a
			}
			t.Log(s.Text())
		}
	}()
	var base string
	select {
	case base = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatal("the example backend did not start")
	}
	var registered []string
	for _, a := range w.list(t, "/admin/service-actions?service_name=notes") {
		registered = append(registered, a["action"].(string))
	}
	if slices.Sort(registered); !slices.Equal(registered, []string{"doc:read", "doc:write"}) {
		t.Errorf("the example registered %v", registered)
	}

	ada := w.api.UserToken(w.ada, w.acme, "editor")
	bob := w.api.UserToken(w.bob, w.acme, "viewer")
	call := func(method, path, token, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	doc := "00000000-0000-4000-8000-0000000000aa"
	for _, c := range []struct {
		method, path, token, body string
		status                    int
	}{
		{"POST", "/docs", ada, `{"id": "` + doc + `"}`, 201},
		{"GET", "/docs/" + doc, ada, "", 200},
		{"PUT", "/docs/" + doc, ada, "", 200},
		{"GET", "/docs/" + doc, bob, "", 403},
		{"GET", "/docs/" + doc, "", "", 401},
		{"POST", "/docs", ada, `{"id": "not-a-uuid"}`, 422},
	} {
		if status, body := call(c.method, c.path, c.token, c.body); status != c.status {
			t.Errorf("%s %s = %d %s, want %d", c.method, c.path, status, body, c.status)
		}
	}
	_, body := call("GET", "/docs", ada, "")
	var list struct{ IDs []string }
	if json.Unmarshal([]byte(body), &list) != nil || !slices.Equal(list.IDs, []string{doc}) {
		t.Errorf("GET /docs for ada = %s", body)
	}
}
