// Package sdktest runs the Go SDK (sdk/go, its own module) against the
// local stack, and against the deployed-shape stack under
// `make deployed-test`: its tests are the SDK's integration tests.
package sdktest
