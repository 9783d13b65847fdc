package deploytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"sentinel/internal/dynamo/tableadmin"
	"sentinel/internal/gateway"
)

// Options configure Start.
type Options struct {
	// CDKOut is the synthesized cloud assembly (the template and its
	// assets).
	CDKOut string
	// RIE is the aws-lambda-rie binary.
	RIE string
	// CLI is the sentinel binary, for the operator commands the template's
	// outputs name.
	CLI string
	// DynamoDB is the DynamoDB Local endpoint.
	DynamoDB string
	// TrustStore, when set, is the PEM file of the roots the functions
	// trust (their SSL_CERT_FILE): the system's and the CA of the
	// harness's dev IdP (see IdP).
	TrustStore string
	// Edit, when set, changes the template before anything starts (tests
	// of the harness break one thing with it).
	Edit func(*Template)
	// Log receives the gateway's request lines and the operator commands'
	// output (nil: discarded).
	Log io.Writer
}

// Stack is the template running locally.
type Stack struct {
	// URL is the HTTP API's endpoint (its stage's base URL).
	URL       string
	Template  *Template
	Locals    *Locals
	Functions map[string]*Function // by logical id
	Gateway   *Gateway
	Secrets   *SecretsManager
	// SecretsURL is the stand-in's endpoint.
	SecretsURL string
	// DB is a client of DynamoDB Local (the account's, as the functions').
	DB *dynamodb.Client

	servers   []*http.Server
	endpoints map[string]string
}

var stacks atomic.Int64

// Start runs the template: its tables on DynamoDB Local, its secrets in the
// stand-in (then the operator commands its outputs name, such as
// `sentinel signing-key rotate --secret-id <this>`), every function under
// the emulator with its cold start done, and the gateway. On error
// everything started is stopped again.
func Start(ctx context.Context, opts Options) (_ *Stack, err error) {
	t, err := LoadTemplate(opts.CDKOut)
	if err != nil {
		return nil, err
	}
	if opts.Edit != nil {
		t = t.Clone()
		opts.Edit(t)
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	s := &Stack{Template: t, Functions: map[string]*Function{}, Secrets: NewSecretsManager()}
	defer func() {
		if err != nil {
			s.Stop()
		}
	}()

	// The gateway's address first: the functions' environment names it
	// (the HTTP API's endpoint is the issuer of the tokens they sign).
	apiLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.URL = "http://" + apiLn.Addr().String()
	smLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		apiLn.Close()
		return nil, err
	}
	s.SecretsURL = "http://" + smLn.Addr().String()
	s.serve(smLn, s.Secrets)

	prefix := fmt.Sprintf("deployed%d-%d-", os.Getpid(), stacks.Add(1))
	s.Locals = newLocals(t, "sentinel", prefix, s.URL)
	s.DB = tableadmin.LocalClient(opts.DynamoDB)
	if err := CreateTables(ctx, s.DB, t, s.Locals); err != nil {
		apiLn.Close()
		return nil, err
	}
	if err := s.createSecrets(ctx); err != nil {
		apiLn.Close()
		return nil, err
	}
	// What the machine gives the functions besides the template: the
	// services' endpoints and the trust store.
	endpoints := map[string]string{
		"AWS_ENDPOINT_URL_DYNAMODB":        opts.DynamoDB,
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": s.SecretsURL,
	}
	if opts.TrustStore != "" {
		endpoints["SSL_CERT_FILE"] = opts.TrustStore
	}
	s.endpoints = endpoints
	if err := s.runOperatorCommands(ctx, opts.CLI, endpoints, log); err != nil {
		apiLn.Close()
		return nil, err
	}
	for _, id := range t.OfType("AWS::Lambda::Function") {
		f, err := functionFromTemplate(t, s.Locals, id)
		if err != nil {
			apiLn.Close()
			return nil, err
		}
		s.Functions[id] = f
	}
	if s.Gateway, err = newGateway(t, s.Locals, s.Functions); err != nil {
		apiLn.Close()
		return nil, err
	}
	s.Gateway.log = log
	// Cold starts in parallel, one per core: all at once would make each
	// take many times its time on a small machine.
	if err := parallel(slices.Sorted(maps.Keys(s.Functions)), runtime.NumCPU(), func(id string) error {
		f := s.Functions[id]
		if err := f.start(opts.RIE, endpoints); err != nil {
			return err
		}
		return coldStart(ctx, f)
	}); err != nil {
		apiLn.Close()
		return nil, err
	}
	if s.Gateway.stage != "$default" {
		s.URL += "/" + s.Gateway.stage
	}
	s.serve(apiLn, s.Gateway)
	return s, nil
}

func (s *Stack) serve(ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	go func() { _ = srv.Serve(ln) }()
}

// Stop ends the functions and the servers and removes the tables.
func (s *Stack) Stop() {
	for _, f := range s.Functions {
		f.stop()
	}
	for _, srv := range s.servers {
		_ = srv.Close()
	}
	if s.DB != nil && s.Locals != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = DeleteTables(ctx, s.DB, s.Template, s.Locals)
	}
}

// ClientEnv is the environment of a client that sees the stack as its
// functions do: every variable the template gives them (each has one
// value across functions), and the endpoints and credentials Lambda and
// the harness give them.
func (s *Stack) ClientEnv() (map[string]string, error) {
	env := map[string]string{
		"AWS_REGION": Region, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
	}
	for k, v := range s.endpoints {
		env[k] = v
	}
	for _, id := range slices.Sorted(maps.Keys(s.Functions)) {
		for k, v := range s.Functions[id].Env {
			if old, ok := env[k]; ok && old != v {
				return nil, fmt.Errorf("%s is %q in %s but %q elsewhere", k, v, s.Functions[id].Label(), old)
			}
			env[k] = v
		}
	}
	return env, nil
}

// ResetTables empties the data: every table is deleted and created again
// from the template. Running functions keep their warm state, as deployed
// ones would across such a change.
func (s *Stack) ResetTables(ctx context.Context) error {
	if err := DeleteTables(ctx, s.DB, s.Template, s.Locals); err != nil {
		return err
	}
	return CreateTables(ctx, s.DB, s.Template, s.Locals)
}

// TableName is the local physical name of the table whose logical id
// starts with prefix (CDK appends a hash to construct ids).
func (s *Stack) TableName(prefix string) (string, error) {
	var found []string
	for _, id := range s.Template.OfType("AWS::DynamoDB::Table") {
		if strings.HasPrefix(id, prefix) {
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("tables whose logical id starts with %q: %v, want one", prefix, found)
	}
	return s.Locals.Refs[found[0]], nil
}

// createSecrets creates each AWS::SecretsManager::Secret through the
// stand-in's API, as CloudFormation would: with the template's value, or
// none.
func (s *Stack) createSecrets(ctx context.Context) error {
	for _, id := range s.Template.OfType("AWS::SecretsManager::Secret") {
		p := s.Template.Resources[id].Properties
		if p["GenerateSecretString"] != nil {
			return fmt.Errorf("secret %s: GenerateSecretString is not modelled by the harness", id)
		}
		arn := s.Locals.Refs[id]
		name := strings.TrimSuffix(arn[strings.LastIndex(arn, ":")+1:], "-AbCdEf")
		in := request{Name: name}
		in.Description, _ = p["Description"].(string)
		if v, ok := p["SecretString"].(string); ok {
			in.SecretString = &v
		}
		out, err := s.Secrets.create(in)
		if err != nil {
			return fmt.Errorf("secret %s: %w", id, err)
		}
		if got := out.(map[string]any)["ARN"]; got != arn {
			return fmt.Errorf("secret %s: ARN %v, want %s", id, got, arn)
		}
	}
	return ctx.Err()
}

// operatorCommand finds `sentinel … <this>` in an output's description:
// the step an operator runs with the output's value after deploying.
var operatorCommand = regexp.MustCompile("`(sentinel [^`]*<this>[^`]*)`")

// runOperatorCommands runs, with the sentinel binary and the operator's
// credentials, each command the template's outputs tell operators to run.
func (s *Stack) runOperatorCommands(ctx context.Context, cli string, endpoints map[string]string, log io.Writer) error {
	for _, name := range slices.Sorted(maps.Keys(s.Template.Outputs)) {
		out := s.Template.Outputs[name]
		m := operatorCommand.FindStringSubmatch(out.Description)
		if m == nil {
			continue
		}
		value, err := s.Locals.ResolveString(out.Value)
		if err != nil {
			return fmt.Errorf("output %s: %w", name, err)
		}
		if cli == "" {
			return fmt.Errorf("output %s asks operators to run %q: no sentinel binary given", name, m[1])
		}
		args := strings.Fields(strings.ReplaceAll(m[1], "<this>", value))[1:]
		cmd := exec.CommandContext(ctx, cli, args...)
		cmd.Dir = os.TempDir()
		cmd.Env = []string{"HOME=" + os.TempDir(), "PATH=/usr/local/bin:/usr/bin:/bin",
			"AWS_REGION=" + Region, "AWS_ACCESS_KEY_ID=operator", "AWS_SECRET_ACCESS_KEY=operator"}
		for k, v := range endpoints {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		res, err := cmd.CombinedOutput()
		fmt.Fprintf(log, "operator: sentinel %s\n%s", strings.Join(args, " "), res)
		if err != nil {
			return fmt.Errorf("output %s: sentinel %s: %v\n%s", name, strings.Join(args, " "), err, res)
		}
	}
	return nil
}

// coldStart invokes the function once with an event for a path no route
// serves, so that its cold start (and a failure of it) happens now rather
// than inside the first test; the function answers it without touching
// any data.
func coldStart(ctx context.Context, f *Function) error {
	r, _ := http.NewRequest(http.MethodGet, "http://localhost/__deploytest/cold-start", nil)
	r.RemoteAddr = "192.0.2.254:1"
	ev, err := json.Marshal(gateway.EventFor(r, nil, "GET /__deploytest/cold-start", nil, time.Now()))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, emulatorTimeout+10*time.Second)
	defer cancel()
	if _, err := f.invoke(ctx, "cold-start-"+f.ID, ev); err != nil {
		return fmt.Errorf("cold start of %s failed: %w\n%s", f.Label(), err, f.Logs())
	}
	// The emulator writes its init report as it goes, not before it answers.
	for deadline := time.Now().Add(10 * time.Second); f.InitDuration() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			return errors.Join(fmt.Errorf("cold start of %s: the emulator reported no init phase", f.Label()), errors.New(f.Logs()))
		}
	}
	return nil
}
