package dynamo_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/awsjson"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/dynamotest"
)

// Every kind of attribute value, escapes and all, goes to DynamoDB Local
// and comes back as it went, through each read of the WireClient; what
// the SDK's client reads of it is the same.
func TestWireClientRoundTripsEveryAttributeValue(t *testing.T) {
	env := dynamotest.New(t)
	c := dynamo.LocalWireClient(dynamotest.Endpoint(t), awsjson.Options{})
	table := aws.String(env.Names[dynamo.Directory.ID])
	key := dynamo.Item{"pk": dynamo.S("wire"), "sk": dynamo.S(`"quoted" \ back\slash, tab	and ünïcødé ✓`)}
	it := dynamo.Item{
		"s":    dynamo.S("<html> & \u2028 \x01"),
		"n":    &ddb.AttributeValueMemberN{Value: "-12.5"},
		"b":    &ddb.AttributeValueMemberB{Value: []byte{0, 1, 2, 255}},
		"bool": &ddb.AttributeValueMemberBOOL{Value: false},
		"null": &ddb.AttributeValueMemberNULL{Value: true},
		"ss":   &ddb.AttributeValueMemberSS{Value: []string{"a", "b\"c"}},
		"ns":   &ddb.AttributeValueMemberNS{Value: []string{"1", "2.5"}},
		"bs":   &ddb.AttributeValueMemberBS{Value: [][]byte{{1}, {2, 3}}},
		"m":    &ddb.AttributeValueMemberM{Value: dynamo.Item{"inner": &ddb.AttributeValueMemberL{Value: []ddb.AttributeValue{dynamo.S("x"), &ddb.AttributeValueMemberN{Value: "1"}}}}},
		"l":    &ddb.AttributeValueMemberL{Value: []ddb.AttributeValue{}},
	}
	for k, v := range key {
		it[k] = v
	}
	ctx := t.Context()
	if _, err := c.PutItem(ctx, &ddb.PutItemInput{TableName: table, Item: it, ConditionExpression: aws.String("attribute_not_exists(pk)")}); err != nil {
		t.Fatal(err)
	}
	sortSets := func(m dynamo.Item) dynamo.Item { // DynamoDB keeps a set's members in its own order
		for _, name := range []string{"ss", "ns"} {
			if set, ok := m[name].(*ddb.AttributeValueMemberSS); ok {
				set.Value = slices.Sorted(slices.Values(set.Value))
			}
			if set, ok := m[name].(*ddb.AttributeValueMemberNS); ok {
				set.Value = slices.Sorted(slices.Values(set.Value))
			}
		}
		return m
	}
	want := sortSets(it)
	got, err := c.GetItem(ctx, &ddb.GetItemInput{TableName: table, Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil || !reflect.DeepEqual(sortSets(got.Item), want) {
		t.Fatalf("GetItem = %v (%v), want %v", got, err, want)
	}
	sdk, err := env.Client.GetItem(ctx, &ddb.GetItemInput{TableName: table, Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil || !reflect.DeepEqual(sortSets(sdk.Item), want) {
		t.Fatalf("the SDK's GetItem = %v (%v), want %v", sdk, err, want)
	}
	q, err := c.Query(ctx, &ddb.QueryInput{TableName: table, KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S("wire")}, ConsistentRead: aws.Bool(true), Limit: aws.Int32(1)})
	if err != nil || q.Count != 1 || len(q.Items) != 1 || !reflect.DeepEqual(sortSets(q.Items[0]), want) || q.LastEvaluatedKey == nil {
		t.Fatalf("Query = %+v (%v)", q, err)
	}
	bg, err := c.BatchGetItem(ctx, &ddb.BatchGetItemInput{RequestItems: map[string]ddb.KeysAndAttributes{*table: {Keys: []dynamo.Item{key}}}})
	if err != nil || len(bg.Responses[*table]) != 1 || !reflect.DeepEqual(sortSets(bg.Responses[*table][0]), want) {
		t.Fatalf("BatchGetItem = %+v (%v)", bg, err)
	}

	// A failed condition is the SDK's type, with the item when asked for.
	_, err = c.PutItem(ctx, &ddb.PutItemInput{TableName: table, Item: it, ConditionExpression: aws.String("attribute_not_exists(pk)"),
		ReturnValuesOnConditionCheckFailure: ddb.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *ddb.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || !reflect.DeepEqual(sortSets(ccf.Item), want) {
		t.Fatalf("PutItem again = %v, want ConditionalCheckFailedException with the item", err)
	}
	// A cancelled transaction is the SDK's type, with a reason per item.
	_, err = c.TransactWriteItems(ctx, &ddb.TransactWriteItemsInput{TransactItems: []ddb.TransactWriteItem{
		{ConditionCheck: &ddb.ConditionCheck{TableName: table, Key: key, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		{Put: &ddb.Put{TableName: table, Item: dynamo.Item{"pk": dynamo.S("wire"), "sk": dynamo.S("other")}}},
	}})
	var tce *ddb.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[0].Code) != "ConditionalCheckFailed" ||
		aws.ToString(tce.CancellationReasons[1].Code) != "None" {
		t.Fatalf("TransactWriteItems = %v, want cancelled: ConditionalCheckFailed, None", err)
	}
	// Other refusals keep DynamoDB's code and message.
	_, err = c.GetItem(ctx, &ddb.GetItemInput{TableName: aws.String("no-such-table"), Key: key})
	var api *awsjson.Error
	if !errors.As(err, &api) || api.Code != "ResourceNotFoundException" || api.Status != 400 || api.Message == "" {
		t.Fatalf("GetItem of a missing table = %v", err)
	}
}

// An answer that is not what DynamoDB sends is an error, never a panic or
// an item made up of half of it.
func TestWireClientRefusesMalformedAnswers(t *testing.T) {
	for _, body := range []string{
		``, `{`, `{"Items":`, `{"Items":[{"a":{"S":1}}]}`, `{"Items":[{"a":{"X":"y"}}]}`, `{"Items":[{"a":{}}]}`,
		`{"Items":[{"a":{"B":"not base64!"}}]}`, `{"Items":[{"a":{"S":"x"}},]}`, `{"Count":"x"}`, `{"Items":[]} trailing`,
		`{"Items":[{"a":{"S":"unterminated}}]}`, `{"Items":[{"a":{"BOOL":tru}}]}`, `{"Other":[1,]}`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }))
		c := dynamo.LocalWireClient(srv.URL, awsjson.Options{})
		out, err := c.Query(t.Context(), &ddb.QueryInput{TableName: aws.String("t")})
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), "answer") {
			t.Errorf("answer %q: %v, %v; want an error", body, out, err)
		}
	}
}
