package deploytest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"sentinel/internal/dynamo/tableadmin"
	"sentinel/internal/dynamotest"
)

// testTemplate is a small template in the shape CDK synthesizes.
const testTemplate = `{"Resources": {
  "ItemsTable1A2B": {"Type": "AWS::DynamoDB::Table", "Properties": {
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "owner", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "GlobalSecondaryIndexes": [{"IndexName": "by-owner", "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
    "BillingMode": "PAY_PER_REQUEST",
    "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": true},
    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}},
  "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}},
  "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "provided.al2023", "Environment": {"Variables": {
    "TABLE": {"Ref": "ItemsTable1A2B"},
    "ISSUER": {"Fn::GetAtt": ["Api", "ApiEndpoint"]},
    "ARN": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":x:", {"Ref": "AWS::Region"}]]},
    "SUB": {"Fn::Sub": "${ItemsTable1A2B.Arn}/index/*"}}}}, "Metadata": {"aws:asset:path": "asset.1"}}
}}`

func parseTemplate(t *testing.T, s string) *Template {
	t.Helper()
	tmpl := &Template{Dir: t.TempDir()}
	if err := json.Unmarshal([]byte(s), tmpl); err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestFunctionEnvironmentResolvesToLocalEquivalents(t *testing.T) {
	tmpl := parseTemplate(t, testTemplate)
	l := newLocals(tmpl, "sentinel", "p-", "http://127.0.0.1:9999")
	f, err := functionFromTemplate(tmpl, l, "Fn")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"TABLE":  "p-ItemsTable1A2B",
		"ISSUER": "http://127.0.0.1:9999",
		"ARN":    "arn:aws:x:us-east-1",
		"SUB":    "arn:aws:dynamodb:us-east-1:123456789012:table/p-ItemsTable1A2B/index/*",
	}
	for k, v := range want {
		if f.Env[k] != v {
			t.Errorf("%s = %q, want %q", k, f.Env[k], v)
		}
	}
	if len(f.Env) != len(want) {
		t.Errorf("env = %v, want exactly %v", f.Env, want)
	}
}

func TestTemplatesTheHarnessCannotRunFailLoudly(t *testing.T) {
	tests := map[string]struct{ edit, want string }{
		"reserved variable": {`"TABLE": {"Ref": "ItemsTable1A2B"}`, `"AWS_REGION": "eu-west-1"`},
		"unknown intrinsic": {`"TABLE": {"Ref": "ItemsTable1A2B"}`, `"TABLE": {"Fn::ImportValue": "x"}`},
		"unknown resource":  {`"TABLE": {"Ref": "ItemsTable1A2B"}`, `"TABLE": {"Ref": "Nowhere"}`},
		"too large":         {`"TABLE": {"Ref": "ItemsTable1A2B"}`, `"TABLE": "` + strings.Repeat("x", 4100) + `"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			tmpl := parseTemplate(t, strings.Replace(testTemplate, tt.edit, tt.want, 1))
			if _, err := functionFromTemplate(tmpl, newLocals(tmpl, "s", "p-", "http://x"), "Fn"); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestTablesAreCreatedFromTheTemplate(t *testing.T) {
	ctx := context.Background()
	tmpl := parseTemplate(t, testTemplate)
	l := newLocals(tmpl, "sentinel", "tmpltest-", "http://x")
	db := tableadmin.LocalClient(dynamotest.Endpoint(t))
	if err := CreateTables(ctx, db, tmpl, l); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = DeleteTables(context.Background(), db, tmpl, l) })
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("tmpltest-ItemsTable1A2B")})
	if err != nil {
		t.Fatal(err)
	}
	if g := out.Table.GlobalSecondaryIndexes; len(g) != 1 || aws.ToString(g[0].IndexName) != "by-owner" {
		t.Errorf("indexes = %v, want by-owner", g)
	}
	ttl, err := db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("tmpltest-ItemsTable1A2B")})
	if err != nil || aws.ToString(ttl.TimeToLiveDescription.AttributeName) != "ttl" {
		t.Errorf("time to live = %v %v, want on ttl", ttl, err)
	}
	// A property the harness does not model is refused.
	bad := parseTemplate(t, strings.Replace(testTemplate, `"BillingMode": "PAY_PER_REQUEST",`, `"BillingMode": "PAY_PER_REQUEST", "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},`, 1))
	if _, _, err := createTableInputs(bad, l); err == nil || !strings.Contains(err.Error(), "StreamSpecification") {
		t.Errorf("StreamSpecification: %v, want it refused by name", err)
	}
}
