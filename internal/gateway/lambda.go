// Package gateway connects the route table to API Gateway: the Lambda entry
// point every function's main calls with its own routes, and the local
// gateway that turns plain HTTP requests into API Gateway v2 events for the
// same handlers.
package gateway

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"sentinel/internal/app"
	"sentinel/internal/metrics"
	"sentinel/internal/routes"
)

// EventHandler is a Lambda handler for HTTP API payload format 2.0.
type EventHandler func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// Adapt is the EventHandler of a net/http handler: its Bridge, without the
// JSON (see Bridge for how requests and responses are translated).
func Adapt(h http.Handler) EventHandler { return NewBridge(h).Event }

// Build returns the bridge to the function name of table, from its
// environment: the services its routes use, built once. Its EMF lines go
// to metricsOut (nil: none).
func Build(ctx context.Context, name string, table []routes.Route, metricsOut io.Writer) (*Bridge, error) {
	fn, ok := routes.FunctionNamed(table, name)
	if !ok {
		return nil, fmt.Errorf("no routes for function %q", name)
	}
	env, err := app.Load(ctx, name, fn.Tables(), fn.Keys)
	if err != nil {
		return nil, fmt.Errorf("function %s: %w", name, err)
	}
	env.Metrics = metrics.NewSink(metricsOut, env.Config.Stage)
	h, err := routes.Handler(fn, env)
	if err != nil {
		return nil, err
	}
	return NewBridge(h), nil
}

// Start is the whole main of a function: build the routes of table that
// name serves once per cold start, then serve events, with its metrics on
// stdout (CloudWatch Logs extracts them). A configuration or
// wiring error stops the cold start with one clear message (it is not a
// request path). The bridge is a lambda.Handler: the runtime hands it the
// event's bytes, with no reflection. The GC is tuned for a small,
// short-lived heap (TuneGC).
func Start(name string, table []routes.Route) {
	TuneGC()
	h, err := Build(context.Background(), name, table, os.Stdout)
	if err != nil {
		slog.Error("cold start failed", "err", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
