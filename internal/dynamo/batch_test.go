package dynamo

import (
	"reflect"
	"testing"

	"sentinel/internal/dynamo/ddb"
)

// distinct keeps the first of equal keys, in order; keys differ by any
// attribute's name or value, however many attributes they have.
func TestDistinct(t *testing.T) {
	wide := func(last string) Item {
		return Item{"a": S("1"), "b": S("2"), "c": S("3"), "d": S("4"), "e": S(last)}
	}
	keys := []Item{Key("p", "s"), Key("p", "t"), Key("p", "s"), {"pk": S("p"), "sk": S("s"), "x": S("")},
		{"pk": S("ps"), "sk": S("")}, wide("5"), wide("6"), wide("5"), Key("p", "t")}
	want := []Item{keys[0], keys[1], keys[3], keys[4], keys[5], keys[6]}
	if got := distinct(keys); !reflect.DeepEqual(got, want) {
		t.Errorf("distinct = %v, want %v", got, want)
	}
	if got := distinct(keys[:1]); len(got) != 1 || !reflect.DeepEqual(got[0], keys[0]) {
		t.Errorf("distinct of one key = %v", got)
	}
	if keyString(Key("p", "s")) != keyString(Item{"sk": S("s"), "pk": S("p")}) {
		t.Error("keyString depends on how the key was made")
	}
	k := Key("RES#1", "META")
	if n := testing.AllocsPerRun(100, func() { keyString(k) }); n > 1 {
		t.Errorf("keyString allocates %.0f times", n)
	}
}

// Key's two values are its own: changing one changes neither the other
// nor another key's.
func TestKeyValuesAreIndependent(t *testing.T) {
	a, b := Key("p", "s"), Key("p", "s")
	a["pk"].(*ddb.AttributeValueMemberS).Value = "changed"
	if a["sk"].(*ddb.AttributeValueMemberS).Value != "s" || !reflect.DeepEqual(b, Item{"pk": S("p"), "sk": S("s")}) {
		t.Errorf("a = %v, b = %v", a, b)
	}
}
