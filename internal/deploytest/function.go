package deploytest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"sentinel/internal/ddblocal"
)

// Function is one AWS::Lambda::Function of the template, running its
// bootstrap under the Lambda Runtime Interface Emulator.
type Function struct {
	// ID is the logical id; Name the physical name; Description the
	// template's, which names the function for people.
	ID, Name, Description string
	// Env is exactly the template's Environment.Variables, resolved.
	Env map[string]string
	// Code is the asset directory holding the bootstrap.
	Code    string
	Handler string
	Timeout time.Duration
	Memory  int
	// LogGroup is the resolved LoggingConfig.LogGroup, if any.
	LogGroup string

	url  string
	cmd  *exec.Cmd
	logs *logBuffer
	// mu serializes invocations: one emulator is one execution
	// environment, which serves one event at a time.
	mu sync.Mutex
}

// Label names the function in messages: its logical id and description.
func (f *Function) Label() string {
	if f.Description != "" {
		return fmt.Sprintf("%s (%s)", f.ID, f.Description)
	}
	return f.ID
}

// reservedEnv are the variables Lambda sets itself and refuses in a
// function's configuration.
var reservedEnv = []string{"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
	"AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"}

// maxEnvBytes is Lambda's limit on a function's environment variables
// (keys and values together).
const maxEnvBytes = 4096

// functionFromTemplate reads one AWS::Lambda::Function as Lambda would
// take it: its code asset, handler, limits and environment.
func functionFromTemplate(t *Template, l *Locals, id string) (*Function, error) {
	r := t.Resources[id]
	p := r.Properties
	f := &Function{ID: id, Name: l.Refs[id], Timeout: 3 * time.Second, Memory: 128, Env: map[string]string{}}
	f.Description, _ = p["Description"].(string)
	if rt, _ := p["Runtime"].(string); !strings.HasPrefix(rt, "provided.") {
		return nil, fmt.Errorf("function %s: runtime %q: the harness runs custom runtimes (provided.*) only", id, rt)
	}
	asset, _ := r.Metadata["aws:asset:path"].(string)
	if asset == "" {
		return nil, fmt.Errorf("function %s: no aws:asset:path metadata (synthesize with aws:cdk:enable-asset-metadata)", id)
	}
	f.Code = filepath.Join(t.Dir, asset)
	f.Handler, _ = p["Handler"].(string)
	if f.Handler == "" {
		f.Handler = "bootstrap"
	}
	if n, ok := p["Timeout"].(float64); ok {
		f.Timeout = time.Duration(n) * time.Second
	}
	if n, ok := p["MemorySize"].(float64); ok {
		f.Memory = int(n)
	}
	if lg := dig(p, "LoggingConfig", "LogGroup"); lg != nil {
		s, err := l.ResolveString(lg)
		if err != nil {
			return nil, fmt.Errorf("function %s: log group: %w", id, err)
		}
		f.LogGroup = s
	}
	vars, _ := dig(p, "Environment", "Variables").(map[string]any)
	size := 0
	for k, v := range vars {
		if slices.Contains(reservedEnv, k) {
			return nil, fmt.Errorf("function %s: environment variable %s is reserved by Lambda", id, k)
		}
		s, err := l.ResolveString(v)
		if err != nil {
			return nil, fmt.Errorf("function %s: environment variable %s: %w", id, k, err)
		}
		f.Env[k] = s
		size += len(k) + len(s)
	}
	if size > maxEnvBytes {
		return nil, fmt.Errorf("function %s: environment variables take %d bytes, over Lambda's %d", id, size, maxEnvBytes)
	}
	return f, nil
}

// emulatorTimeout is the least timeout the emulator is given. It applies
// one timeout to a function's init and to each invocation; on a loaded
// 2-core machine a cold start can take longer than Lambda's 10 s init
// limit, which would fail runs for nothing the template decides. The
// gateway still enforces the integration's timeout on requests.
const emulatorTimeout = 60 * time.Second

// runtimeEnv is what Lambda itself sets in an execution environment, plus
// the endpoints through which the SDK reaches the local services (the
// standard AWS_ENDPOINT_URL_<SERVICE> variables) and the trust store
// (SSL_CERT_FILE): nothing in the function's code knows it runs locally.
func (f *Function) runtimeEnv(endpoints map[string]string) []string {
	logGroup := f.LogGroup
	if logGroup == "" {
		logGroup = "/aws/lambda/" + f.Name
	}
	env := map[string]string{
		"AWS_REGION": Region, "AWS_DEFAULT_REGION": Region,
		// DynamoDB Local keeps one database per access key and region: the
		// functions share the one the harness and the tests use.
		"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_SESSION_TOKEN": "local",
		"AWS_LAMBDA_FUNCTION_NAME":        f.Name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(f.Memory),
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_TIMEOUT":     strconv.Itoa(int(max(f.Timeout, emulatorTimeout) / time.Second)),
		"AWS_LAMBDA_LOG_GROUP_NAME":       logGroup,
		"AWS_LAMBDA_LOG_STREAM_NAME":      time.Now().UTC().Format("2006/01/02") + "/[$LATEST]local",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"LAMBDA_TASK_ROOT":                f.Code,
		"LAMBDA_RUNTIME_DIR":              f.Code,
		"_HANDLER":                        f.Handler,
		"TZ":                              ":UTC",
		"LANG":                            "en_US.UTF-8",
		"PATH":                            "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
	}
	for k, v := range endpoints {
		env[k] = v
	}
	for k, v := range f.Env {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// start runs the emulator with the bootstrap and waits until it listens.
// The function's own cold start happens on the first invocation, as the
// emulator does it.
func (f *Function) start(rie string, endpoints map[string]string) error {
	// The ports are free when chosen, but another start (or process) may
	// take one before the emulator binds it: then again with new ones.
	for attempt := 1; ; attempt++ {
		err := f.startOnce(rie, endpoints)
		if err == nil || attempt == 3 || !strings.Contains(err.Error(), "address already in use") {
			return err
		}
	}
}

func (f *Function) startOnce(rie string, endpoints map[string]string) error {
	bootstrap := filepath.Join(f.Code, f.Handler)
	if _, err := os.Stat(bootstrap); err != nil {
		return fmt.Errorf("function %s: %w", f.Label(), err)
	}
	ports := [2]int{}
	for i := range ports {
		p, err := ddblocal.FreePort()
		if err != nil {
			return err
		}
		ports[i] = p
	}
	addr := fmt.Sprintf("127.0.0.1:%d", ports[0])
	f.url = "http://" + addr + "/2015-03-31/functions/function/invocations"
	f.logs = &logBuffer{}
	f.cmd = exec.Command(rie,
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", fmt.Sprintf("127.0.0.1:%d", ports[1]),
		bootstrap)
	f.cmd.Dir = f.Code
	f.cmd.Env = f.runtimeEnv(endpoints)
	f.cmd.Stdout, f.cmd.Stderr = f.logs, f.logs
	// Its own process group, so that stop ends the bootstrap too; and
	// killed with the test binary.
	f.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := f.cmd.Start(); err != nil {
		return fmt.Errorf("function %s: start the emulator: %w", f.Label(), err)
	}
	exited := make(chan struct{})
	go func() { _ = f.cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("function %s: the emulator exited:\n%s", f.Label(), f.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("function %s: the emulator does not listen on %s", f.Label(), addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the emulator and the bootstrap.
func (f *Function) stop() {
	if f.cmd != nil && f.cmd.Process != nil {
		_ = syscall.Kill(-f.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// ErrFunction is a failed invocation: the function's cold start or its
// handler failed, or it timed out.
var ErrFunction = errors.New("function failed")

// invoke sends one event and returns the function's response payload.
func (f *Function) invoke(ctx context.Context, requestID string, event []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(event))
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Amzn-RequestId", requestID)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: invoke %s: %v", ErrFunction, f.Label(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: invoke %s: %v", ErrFunction, f.Label(), err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "" ||
		bytes.HasPrefix(body, []byte(`{"errorMessage"`)) || bytes.HasPrefix(body, []byte("Task timed out")) {
		return nil, fmt.Errorf("%w: %s answered %d %s", ErrFunction, f.Label(), resp.StatusCode, truncate(body, 500))
	}
	return body, nil
}

// LogsOf returns the function's log lines of one invocation (from its
// START line to its REPORT line).
func (f *Function) LogsOf(requestID string) string { return f.logs.between(requestID) }

// Logs returns everything the emulator and the function wrote.
func (f *Function) Logs() string { return f.logs.String() }

// initReport is the emulator's report of the init phase. (The "Init
// Duration" of its final REPORT line only times the emulator's own
// asynchronous init call, well under a millisecond whatever the function
// does; the init phase's REPORT is the cold start.)
var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// InitDuration is the cold start the emulator reported for the first
// invocation (its INIT REPORT line), or 0 before one.
func (f *Function) InitDuration() time.Duration {
	m := initReport.FindStringSubmatch(f.logs.String())
	if m == nil {
		return 0
	}
	ms, _ := strconv.ParseFloat(m[1], 64)
	return time.Duration(ms * float64(time.Millisecond))
}

// logBuffer collects an emulator's output.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// between returns the lines from "START RequestId: id" to "REPORT
// RequestId: id".
func (l *logBuffer) between(id string) string {
	var out []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(l.String()))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "START RequestId: "+id) {
			in = true
		}
		if in {
			out = append(out, line)
		}
		if strings.Contains(line, "REPORT RequestId: "+id) {
			break
		}
	}
	return strings.Join(out, "\n")
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// dig walks nested JSON objects; nil when a key is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}
