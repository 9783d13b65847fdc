package load

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// OpenFGAVersion is the OpenFGA release `make load-compare` installs
// (go install, cached under .local/bin).
const OpenFGAVersion = "v1.22.1"

// OpenFGA is a peer Zanzibar server the tool compares a check's CPU with:
// OpenFGA with its memory datastore, started on free ports. Its process's
// CPU includes its storage's.
type OpenFGA struct {
	PID int

	api  *client
	cmd  *exec.Cmd
	done chan struct{}
}

// StartOpenFGA runs bin (an openfga binary) with the memory datastore on
// free ports, without its playground, metrics endpoint, logs or check
// cache (Sentinel caches no check either). Stop ends it.
func StartOpenFGA(ctx context.Context, bin string) (*OpenFGA, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "run",
		"--datastore-engine", "memory",
		"--http-addr", "127.0.0.1:"+strconv.Itoa(ports[0]),
		"--grpc-addr", "127.0.0.1:"+strconv.Itoa(ports[1]),
		"--playground-enabled=false", "--metrics-enabled=false", "--log-level", "none",
		"--check-query-cache-enabled=false")
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	o := &OpenFGA{PID: cmd.Process.Pid, cmd: cmd, done: make(chan struct{}),
		api: &client{api: fmt.Sprintf("http://127.0.0.1:%d", ports[0]), http: &http.Client{Timeout: time.Minute}}}
	go func() { _ = cmd.Wait(); close(o.done) }()
	for deadline := time.Now().Add(time.Minute); ; {
		if _, err := o.api.do(ctx, "GET", "/healthz", nil, nil, nil); err == nil {
			return o, nil
		}
		select {
		case <-o.done:
			return nil, errors.New("openfga exited at start")
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			o.Stop()
			return nil, errors.New("openfga did not answer /healthz within a minute")
		}
	}
}

// Stop ends the server.
func (o *OpenFGA) Stop() {
	_ = o.cmd.Process.Signal(os.Interrupt)
	select {
	case <-o.done:
	case <-time.After(10 * time.Second):
		_ = o.cmd.Process.Kill()
		<-o.done
	}
}

// openFGAModel is Sentinel's sharing model as an OpenFGA authorization
// model (schema 1.1): a document's owner may edit; an editor is a user or
// a group's members given edit; a viewer is an editor, or a user, a
// group's members or a workspace's members given view.
const openFGAModel = `{"schema_version":"1.1","type_definitions":[
{"type":"user"},
{"type":"group","relations":{"member":{"this":{}}},
 "metadata":{"relations":{"member":{"directly_related_user_types":[{"type":"user"}]}}}},
{"type":"workspace","relations":{"member":{"this":{}}},
 "metadata":{"relations":{"member":{"directly_related_user_types":[{"type":"user"}]}}}},
{"type":"doc","relations":{
  "owner":{"this":{}},
  "editor":{"union":{"child":[{"this":{}},{"computedUserset":{"relation":"owner"}}]}},
  "viewer":{"union":{"child":[{"this":{}},{"computedUserset":{"relation":"editor"}}]}}},
 "metadata":{"relations":{
  "owner":{"directly_related_user_types":[{"type":"user"}]},
  "editor":{"directly_related_user_types":[{"type":"user"},{"type":"group","relation":"member"}]},
  "viewer":{"directly_related_user_types":[{"type":"user"},{"type":"group","relation":"member"},{"type":"workspace","relation":"member"}]}}}}
]}`

type tupleKey struct {
	User     string `json:"user"`
	Relation string `json:"relation"`
	Object   string `json:"object"`
}

// tuples is the seeding of sd as OpenFGA relationship tuples: the
// workspace's members, the groups' members, and each resource's grants
// (grantsOf, as Sentinel was given them).
func tuples(sd *seeded) []tupleKey {
	var out []tupleKey
	for i, m := range sd.members {
		out = append(out, tupleKey{"user:" + m, "member", "workspace:" + sd.workspace})
		for _, g := range groupsOf(i, len(sd.groups)) {
			out = append(out, tupleKey{"user:" + m, "member", "group:" + sd.groups[g]})
		}
	}
	for i, rid := range sd.resources {
		g := grantsOf(i, len(sd.members), len(sd.groups))
		doc := "doc:" + rid
		out = append(out, tupleKey{"user:" + sd.members[g.owner], "owner", doc})
		if g.workspace {
			out = append(out, tupleKey{"workspace:" + sd.workspace + "#member", "viewer", doc})
		}
		if g.group >= 0 {
			out = append(out, tupleKey{"group:" + sd.groups[g.group] + "#member", "viewer", doc})
		}
		if g.user >= 0 {
			out = append(out, tupleKey{"user:" + sd.members[g.user], "editor", doc})
		}
	}
	return out
}

// Load seeds the server with sd's shape (a store, the model, the tuples
// 100 a write, OpenFGA's default limit), checks that it answers as
// Sentinel does (sentinel: Sentinel's answer for the checking user's view
// of a resource) on the first 200 resources, and runs the single-check
// phase against it: the same user and random resources as Sentinel's, a
// check of view as POST /stores/{id}/check.
func (o *OpenFGA) Load(ctx context.Context, sd *seeded, shape Shape, sentinel func(ctx context.Context, rid string) (bool, error), progress io.Writer) (Result, error) {
	seeding := *o.api
	seeding.retry = true
	var store struct{ ID string }
	if _, err := seeding.do(ctx, "POST", "/stores", nil, map[string]string{"name": "load"}, &store); err != nil {
		return Result{}, err
	}
	var model struct {
		ID string `json:"authorization_model_id"`
	}
	if _, err := seeding.do(ctx, "POST", "/stores/"+store.ID+"/authorization-models", nil, json.RawMessage(openFGAModel), &model); err != nil {
		return Result{}, err
	}
	all := tuples(sd)
	fmt.Fprintf(progress, "load: OpenFGA %s: writing %d tuples...\n", OpenFGAVersion, len(all))
	for len(all) > 0 {
		n := min(len(all), 100)
		body := map[string]any{"authorization_model_id": model.ID, "writes": map[string]any{"tuple_keys": all[:n]}}
		if _, err := seeding.do(ctx, "POST", "/stores/"+store.ID+"/write", nil, body, nil); err != nil {
			return Result{}, err
		}
		all = all[n:]
	}
	backend := &client{api: o.api.api, http: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: shape.Concurrency * 2}}}
	check := func(ctx context.Context, rid string) (bool, error) {
		var out struct{ Allowed *bool }
		_, err := backend.do(ctx, "POST", "/stores/"+store.ID+"/check", nil, map[string]any{
			"authorization_model_id": model.ID,
			"tuple_key":              tupleKey{"user:" + sd.user, "viewer", "doc:" + rid},
		}, &out)
		if err == nil && out.Allowed == nil {
			err = errors.New("check answered without allowed")
		}
		return err == nil && *out.Allowed, err
	}
	// The same question must get the same answer from both, or the
	// comparison compares different work.
	for _, rid := range sd.resources[:min(len(sd.resources), 200)] {
		peer, err := check(ctx, rid)
		if err != nil {
			return Result{}, err
		}
		if want, err := sentinel(ctx, rid); err != nil || peer != want {
			return Result{}, fmt.Errorf("resource %s: OpenFGA answers allowed=%v, Sentinel %v (%v)", rid, peer, want, err)
		}
	}
	call := func(ctx context.Context, r *rand.Rand) error {
		_, err := check(ctx, sd.resources[r.IntN(len(sd.resources))])
		return err
	}
	name := "single check, OpenFGA " + OpenFGAVersion + " (memory datastore)"
	fmt.Fprintf(progress, "load: %s for %v at concurrency %d...\n", name, shape.Duration, shape.Concurrency)
	if err := call(ctx, rand.New(rand.NewPCG(1, 2))); err != nil {
		return Result{}, err
	}
	res, err := measure(ctx, procs{server: o.PID}, name, shape, call)
	res.ChecksPerRequest = 1
	return res, err
}
