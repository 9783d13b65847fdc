package app

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"sentinel/internal/awsenv"
	"sentinel/internal/budget"
	"sentinel/internal/dynamo"
)

// functionDB is the DynamoDB client of a function: DynamoDB Local when
// SENTINEL_DYNAMODB_ENDPOINT is set (the local stack), else Lambda's (awsenv.Lambda).
func functionDB(getenv func(string) string) (dynamo.DB, error) {
	if ep := getenv(dynamo.EndpointEnv); ep != "" {
		return dynamo.LocalClient(ep), nil
	}
	cfg, err := awsenv.Lambda(getenv)
	if err != nil {
		return nil, err
	}
	budget.Configure(&cfg)
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = awsenv.Endpoint(getenv, "DYNAMODB") }), nil
}
