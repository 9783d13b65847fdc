package load

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"sentinel/internal/devstack"
)

// Stack is a `sentinel dev` the tool started on free ports, with a
// DynamoDB calls counter between its functions and DynamoDB Local.
type Stack struct {
	API      string
	Email    string
	Password string
	Calls    *Counter
	// PID is the sentinel process's, DynamoDBPID DynamoDB Local's JVM.
	PID, DynamoDBPID int

	pprof string // the process's net/http/pprof (devstack.Config.PprofPort)
	bin   string
	env   []string
	cmd   *exec.Cmd
	proxy *http.Server
	done  chan struct{}
}

// Start runs bin (the sentinel command) as `sentinel dev` in a fresh state
// directory under dir, on free ports, with the functions' DynamoDB calls
// going through a counting proxy. Stop ends it.
func Start(ctx context.Context, bin, dir string, log io.Writer) (*Stack, error) {
	ports, err := freePorts(6)
	if err != nil {
		return nil, err
	}
	calls := &Counter{counts: map[string]int64{}}
	target, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", ports[3]))
	proxy := httputil.NewSingleHostReverseProxy(target)
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := r.Header.Get("X-Amz-Target")
		if i := strings.LastIndexByte(op, '.'); i >= 0 {
			op = op[i+1:]
		}
		calls.add(op)
		proxy.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", ports[4]))
	if err != nil {
		return nil, err
	}
	s := &Stack{API: fmt.Sprintf("http://localhost:%d", ports[0]), pprof: fmt.Sprintf("http://127.0.0.1:%d", ports[5]), Email: "load@sentinel.local", Password: randomPassword(),
		Calls: calls, bin: bin, proxy: &http.Server{Handler: counted, ReadHeaderTimeout: 10 * time.Second}, done: make(chan struct{})}
	go s.proxy.Serve(ln)
	s.env = append(os.Environ(),
		"SENTINEL_LOCAL_DIR="+filepath.Join(dir, "state"),
		"SENTINEL_API_PORT="+strconv.Itoa(ports[0]), "SENTINEL_ADMIN_PORT="+strconv.Itoa(ports[1]),
		"SENTINEL_DEV_IDP_PORT="+strconv.Itoa(ports[2]), "SENTINEL_DYNAMODB_PORT="+strconv.Itoa(ports[3]),
		devstack.EnvDynamoDBProxy+"="+fmt.Sprintf("http://127.0.0.1:%d", ports[4]),
		"SENTINEL_ADMIN_EMAIL="+s.Email, "SENTINEL_ADMIN_PASSWORD="+s.Password,
		devstack.EnvPprofPort+"="+strconv.Itoa(ports[5]),
		"SENTINEL_AUTHZ_RATE_LIMIT=10000")
	s.env = without(s.env, "SENTINEL_DYNAMODB_ENDPOINT")
	s.cmd = exec.CommandContext(ctx, bin, "dev")
	s.cmd.Env = s.env
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s.cmd.Stderr = s.cmd.Stdout
	if err := s.cmd.Start(); err != nil {
		s.proxy.Close()
		return nil, err
	}
	s.PID = s.cmd.Process.Pid
	up := make(chan struct{})
	var logged strings.Builder
	var mu sync.Mutex
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(out)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			if logged.Len() < 64<<10 {
				logged.WriteString(line + "\n")
			}
			mu.Unlock()
			if log != nil && !strings.Contains(line, "local gateway") {
				fmt.Fprintln(log, line)
			}
			if strings.Contains(line, "stack is up") {
				once.Do(func() { close(up) })
			}
		}
	}()
	select {
	case <-up:
	case <-s.done:
		s.proxy.Close()
		mu.Lock()
		defer mu.Unlock()
		return nil, fmt.Errorf("sentinel dev ended:\n%s", logged.String())
	case <-time.After(3 * time.Minute):
		s.Stop()
		return nil, errors.New("sentinel dev did not come up within 3 minutes")
	}
	if s.DynamoDBPID, err = childJVM(s.PID); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// CPUProfile records the sentinel process's CPU profile for d (Go's
// pprof format) into path.
func (s *Stack) CPUProfile(ctx context.Context, d time.Duration, path string) error {
	secs := max(1, int(d.Seconds()))
	req, err := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", s.pprof, secs), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return fmt.Errorf("CPU profile: %s: %s", resp.Status, b)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Stop ends the stack (Ctrl-C, then a kill after 30 s) and the proxy.
func (s *Stack) Stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
	}
	_ = s.cmd.Wait()
	s.proxy.Close()
}

// Command runs another sentinel command against the stack (dev-token,
// dev-idp-token) and returns its output, trimmed.
func (s *Stack) Command(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Env = s.env
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("sentinel %s: %v: %s", args[0], err, ee.Stderr)
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// Counter counts DynamoDB operations by name.
type Counter struct {
	mu     sync.Mutex
	counts map[string]int64
}

func (c *Counter) add(op string) {
	c.mu.Lock()
	c.counts[op]++
	c.mu.Unlock()
}

// Total is the number of calls so far.
func (c *Counter) Total() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int64
	for _, v := range c.counts {
		n += v
	}
	return n
}

// Snapshot is the counts so far by operation.
func (c *Counter) Snapshot() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// CPU is a process's user + system CPU time so far, from /proc/<pid>/stat.
func CPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name (in parentheses, which may hold spaces).
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// clockTicks is USER_HZ, 100 on Linux.
const clockTicks = 100

// childJVM finds the DynamoDB Local process sentinel dev started.
func childJVM(pid int) (int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		if err != nil {
			continue
		}
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", child))
			if strings.Contains(string(cmdline), "DynamoDBLocal") {
				return child, nil
			}
		}
	}
	return 0, fmt.Errorf("no DynamoDB Local process under sentinel dev (pid %d)", pid)
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "Load-" + hex.EncodeToString(b)
}

func without(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
