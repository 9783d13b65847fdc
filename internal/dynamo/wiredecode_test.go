package dynamo

import (
	"bytes"
	"reflect"
	"testing"

	"sentinel/internal/dynamo/ddb"
)

// An answer's items are its own: reusing (overwriting) the buffer the
// answer was read from changes none of them, and no two items, nor two
// values of one, share anything that changing one would change in the
// other — though their strings share one copy of the answer and their
// values come from shared slabs.
func TestDecodedItemsAreIndependent(t *testing.T) {
	answer := []byte(`{"Responses":{"Permissions":[` +
		`{"pk":{"S":"RES#1"},"sk":{"S":"META"},"n":{"N":"1"},"esc":{"S":"a\"b\u00e9"},"m":{"M":{"in":{"S":"x"}}},"l":{"L":[{"N":"2"},{"S":"y"}]}},` +
		`{"pk":{"S":"RES#1"},"sk":{"S":"META"},"n":{"N":"1"},"esc":{"S":"a\"b\u00e9"},"m":{"M":{"in":{"S":"x"}}},"l":{"L":[{"N":"2"},{"S":"y"}]}}` +
		`]},"UnprocessedKeys":{}}`)
	want := Item{"pk": S("RES#1"), "sk": S("META"), "n": &ddb.AttributeValueMemberN{Value: "1"}, "esc": S("a\"bé"),
		"m": &ddb.AttributeValueMemberM{Value: Item{"in": S("x")}},
		"l": &ddb.AttributeValueMemberL{Value: []ddb.AttributeValue{&ddb.AttributeValueMemberN{Value: "2"}, S("y")}}}
	var out batchGetOutput
	if err := out.DecodeAnswer(answer); err != nil {
		t.Fatal(err)
	}
	copy(answer, bytes.Repeat([]byte("X"), len(answer))) // the HTTP buffer, reused
	items := out.Responses["Permissions"]
	if len(items) != 2 || !reflect.DeepEqual(items[0], want) || !reflect.DeepEqual(items[1], want) {
		t.Fatalf("after the buffer is reused: %v", items)
	}
	// Changing the first item changes nothing of the second.
	items[0]["pk"].(*ddb.AttributeValueMemberS).Value = "changed"
	items[0]["n"].(*ddb.AttributeValueMemberN).Value = "9"
	items[0]["m"].(*ddb.AttributeValueMemberM).Value["in"] = S("changed")
	items[0]["l"].(*ddb.AttributeValueMemberL).Value[1].(*ddb.AttributeValueMemberS).Value = "changed"
	delete(items[0], "sk")
	if !reflect.DeepEqual(items[1], want) {
		t.Fatalf("the second item changed with the first: %v", items[1])
	}
	if items[0]["m"].(*ddb.AttributeValueMemberM).Value["in"] == items[0]["l"].(*ddb.AttributeValueMemberL).Value[1] {
		t.Fatal("two values of one item are one")
	}
}

// Reading an answer's items costs a few allocations per item (its map,
// the values of the kinds not from slabs), none per string.
func TestDecodeAllocations(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"Responses":{"Permissions":[`)
	for i := range 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"pk":{"S":"RES#1"},"sk":{"S":"SHARE#group#g1"},"ws":{"S":"ws-1"},"action":{"S":"view"},"n":{"N":"12"},"at":{"S":"2026-12-01T00:00:00Z"}}`)
	}
	b.WriteString(`]},"UnprocessedKeys":{}}`)
	answer := b.Bytes()
	n := testing.AllocsPerRun(50, func() {
		var out batchGetOutput
		if err := out.DecodeAnswer(answer); err != nil || len(out.Responses["Permissions"]) != 10 {
			t.Fatal(err)
		}
	})
	// Two per item (its map: header and group); for the answer, the
	// copy, the scanner, its two maps, the items' slice as it grows (5),
	// the slabs (3). (Before the slabs and the substrings: 202.)
	if n > 35 {
		t.Errorf("reading 10 items of 6 attributes allocates %.0f times", n)
	}
}

// Whatever DynamoDB's answer is, reading it ends, without a panic, and an
// answer read is made of attribute values (none nil).
func FuzzDecodeAnswer(f *testing.F) {
	for _, seed := range []string{`{}`, `{"Items":[{"a":{"S":"x"},"b":{"L":[{"N":"1"},{"M":{"c":{"BOOL":true}}}]}}],"Count":1}`,
		`{"Responses":{"t":[{"a":{"SS":["x","y"]},"b":{"B":"AAE="},"c":{"BS":["AA=="]},"d":{"NULL":true}}]},"UnprocessedKeys":{"t":{"Keys":[{"k":{"S":"v"}}],"ConsistentRead":true}}}`,
		`{"UnprocessedItems":{"t":[{"PutRequest":{"Item":{"a":{"S":"\u00e9\""}}}},{"DeleteRequest":{"Key":{"a":{"N":"1"}}}}]}}`,
		`{"Item":null,"CancellationReasons":[{"Code":"None","Message":"m","Item":{"a":{"S":"x"}}}]}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var q queryOutput
		if q.DecodeAnswer(b) == nil {
			for _, it := range append(q.Items, q.LastEvaluatedKey) {
				checkValues(t, it)
			}
		}
		var bg batchGetOutput
		if bg.DecodeAnswer(b) == nil {
			for _, items := range bg.Responses {
				for _, it := range items {
					checkValues(t, it)
				}
			}
		}
		_ = (&batchWriteOutput{}).DecodeAnswer(b)
		_ = (&itemOutput{}).DecodeAnswer(b)
		_ = (&errorOutput{}).DecodeAnswer(b)
	})
}

func checkValues(t *testing.T, it Item) {
	for name, v := range it {
		switch v := v.(type) {
		case nil:
			t.Fatalf("attribute %q read as nil", name)
		case *ddb.AttributeValueMemberM:
			checkValues(t, v.Value)
		case *ddb.AttributeValueMemberL:
			for _, e := range v.Value {
				checkValues(t, Item{name: e})
			}
		}
	}
}
