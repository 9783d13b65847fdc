package app

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/dynamotest"
)

func lookup(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// A function's DynamoDB client: DynamoDB Local when the local stack's
// variable is set (no AWS needed), else Lambda's environment, whose absence
// the cold start names.
func TestFunctionDB(t *testing.T) {
	// The local stack's own variable wins: DynamoDB Local, no AWS needed.
	db, err := functionDB(lookup(map[string]string{"SENTINEL_DYNAMODB_ENDPOINT": "http://127.0.0.1:8000"}))
	if err != nil || db == nil {
		t.Errorf("local client: %v", err)
	}
	if _, err := functionDB(lookup(nil)); err == nil || !strings.Contains(err.Error(), "AWS_REGION") {
		t.Errorf("no environment: %v", err)
	}
}

// The client built from Lambda's environment signs and sends real calls:
// here to DynamoDB Local through AWS_ENDPOINT_URL_DYNAMODB, as an emulator
// of Lambda would set it.
func TestFunctionDBReachesTheEndpoint(t *testing.T) {
	env := dynamotest.New(t)
	db, err := functionDB(lookup(map[string]string{
		"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
		"AWS_ENDPOINT_URL_DYNAMODB": dynamotest.Endpoint(t),
	}))
	if err != nil {
		t.Fatal(err)
	}
	out, err := db.GetItem(t.Context(), &ddb.GetItemInput{TableName: aws.String(env.Names.Name(dynamo.Directory)), Key: dynamo.Key("nothing", "here")})
	if err != nil || out.Item != nil {
		t.Errorf("GetItem through the endpoint: %v %v", out, err)
	}
}
