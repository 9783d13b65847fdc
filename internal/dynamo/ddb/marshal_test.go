package ddb_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/dynamotest"
)

// record has the field shapes and tags the stores' records use.
type record struct {
	Entry
	*Extra
	At          string              `dynamodbav:"at_outer"`
	PK          string              `dynamodbav:"pk"`
	Empty       string              `dynamodbav:"empty"`
	Omitted     string              `dynamodbav:"omitted,omitempty"`
	N           int                 `dynamodbav:"n"`
	Zero        int64               `dynamodbav:"zero"`
	ZeroOmitted int64               `dynamodbav:"zero_omitted,omitempty"`
	OK          bool                `dynamodbav:"ok"`
	No          bool                `dynamodbav:"no"`
	NoOmitted   bool                `dynamodbav:"no_omitted,omitempty"`
	Desc        *string             `dynamodbav:"description"`
	NilDesc     *string             `dynamodbav:"nil_description"`
	Prior       *bool               `dynamodbav:"prior"`
	Count       *int                `dynamodbav:"count,omitempty"`
	NilCount    *int                `dynamodbav:"nil_count,omitempty"`
	List        []string            `dynamodbav:"list"`
	EmptyList   []string            `dynamodbav:"empty_list"`
	NilList     []string            `dynamodbav:"nil_list"`
	Set         []string            `dynamodbav:"set,stringset,omitempty"`
	EmptySet    []string            `dynamodbav:"empty_set,stringset,omitempty"`
	NilSet      []string            `dynamodbav:"nil_set,stringset,omitempty"`
	Clients     map[string][]string `dynamodbav:"clients,omitempty"`
	NilClients  map[string][]string `dynamodbav:"nil_clients,omitempty"`
	Detail      map[string]any      `dynamodbav:"detail"`
	Untagged    string
	Skipped     string `dynamodbav:"-"`
	hidden      string
}

// Entry is embedded, as the activity log's entry is in its item.
type Entry struct {
	ID string `dynamodbav:"id"`
	At string `dynamodbav:"at"`
	PK string `dynamodbav:"pk"` // shadowed by record's
}

type Extra struct {
	More string `dynamodbav:"more"`
}

func sample() record {
	desc, prior, count := "a role", false, 0
	return record{
		PK: "APP#1", N: 42, OK: true, Desc: &desc, Prior: &prior, Count: &count,
		List: []string{"a", "b"}, EmptyList: []string{}, Set: []string{"x", "y"}, EmptySet: []string{},
		Clients: map[string][]string{"google": {"c1", "c2"}, "none": {}},
		Detail: map[string]any{"name": "n", "n": 3, "f": 1.5, "on": true, "list": []any{"a", 2}, "nested": map[string]any{"k": "v"},
			"strings": []string{"s"}, "nil": nil, "empty": ""},
		Untagged: "u", Skipped: "s", hidden: "h",
		Entry: Entry{ID: "e1", At: "2030-01-01", PK: "shadowed"}, Extra: &Extra{More: "more"}, At: "outer",
	}
}

// MarshalMap writes what the SDK's attributevalue writes, so items written
// by either read back the same.
func TestMarshalMapAsTheSDK(t *testing.T) {
	in := sample()
	want, err := attributevalue.MarshalMap(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ddb.MarshalMap(in)
	if err != nil {
		t.Fatal(err)
	}
	if w := dynamotest.FromSDK(want); !reflect.DeepEqual(got, w) {
		t.Errorf("MarshalMap:\n got %s\nwant %s", show(got), show(w))
	}
}

// UnmarshalMap reads what the SDK's attributevalue reads, from the same
// item.
func TestUnmarshalMapAsTheSDK(t *testing.T) {
	item, err := attributevalue.MarshalMap(sample())
	if err != nil {
		t.Fatal(err)
	}
	item["extra"] = &types.AttributeValueMemberS{Value: "ignored"}
	item["Untagged"] = &types.AttributeValueMemberS{Value: "by name"}
	var want, got record
	if err := attributevalue.UnmarshalMap(item, &want); err != nil {
		t.Fatal(err)
	}
	if err := ddb.UnmarshalMap(dynamotest.FromSDK(item), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("UnmarshalMap:\n got %+v\nwant %+v", got, want)
	}
	if got.PK != "APP#1" || got.Count == nil || *got.Count != 0 || got.Detail["n"] != 3.0 {
		t.Errorf("UnmarshalMap lost values: %+v", got)
	}

	var gotList, wantList []map[string]any
	items := []map[string]types.AttributeValue{item, {"pk": &types.AttributeValueMemberS{Value: "x"}}}
	if err := attributevalue.UnmarshalListOfMaps(items, &wantList); err != nil {
		t.Fatal(err)
	}
	if err := ddb.UnmarshalListOfMaps([]map[string]ddb.AttributeValue{dynamotest.FromSDK(items[0]), dynamotest.FromSDK(items[1])}, &gotList); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotList, wantList) {
		t.Errorf("UnmarshalListOfMaps:\n got %v\nwant %v", gotList, wantList)
	}
}

// A value of the wrong type is an error, not a silent zero.
func TestUnmarshalMapRefusesMismatches(t *testing.T) {
	var r record
	err := ddb.UnmarshalMap(map[string]ddb.AttributeValue{"n": &ddb.AttributeValueMemberS{Value: "forty"}}, &r)
	if err == nil {
		t.Fatal("a string read into an int: no error")
	}
	if err := ddb.UnmarshalMap(map[string]ddb.AttributeValue{"n": &ddb.AttributeValueMemberN{Value: "1.5"}}, &r); err == nil {
		t.Fatal("1.5 read into an int: no error")
	}
}

func show(item map[string]ddb.AttributeValue) string {
	s := ""
	for k, v := range item {
		s += fmt.Sprintf("%s=%+v ", k, v)
	}
	return s
}
