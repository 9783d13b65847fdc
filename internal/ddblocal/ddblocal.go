// Package ddblocal starts Amazon's DynamoDB Local (installed by
// scripts/install-dynamodb-local.sh) as a child process, for the local
// stack and the integration tests, listening on 127.0.0.1 only.
package ddblocal

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"sentinel/internal/dynamo/tableadmin"
)

// Process is a running DynamoDB Local.
type Process struct {
	cmd      *exec.Cmd
	Endpoint string
}

// DefaultDir is where the install script puts the jar, under the repo root.
const DefaultDir = ".local/cache/dynamodb-local"

// launcherSource is the Java launcher that binds DynamoDB Local to loopback
// (DynamoDB Local has no bind option; see the file). The install script
// compiles it into <dir>/loopback and records its sha256 there, which
// FindDir compares so a changed launcher is never run stale.
//
//go:embed DynamoDBLocalLoopback.java
var launcherSource []byte

const (
	launcherDir   = "loopback"
	launcherClass = "DynamoDBLocalLoopback"
)

// FindDir locates the DynamoDB Local install: $SENTINEL_DYNAMODB_LOCAL_DIR,
// else DefaultDir under the first parent of the working directory holding go.mod.
func FindDir() (string, error) {
	if d := os.Getenv("SENTINEL_DYNAMODB_LOCAL_DIR"); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "..", "go.mod")); err == nil && filepath.Base(d) == "infra" {
				continue // infra/ is a nested module; the install lives at the repo root
			}
			jar := filepath.Join(d, DefaultDir)
			if err := checkInstall(jar); err != nil {
				return "", err
			}
			return jar, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
	}
}

// checkInstall reports a missing jar or a missing or stale launcher.
func checkInstall(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "DynamoDBLocal.jar")); err != nil {
		return fmt.Errorf("DynamoDB Local is not installed in %s: run scripts/install-dynamodb-local.sh (make test does)", dir)
	}
	sum := sha256.Sum256(launcherSource)
	got, err := os.ReadFile(filepath.Join(dir, launcherDir, "source.sha256"))
	if _, cerr := os.Stat(filepath.Join(dir, launcherDir, launcherClass+".class")); err != nil || cerr != nil ||
		strings.TrimSpace(string(got)) != hex.EncodeToString(sum[:]) {
		return fmt.Errorf("DynamoDB Local's loopback launcher in %s is missing or out of date: run scripts/install-dynamodb-local.sh (make test does)", dir)
	}
	return nil
}

// FreePort asks the kernel for an unused TCP port on loopback.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start runs DynamoDB Local from dir on 127.0.0.1:port, in memory when
// dbPath is empty, and waits until it answers.
func Start(ctx context.Context, dir string, port int, dbPath string) (*Process, error) {
	if err := checkInstall(dir); err != nil {
		return nil, err
	}
	// The jar's manifest names its libraries, so the jar and the launcher are the whole class path.
	args := []string{"-Djava.library.path=" + filepath.Join(dir, "DynamoDBLocal_lib"),
		"-cp", filepath.Join(dir, "DynamoDBLocal.jar") + string(os.PathListSeparator) + filepath.Join(dir, launcherDir), launcherClass,
		"-port", strconv.Itoa(port), "-disableTelemetry"}
	if dbPath == "" {
		args = append(args, "-inMemory")
	} else {
		if err := os.MkdirAll(dbPath, 0o700); err != nil {
			return nil, err
		}
		args = append(args, "-sharedDb", "-dbPath", dbPath)
	}
	cmd := exec.Command("java", args...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start DynamoDB Local (is Java 17 installed?): %w", err)
	}
	p := &Process{cmd: cmd, Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port)}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	client := tableadmin.LocalClient(p.Endpoint)
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-exited:
			return nil, fmt.Errorf("DynamoDB Local exited at start (port %d in use?): %v", port, err)
		default:
		}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := client.ListTables(cctx, &dynamodb.ListTablesInput{})
		cancel()
		if err == nil {
			return p, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			p.Stop()
			return nil, fmt.Errorf("DynamoDB Local did not answer on port %d: %v", port, err)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// Stop ends the process and its children.
func (p *Process) Stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _, _ = p.cmd.Process.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
}
