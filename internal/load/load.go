// Package load is the load tool (make load): it starts the local stack on
// free ports (`sentinel dev`, with a counting proxy between its functions
// and DynamoDB Local), seeds it through the API with a realistic shape
// (a service app, a workspace, members, groups, shares and thousands of
// resources), then runs single checks, batch checks, accessible and
// resolve, each at a chosen concurrency for a bounded time, and reports
// requests/s, latency percentiles, the CPU the sentinel process and
// DynamoDB Local's JVM spent per request (their own accounting,
// /proc/<pid>/stat) and DynamoDB calls per request.
package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// Shape is what the tool seeds and how it loads it.
type Shape struct {
	Members, Groups, Resources int
	Concurrency                int
	Duration                   time.Duration // per phase
	BatchSize                  int
	// CPUProfile, when set, is where the sentinel process's CPU profile
	// of the single-check phase is written (go tool pprof).
	CPUProfile string
}

// Result is one phase's measurements.
type Result struct {
	Phase                  string
	Requests, Errors       int
	PerSecond              float64
	P50, P95, P99          time.Duration
	ServerCPU, DynamoDBCPU time.Duration // per request
	Calls                  float64       // DynamoDB calls per request
	CallsByOp              map[string]float64
	ChecksPerRequest       int
	FirstError             string
}

type client struct {
	api  string
	http *http.Client
	// retry: answers 503 and 429 are retried, a second longer each time
	// (the seeding, on a busy machine); measured requests never are.
	retry bool
}

func (c *client) do(ctx context.Context, method, path string, header map[string]string, body, out any) (int, error) {
	for attempt := 1; ; attempt++ {
		status, err := c.send(ctx, method, path, header, body, out)
		if !c.retry || (status != http.StatusServiceUnavailable && status != http.StatusTooManyRequests) || attempt == 12 {
			return status, err
		}
		select {
		case <-ctx.Done():
			return status, err
		case <-time.After(time.Duration(attempt) * time.Second):
		}
	}
}

func (c *client) send(ctx context.Context, method, path string, header map[string]string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.api+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode >= 300 {
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	if out != nil {
		return res.StatusCode, json.Unmarshal(b, out)
	}
	return res.StatusCode, nil
}

// seeded is what the load phases use.
type seeded struct {
	key, service, workspace string
	user, userToken         string // the checking user (a member in groups) and their token
	email                   string
	resources               []string
	members, groups         []string // ids, in seeding order (grantsOf and groupsOf index them)
}

// Run seeds the stack and runs the phases; with a peer, it then seeds the
// peer with the same shape and runs the single checks against it too (the
// last result).
func Run(ctx context.Context, s *Stack, shape Shape, peer *OpenFGA, progress io.Writer) ([]Result, error) {
	jar, _ := cookiejar.New(nil)
	admin := &client{api: s.API, http: &http.Client{Jar: jar, Timeout: time.Minute}, retry: true}
	backend := &client{api: s.API, http: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: shape.Concurrency * 2}}}
	seeding := *backend
	seeding.retry = true
	sd, err := seed(ctx, s, admin, &seeding, shape, progress)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	dual := map[string]string{"X-Service-Key": sd.key, "Authorization": "Bearer " + sd.userToken}
	idpToken, err := s.Command(ctx, "dev-idp-token", "--email", sd.email)
	if err != nil {
		return nil, err
	}
	check := func(rid string) map[string]string {
		return map[string]string{"service_name": sd.service, "resource_type": "doc", "resource_id": rid, "action": "view"}
	}
	phases := []struct {
		name   string
		checks int
		call   func(ctx context.Context, r *rand.Rand) error
	}{
		{"single check", 1, func(ctx context.Context, r *rand.Rand) error {
			_, err := backend.do(ctx, "POST", "/permissions/check", dual, map[string]any{"checks": []any{check(sd.resources[r.IntN(len(sd.resources))])}}, nil)
			return err
		}},
		{fmt.Sprintf("batch of %d", shape.BatchSize), shape.BatchSize, func(ctx context.Context, r *rand.Rand) error {
			var checks []any
			for range shape.BatchSize {
				checks = append(checks, check(sd.resources[r.IntN(len(sd.resources))]))
			}
			_, err := backend.do(ctx, "POST", "/permissions/check", dual, map[string]any{"checks": checks}, nil)
			return err
		}},
		{"accessible", 0, func(ctx context.Context, r *rand.Rand) error {
			_, err := backend.do(ctx, "POST", "/permissions/accessible", dual, map[string]any{"service_name": sd.service, "resource_type": "doc", "action": "view", "workspace_id": sd.workspace, "limit": 100}, nil)
			return err
		}},
		{"resolve", 0, func(ctx context.Context, r *rand.Rand) error {
			_, err := backend.do(ctx, "POST", "/authz/resolve", map[string]string{"X-Service-Key": sd.key}, map[string]any{"provider": "dev", "idp_token": idpToken, "workspace_id": sd.workspace}, nil)
			return err
		}},
	}
	var results []Result
	for _, p := range phases {
		fmt.Fprintf(progress, "load: %s for %v at concurrency %d...\n", p.name, shape.Duration, shape.Concurrency)
		// A warm-up request: cold starts and caches are not what is measured.
		if err := p.call(ctx, rand.New(rand.NewPCG(1, 2))); err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
		profiled := make(chan error, 1)
		if shape.CPUProfile != "" && p.checks == 1 {
			go func() { profiled <- s.CPUProfile(ctx, shape.Duration, shape.CPUProfile) }()
		} else {
			profiled <- nil
		}
		res, err := measure(ctx, procs{server: s.PID, storage: s.DynamoDBPID, calls: s.Calls}, p.name, shape, p.call)
		if err != nil {
			return nil, err
		}
		if err := <-profiled; err != nil {
			return nil, err
		}
		res.ChecksPerRequest = p.checks
		results = append(results, res)
	}
	if peer != nil {
		allowed := func(ctx context.Context, rid string) (bool, error) {
			var out struct {
				Results []struct{ Allowed bool } `json:"results"`
			}
			_, err := seeding.do(ctx, "POST", "/permissions/check", dual, map[string]any{"checks": []any{check(rid)}}, &out)
			if err == nil && len(out.Results) != 1 {
				err = fmt.Errorf("check answered %d results", len(out.Results))
			}
			return err == nil && out.Results[0].Allowed, err
		}
		res, err := peer.Load(ctx, sd, shape, allowed, progress)
		if err != nil {
			return nil, fmt.Errorf("OpenFGA: %w", err)
		}
		results = append(results, res)
	}
	return results, nil
}

// procs is what a phase is measured on: the server's process, its
// storage's (0: none apart) and the DynamoDB calls counter (nil: none).
type procs struct {
	server, storage int
	calls           *Counter
}

// cpu is a process's CPU so far, 0 for no process.
func (p procs) cpu(pid int) (time.Duration, error) {
	if pid == 0 {
		return 0, nil
	}
	return CPU(pid)
}

// snapshot is the DynamoDB calls so far.
func (p procs) snapshot() map[string]int64 {
	if p.calls == nil {
		return nil
	}
	return p.calls.Snapshot()
}

// measure runs call from shape.Concurrency workers for shape.Duration.
func measure(ctx context.Context, p procs, name string, shape Shape, call func(context.Context, *rand.Rand) error) (Result, error) {
	cpu0, err := p.cpu(p.server)
	if err != nil {
		return Result{}, err
	}
	ddb0, err := p.cpu(p.storage)
	if err != nil {
		return Result{}, err
	}
	calls0 := p.snapshot()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      atomic.Int64
		firstErr  atomic.Value
		wg        sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(shape.Duration)
	for w := range shape.Concurrency {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			var mine []time.Duration
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t := time.Now()
				if err := call(ctx, r); err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu1, err := p.cpu(p.server)
	if err != nil {
		return Result{}, err
	}
	ddb1, err := p.cpu(p.storage)
	if err != nil {
		return Result{}, err
	}
	calls1 := p.snapshot()
	n := len(latencies) + int(errs.Load())
	res := Result{Phase: name, Requests: len(latencies), Errors: int(errs.Load())}
	if p.calls != nil {
		res.CallsByOp = map[string]float64{}
	}
	if v, ok := firstErr.Load().(string); ok {
		res.FirstError = v
	}
	if n == 0 {
		return res, nil
	}
	res.PerSecond = float64(n) / elapsed.Seconds()
	res.ServerCPU = (cpu1 - cpu0) / time.Duration(n)
	res.DynamoDBCPU = (ddb1 - ddb0) / time.Duration(n)
	var total int64
	for op, c := range calls1 {
		if d := c - calls0[op]; d > 0 {
			res.CallsByOp[op] = float64(d) / float64(n)
			total += d
		}
	}
	res.Calls = float64(total) / float64(n)
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]
	}
	res.P50, res.P95, res.P99 = pct(0.50), pct(0.95), pct(0.99)
	return res, nil
}

func seed(ctx context.Context, s *Stack, admin, backend *client, shape Shape, progress io.Writer) (*seeded, error) {
	xrw := map[string]string{"X-Requested-With": "load"}
	if _, err := admin.do(ctx, "POST", "/admin/auth/login", xrw, map[string]string{"email": s.Email, "password": s.Password}, nil); err != nil {
		return nil, err
	}
	sd := &seeded{service: "load-docs"}
	var app struct {
		APIKey string `json:"api_key"`
	}
	if _, err := admin.do(ctx, "POST", "/admin/service-apps", xrw, map[string]any{"name": "Load Docs", "service_name": sd.service}, &app); err != nil {
		return nil, err
	}
	sd.key = app.APIKey
	var ws struct{ ID string }
	if _, err := admin.do(ctx, "POST", "/admin/workspaces", xrw, map[string]string{"name": "Load", "slug": "load"}, &ws); err != nil {
		return nil, err
	}
	sd.workspace = ws.ID
	var members, groups []string
	for i := range shape.Members {
		var m struct {
			UserID string `json:"user_id"`
		}
		if _, err := admin.do(ctx, "POST", "/admin/workspaces/"+ws.ID+"/members", xrw, map[string]string{"email": fmt.Sprintf("member%03d@load.example", i), "role": "viewer"}, &m); err != nil {
			return nil, err
		}
		members = append(members, m.UserID)
	}
	for i := range shape.Groups {
		var g struct{ ID string }
		if _, err := admin.do(ctx, "POST", "/admin/workspaces/"+ws.ID+"/groups", xrw, map[string]string{"name": fmt.Sprintf("Group %02d", i)}, &g); err != nil {
			return nil, err
		}
		groups = append(groups, g.ID)
	}
	for i, uid := range members {
		for _, g := range groupsOf(i, len(groups)) {
			if _, err := admin.do(ctx, "POST", "/admin/groups/"+groups[g]+"/members/"+uid, xrw, nil, nil); err != nil {
				return nil, err
			}
		}
	}
	tokens := make([]string, len(members))
	for i, uid := range members {
		t, err := s.Command(ctx, "dev-token", "--user", uid, "--workspace", ws.ID)
		if err != nil {
			return nil, err
		}
		tokens[i] = t
	}
	sd.user, sd.userToken, sd.email = members[1], tokens[1], "member001@load.example"
	sd.members, sd.groups = members, groups
	fmt.Fprintf(progress, "load: registering %d resources, %d members, %d groups...\n", shape.Resources, shape.Members, shape.Groups)
	sd.resources = make([]string, shape.Resources)
	jobs := make(chan int)
	// At most 4 writers: the seeding is not measured, and more only make
	// DynamoDB Local time out on a busy machine.
	writers := min(shape.Concurrency, 4)
	errc := make(chan error, writers)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for i := range jobs {
				if err := seedResource(ctx, backend, sd, i, tokens); err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			}
		})
	}
	for i := range shape.Resources {
		select {
		case jobs <- i:
		case err := <-errc:
			close(jobs)
			wg.Wait()
			return nil, err
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	return sd, nil
}

// groupsOf is the groups member m of the seeding is in: one or two (the
// checking user, member 1, in two).
func groupsOf(m, groups int) []int {
	return []int{m % groups, (m + 1) % groups}[:1+m%2]
}

// grants is what the seeding gives resource i: an owner (a member), the
// workspace's view or not, a group's view share and a user's edit share
// (-1: none). Indexes into seeded.members and seeded.groups.
type grants struct {
	owner     int
	workspace bool
	group     int
	user      int
}

// grantsOf: owned by a member, private or (one in ten) visible to the
// workspace, shared with a group (one in five) and with a user (one in
// seven).
func grantsOf(i, members, groups int) grants {
	g := grants{owner: i % members, workspace: i%10 == 0, group: -1, user: -1}
	if i%5 == 0 {
		g.group = i % groups
	}
	if i%7 == 0 {
		g.user = (g.owner + 1) % members
	}
	return g
}

// seedResource registers resource i with its grants.
func seedResource(ctx context.Context, c *client, sd *seeded, i int, tokens []string) error {
	g := grantsOf(i, len(sd.members), len(sd.groups))
	visibility := "private"
	if g.workspace {
		visibility = "workspace"
	}
	rid := uuid.NewString()
	var reg struct{ ID string }
	if _, err := c.do(ctx, "POST", "/permissions/register", map[string]string{"X-Service-Key": sd.key}, map[string]string{
		"service_name": sd.service, "resource_type": "doc", "resource_id": rid, "workspace_id": sd.workspace, "owner_id": sd.members[g.owner], "visibility": visibility,
	}, &reg); err != nil {
		return err
	}
	sd.resources[i] = rid
	dual := map[string]string{"X-Service-Key": sd.key, "Authorization": "Bearer " + tokens[g.owner]}
	if g.group >= 0 {
		if _, err := c.do(ctx, "POST", "/permissions/"+reg.ID+"/share", dual, map[string]string{"grantee_type": "group", "grantee_id": sd.groups[g.group], "permission": "view"}, nil); err != nil {
			return err
		}
	}
	if g.user >= 0 {
		if _, err := c.do(ctx, "POST", "/permissions/"+reg.ID+"/share", dual, map[string]string{"grantee_type": "user", "grantee_id": sd.members[g.user], "permission": "edit"}, nil); err != nil {
			return err
		}
	}
	return nil
}

// Table is the results as a Markdown table. A server whose storage is in
// its own process (OpenFGA's memory datastore) shows no storage CPU apart.
func Table(results []Result) string {
	var b strings.Builder
	b.WriteString("| phase | requests | errors | requests/s | p50 | p95 | p99 | server CPU/request | DynamoDB Local CPU/request | DynamoDB calls/request |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		var ops []string
		for op, n := range r.CallsByOp {
			ops = append(ops, fmt.Sprintf("%s %.2f", op, n))
		}
		sort.Strings(ops)
		storage, calls := r.DynamoDBCPU.Round(time.Microsecond).String(), fmt.Sprintf("%.2f (%s)", r.Calls, strings.Join(ops, ", "))
		if r.CallsByOp == nil {
			storage, calls = "(in the server)", "—"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %.0f | %v | %v | %v | %v | %s | %s |\n", r.Phase, r.Requests, r.Errors, r.PerSecond,
			r.P50.Round(10*time.Microsecond), r.P95.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond),
			r.ServerCPU.Round(time.Microsecond), storage, calls)
	}
	return b.String()
}

// Ratio compares the server CPU per single check of Sentinel (the first
// result) and of the peer (the last): the sentinel process's CPU
// (DynamoDB Local's apart) against the peer's with its storage.
func Ratio(results []Result) string {
	if len(results) < 2 || results[len(results)-1].ServerCPU == 0 {
		return "no peer result"
	}
	us, peer := results[0], results[len(results)-1]
	return fmt.Sprintf("server CPU per single check: Sentinel %v (DynamoDB Local apart), OpenFGA %v (its memory datastore included): Sentinel/OpenFGA = %.2f",
		us.ServerCPU.Round(time.Microsecond), peer.ServerCPU.Round(time.Microsecond), float64(us.ServerCPU)/float64(peer.ServerCPU))
}
