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
	"net/url"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"sentinel/internal/app"
	"sentinel/internal/metrics"
	"sentinel/internal/routes"
)

// EventHandler is a Lambda handler for HTTP API payload format 2.0.
type EventHandler func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// Adapt wraps a net/http handler with aws-lambda-go-api-proxy. HTTP APIs
// deliver rawPath URL-decoded, while the adapter parses it as part of a
// URL: a decoded '%', '?', '#' or control character would make it fail
// the invocation (a bare 502 from API Gateway) or split the path. So the
// path is escaped first, and the handler sees exactly the decoded path.
func Adapt(h http.Handler) EventHandler {
	proxy := httpadapter.NewV2(h).ProxyWithContext
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		ev.RawPath = (&url.URL{Path: ev.RawPath}).EscapedPath()
		return proxy(ctx, ev)
	}
}

// Build returns the event handler of the function name of table, from its
// environment: the services its routes use, built once. Its EMF lines go
// to metricsOut (nil: none).
func Build(ctx context.Context, name string, table []routes.Route, metricsOut io.Writer) (EventHandler, error) {
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
	return Adapt(h), nil
}

// Start is the whole main of a function: build the routes of table that
// name serves once per cold start, then serve events, with its metrics on
// stdout (CloudWatch Logs extracts them). A configuration or
// wiring error stops the cold start with one clear message (it is not a
// request path).
func Start(name string, table []routes.Route) {
	h, err := Build(context.Background(), name, table, os.Stdout)
	if err != nil {
		slog.Error("cold start failed", "err", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
