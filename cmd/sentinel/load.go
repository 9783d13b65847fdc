package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"sentinel/internal/load"
)

func init() {
	register(command{name: "load", usage: "load [--resources N] [--concurrency N] [--duration D] ...: start a local stack on free ports, seed it, load it, report throughput, latency, CPU and DynamoDB calls per request", run: loadCmd})
}

func loadCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	shape := load.Shape{}
	fs.IntVar(&shape.Resources, "resources", 10000, "resources to register")
	fs.IntVar(&shape.Members, "members", 20, "members of the workspace")
	fs.IntVar(&shape.Groups, "groups", 5, "groups of the workspace")
	fs.IntVar(&shape.Concurrency, "concurrency", 16, "concurrent clients")
	fs.DurationVar(&shape.Duration, "duration", 10*time.Second, "how long each phase runs")
	fs.IntVar(&shape.BatchSize, "batch", 100, "checks per batch request")
	fs.StringVar(&shape.CPUProfile, "cpuprofile", "", "write the sentinel process's CPU profile of the single checks to this file (go tool pprof)")
	other := fs.String("sentinel", "", "run the stack with this sentinel binary instead (another build, to compare; one without the counting proxy reports no DynamoDB calls)")
	openfga := fs.String("openfga", "", "also run the single checks against this openfga binary (memory datastore), seeded with the same shape, and print the CPU ratio (make load-compare)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if shape.Members < 2 || shape.Groups < 1 || shape.Resources < 1 || shape.Concurrency < 1 || shape.BatchSize < 1 || shape.BatchSize > 100 {
		return fmt.Errorf("need --members ≥ 2, --groups ≥ 1, --resources ≥ 1, --concurrency ≥ 1, --batch 1..100")
	}
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	if *other != "" {
		bin = *other
	}
	dir, err := os.MkdirTemp("", "sentinel-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintln(os.Stderr, "load: starting sentinel dev on free ports...")
	stack, err := load.Start(ctx, bin, dir, nil)
	if err != nil {
		return err
	}
	defer stack.Stop()
	var peer *load.OpenFGA
	if *openfga != "" {
		if peer, err = load.StartOpenFGA(ctx, *openfga); err != nil {
			return err
		}
		defer peer.Stop()
	}
	results, err := load.Run(ctx, stack, shape, peer, os.Stderr)
	if err != nil {
		return err
	}
	fmt.Printf("%d resources, %d members, %d groups; concurrency %d, %v per phase; sentinel pid %d, DynamoDB Local pid %d\n\n",
		shape.Resources, shape.Members, shape.Groups, shape.Concurrency, shape.Duration, stack.PID, stack.DynamoDBPID)
	fmt.Print(load.Table(results))
	if peer != nil {
		fmt.Printf("\n%s\n", load.Ratio(results))
	}
	return nil
}
