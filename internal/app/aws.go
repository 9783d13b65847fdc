package app

import (
	"sentinel/internal/awsenv"
	"sentinel/internal/awsjson"
	"sentinel/internal/dynamo"
)

// functionDB is the DynamoDB client of a function: DynamoDB Local when
// SENTINEL_DYNAMODB_ENDPOINT is set (the local stack), else DynamoDB with
// Lambda's region and role (awsenv.Lambda) — a dynamo.WireClient either way.
func functionDB(getenv func(string) string) (dynamo.DB, error) {
	if ep := getenv(dynamo.EndpointEnv); ep != "" {
		return dynamo.LocalWireClient(ep, awsjson.Options{}), nil
	}
	cfg, err := awsenv.Lambda(getenv)
	if err != nil {
		return nil, err
	}
	o := awsjson.Options{Region: cfg.Region, Credentials: cfg.Credentials}
	if ep := awsenv.Endpoint(getenv, "DYNAMODB"); ep != nil {
		o.Endpoint = *ep
	}
	return dynamo.NewWireClient(o), nil
}
