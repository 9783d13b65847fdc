// Package cost is the cost model of checks on AWS (make cost): what one
// million checks cost, single or in batches, from the operations a request
// is counted to make (internal/permissions tests count the DynamoDB calls,
// BenchmarkLambdaCheck measures the CPU), each function's memory (the route
// table) and AWS list prices.
//
// The formula, per request of n checks (per 1M checks: × 1e6/n):
//
//	API Gateway   = HTTPAPIPerMillion / 1e6                   (one HTTP API request, < 512 KB)
//	Lambda        = LambdaPerMillion / 1e6
//	              + memory GB × billed duration s × LambdaPerGBSecond
//	  billed duration = ceil_ms(CPU × VCPUMemoryMB / memory MB + round trips × RoundTrip)
//	DynamoDB      = Σ items read: ceil(item size / 4 KB) RRU (at least 1; ×½ if eventually
//	                consistent; a key with no item costs the same) × RRUPerMillion / 1e6
//	CloudWatch    = log bytes × LogsPerGB / 1e9               (the function's metrics line per
//	                request; Lambda's START/END/REPORT lines are off, system log level WARN)
//
// Secrets Manager is read at a cold start and every token.ReloadAfter per
// warm instance (12 calls an hour, $0.00006), not per request: it is left
// out of the per-check figures.
package cost

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// List prices, us-east-1, as published by AWS on 2026-11 (README, Performance:
// cost model, names the pages).
const (
	HTTPAPIPerMillion = 1.00         // API Gateway HTTP API, first 300M requests a month
	LambdaPerMillion  = 0.20         // Lambda requests
	LambdaPerGBSecond = 0.0000133334 // Lambda duration, arm64, first 7.5 billion GB-s a month
	RRUPerMillion     = 0.125        // DynamoDB on-demand read request units
	LogsPerGB         = 0.50         // CloudWatch Logs ingestion, standard class
	AVPPerMillion     = 5.00         // Amazon Verified Permissions, single authorization requests
)

// VCPUMemoryMB is the memory at which Lambda gives a function one full
// vCPU; below it, CPU is proportional to memory.
const VCPUMemoryMB = 1769

// Read is a kind of item a request reads.
type Read struct {
	Items      int // how many
	Bytes      int // the largest such item's size (DynamoDB's item size)
	Consistent bool
}

// RRU is the read request units of the reads.
func (r Read) RRU() float64 {
	units := math.Max(1, math.Ceil(float64(r.Bytes)/4096))
	if !r.Consistent {
		units /= 2
	}
	return units * float64(r.Items)
}

// Workload is one kind of request and what it is measured and counted to cost.
type Workload struct {
	Name   string
	Checks int // checks per request
	// MemoryMB is the function's (routes.Function.MemoryMB).
	MemoryMB int
	// CPU is the function's CPU per warm request on one full core
	// (BenchmarkLambdaCheck's cpu-ns/op).
	CPU time.Duration
	// RoundTrips are the DynamoDB calls made one after another (calls in
	// parallel count once), RoundTrip what each takes in AWS.
	RoundTrips int
	RoundTrip  time.Duration
	Reads      []Read
	// LogBytes are the CloudWatch Logs bytes a request writes.
	LogBytes int
}

// Duration is the billed duration of one request: its CPU at the
// function's share of a vCPU, plus its DynamoDB round trips, rounded up to
// the millisecond Lambda bills by.
func (w Workload) Duration() time.Duration {
	cpu := time.Duration(float64(w.CPU) * math.Max(1, float64(VCPUMemoryMB)/float64(w.MemoryMB)))
	d := cpu + time.Duration(w.RoundTrips)*w.RoundTrip
	return (d + time.Millisecond - 1).Truncate(time.Millisecond)
}

// RRU is the read request units of one request.
func (w Workload) RRU() float64 {
	total := 0.0
	for _, r := range w.Reads {
		total += r.RRU()
	}
	return total
}

// Cost is what one million checks cost, by service, in US dollars.
type Cost struct {
	APIGateway, LambdaRequests, LambdaDuration, DynamoDB, CloudWatch float64
}

// Total is the sum.
func (c Cost) Total() float64 {
	return c.APIGateway + c.LambdaRequests + c.LambdaDuration + c.DynamoDB + c.CloudWatch
}

// PerMillionChecks is the cost of 1M checks made as this workload's requests.
func (w Workload) PerMillionChecks() Cost {
	requests := 1e6 / float64(w.Checks)
	gbs := float64(w.MemoryMB) / 1024 * w.Duration().Seconds()
	return Cost{
		APIGateway:     requests * HTTPAPIPerMillion / 1e6,
		LambdaRequests: requests * LambdaPerMillion / 1e6,
		LambdaDuration: requests * gbs * LambdaPerGBSecond,
		DynamoDB:       requests * w.RRU() * RRUPerMillion / 1e6,
		CloudWatch:     requests * float64(w.LogBytes) * LogsPerGB / 1e9,
	}
}

// Table is the cost of each workload per 1M checks as a Markdown table,
// with Verified Permissions' price for the same checks.
func Table(ws []Workload) string {
	var b strings.Builder
	b.WriteString("| per 1M checks | memory | billed duration | RRU/request | API Gateway | Lambda requests | Lambda GB-s | DynamoDB | CloudWatch Logs | **total** | Verified Permissions |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, w := range ws {
		c := w.PerMillionChecks()
		fmt.Fprintf(&b, "| %s | %d MB | %v | %g | $%.3f | $%.3f | $%.3f | $%.3f | $%.3f | **$%.2f** | $%.2f |\n",
			w.Name, w.MemoryMB, w.Duration(), w.RRU(), c.APIGateway, c.LambdaRequests, c.LambdaDuration, c.DynamoDB, c.CloudWatch, c.Total(), AVPPerMillion)
	}
	return b.String()
}
