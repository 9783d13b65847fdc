package dynamo_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"sentinel/internal/dynamo"
	"sentinel/internal/dynamotest"
)

// A table created before an index was defined (the local stack's, kept
// across upgrades) gets the index when the tables are ensured again.
func TestCreateTablesAddsMissingIndexes(t *testing.T) {
	c := dynamo.LocalClient(dynamotest.Endpoint(t))
	names := dynamo.LocalNames(fmt.Sprintf("idx%d-", time.Now().UnixNano()))
	old := dynamo.Directory
	old.GSIs = old.GSIs[:1]
	if _, err := c.CreateTable(t.Context(), old.CreateInput(names.Name(dynamo.Directory))); err != nil {
		t.Fatal(err)
	}
	if err := dynamo.CreateTables(t.Context(), c, names); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeTable(t.Context(), &dynamodb.DescribeTableInput{TableName: aws.String(names.Name(dynamo.Directory))})
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, g := range d.Table.GlobalSecondaryIndexes {
		got = append(got, aws.ToString(g.IndexName)+" "+string(g.IndexStatus))
	}
	for _, g := range dynamo.Directory.GSIs {
		want = append(want, g.Name+" ACTIVE")
	}
	if slices.Sort(got); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("indexes = %v, want %v", got, want)
	}
}
