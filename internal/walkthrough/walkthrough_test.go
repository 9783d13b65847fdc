package walkthrough

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"sentinel/internal/ddblocal"
)

// The documents' walk-throughs, in the order a reader meets them.
var walkthroughs = []struct {
	doc      string
	headings []string
}{
	{"README.md", []string{"Walk-through"}},
	{"sdk/go/README.md", []string{"The example backend"}},
}

// TestWalkthroughs runs every walk-through's shell blocks verbatim, in
// order, in one shell against `sentinel dev` (as `make dev` starts it),
// as a reader would: the admin password `make dev` printed goes where the
// text says "<printed password>", each value the text says to copy from an
// answer is copied from that answer, and each answer the text promises
// ("# → 201 {…}") is compared with the real one. Only the ports differ
// from a reader's: the stack runs on free ones, and the text's
// localhost:9003 (the API) and localhost:8080 (the SDK's example backend)
// are read as those.
func TestWalkthroughs(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	ports := map[string]int{}
	for _, name := range []string{"api", "admin", "dynamodb", "idp", "backend"} {
		if ports[name], err = ddblocal.FreePort(); err != nil {
			t.Fatal(err)
		}
	}
	password := rand.Text()
	// A reader's environment: nothing of the test run's own DynamoDB Local.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "SENTINEL_DYNAMODB_ENDPOINT=") })
	env = append(env,
		"SENTINEL_LOCAL_DIR="+t.TempDir(),
		fmt.Sprintf("SENTINEL_API_PORT=%d", ports["api"]), fmt.Sprintf("SENTINEL_ADMIN_PORT=%d", ports["admin"]),
		fmt.Sprintf("SENTINEL_DYNAMODB_PORT=%d", ports["dynamodb"]), fmt.Sprintf("SENTINEL_DEV_IDP_PORT=%d", ports["idp"]),
		"SENTINEL_ADMIN_EMAIL=admin@sentinel.local", "SENTINEL_ADMIN_PASSWORD="+password,
		// The SDK's example backend reads these; a reader's defaults
		// (http://localhost:9003, localhost:8080) are the ports replaced.
		fmt.Sprintf("SENTINEL_URL=http://localhost:%d", ports["api"]), fmt.Sprintf("ADDR=localhost:%d", ports["backend"]))
	startDev(t, root, env)
	sh := newShell(t, root, env)
	replacer := strings.NewReplacer("localhost:9003", fmt.Sprintf("localhost:%d", ports["api"]),
		"localhost:8080", fmt.Sprintf("localhost:%d", ports["backend"]), "<printed password>", password)

	var last *Answer
	for _, w := range walkthroughs {
		text, err := os.ReadFile(filepath.Join(root, w.doc))
		if err != nil {
			t.Fatal(err)
		}
		blocks := Blocks(string(text), w.headings...)
		if len(blocks) == 0 {
			t.Fatalf("%s: no walk-through under %q", w.doc, w.headings)
		}
		sh.run("cd " + root)
		for _, block := range blocks {
			for _, step := range block {
				where := fmt.Sprintf("%s:%d", w.doc, step.Line)
				cmd := replacer.Replace(step.Shell)
				if step.Copy != nil {
					v, ok := Field(last, step.Copy.Field)
					if !ok {
						t.Fatalf("%s: the answer above has no %q to copy into %s: %+v", where, step.Copy.Field, step.Copy.Var, last)
					}
					cmd = fmt.Sprintf("%s='%s'", step.Copy.Var, strings.ReplaceAll(v, "'", `'\''`))
				}
				t.Logf("%s", where)
				out, code := sh.run(cmd)
				if a := LastAnswer(out); a != nil {
					last = a
				}
				if code != 0 {
					t.Fatalf("%s: exit status %d:\n%s\n%s", where, code, step.Shell, out)
				}
				if step.Expect == "" {
					continue
				}
				if diffs := Check(step.Expect, LastAnswer(out)); len(diffs) > 0 {
					t.Errorf("%s: the answer is not the one promised:\n%s\n  promised: %s\n  %s\n  output:\n%s", where, step.Shell, step.Expect, strings.Join(diffs, "\n  "), out)
				}
			}
		}
	}
}

// startDev builds the sentinel command and runs `sentinel dev` (what `make
// dev` runs) until the test ends.
func startDev(t *testing.T, root string, env []string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sentinel")
	build := exec.Command("go", "build", "-o", bin, "./cmd/sentinel")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dev := exec.Command(bin, "dev")
	dev.Dir, dev.Env = root, env
	out, _ := dev.StdoutPipe()
	dev.Stderr = dev.Stdout
	if err := dev.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		dev.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- dev.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			dev.Process.Kill()
		}
	})
	up, ended := make(chan struct{}), make(chan string)
	go func() {
		var log strings.Builder
		s := bufio.NewScanner(out)
		for s.Scan() {
			log.WriteString(s.Text() + "\n")
			if strings.Contains(s.Text(), "stack is up") {
				close(up)
			}
		}
		ended <- log.String()
	}()
	select {
	case <-up:
	case log := <-ended:
		t.Fatalf("sentinel dev ended:\n%s", log)
	case <-time.After(3 * time.Minute):
		t.Fatal("sentinel dev did not come up within 3 minutes")
	}
}

// shell is one bash, fed step after step like a terminal, so that
// variables and the working directory carry over.
type shell struct {
	t     *testing.T
	in    io.Writer
	lines chan string // the shell's output, line by line; closed when it ends
	n     int
}

func newShell(t *testing.T, dir string, env []string) *shell {
	t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc")
	cmd.Dir, cmd.Env = dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The shell and what a walk-through started in the background.
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() })
	lines := make(chan string, 1024)
	go func() {
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				close(lines)
				return
			}
			lines <- line
		}
	}()
	return &shell{t: t, in: in, lines: lines}
}

// stepTimeout bounds one step (a `go run` compiles first on a cold cache).
const stepTimeout = 3 * time.Minute

// run runs lines and answers their output and exit status.
func (s *shell) run(lines string) (string, int) {
	s.n++
	marker := fmt.Sprintf("@@step %d done@@", s.n)
	// Standard input is the script itself: no command may read it.
	fmt.Fprintf(s.in, "{\n%s\n} </dev/null 2>&1; printf '\\n%s %%d\\n' $?\n", lines, marker)
	var out strings.Builder
	timeout := time.After(stepTimeout)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				s.t.Fatalf("the shell ended:\n%s\n%s", lines, out.String())
			}
			if rest, ok := strings.CutPrefix(line, marker+" "); ok {
				var code int
				fmt.Sscan(rest, &code)
				return out.String(), code
			}
			out.WriteString(line)
		case <-timeout:
			s.t.Fatalf("no end after %v:\n%s\noutput so far:\n%s", stepTimeout, lines, out.String())
		}
	}
}
