package dynamo_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/tableadmin"
	"sentinel/internal/dynamotest"
)

// A table created before an index was defined (the local stack's, kept
// across upgrades) gets the index when the tables are ensured again:
// CreateTables adds each missing index this way and waits until it is
// active (not waited for here: filling an index takes DynamoDB Local
// minutes when other tests load it).
func TestAddMissingIndex(t *testing.T) {
	c := tableadmin.LocalClient(dynamotest.Endpoint(t))
	name := fmt.Sprintf("idx%d-Directory", time.Now().UnixNano())
	old := dynamo.Directory
	old.GSIs = old.GSIs[:len(old.GSIs)-1]
	if _, err := c.CreateTable(t.Context(), tableadmin.CreateInput(old, name)); err != nil {
		t.Fatal(err)
	}
	if err := dynamodb.NewTableExistsWaiter(c).Wait(t.Context(), &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute); err != nil {
		t.Fatal(err)
	}
	last := dynamo.Directory.GSIs[len(dynamo.Directory.GSIs)-1].Name
	for i, want := range []string{last, ""} {
		if got, err := tableadmin.AddMissingIndex(t.Context(), c, dynamo.Directory, name); err != nil || got != want {
			t.Fatalf("call %d: added %q, %v; want %q", i+1, got, err, want)
		}
	}
	d, err := c.DescribeTable(t.Context(), &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, g := range d.Table.GlobalSecondaryIndexes {
		got = append(got, aws.ToString(g.IndexName))
	}
	for _, g := range dynamo.Directory.GSIs {
		want = append(want, g.Name)
	}
	if slices.Sort(got); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("indexes = %v, want %v", got, want)
	}
}
