package dynamo

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sentinel/internal/dynamo/ddb"
)

// The hand-written writers write every input exactly as the reflection
// did, byte for byte but for the order of a map's members (Go's, random
// either way): random inputs of every operation, every field set or not,
// every kind of attribute value, strings with escapes, HTML, U+2028,
// control characters and invalid UTF-8. A field added to a ddb input
// struct and not to its writer fails it (the filler sets every field).
func TestWritersMatchReflection(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := []any{&ddb.GetItemInput{}, &ddb.PutItemInput{}, &ddb.UpdateItemInput{}, &ddb.DeleteItemInput{},
		&ddb.QueryInput{}, &ddb.BatchGetItemInput{}, &ddb.BatchWriteItemInput{}, &ddb.TransactWriteItemsInput{}}
	for _, proto := range inputs {
		typ := reflect.TypeOf(proto).Elem()
		longest := 0
		for range 400 {
			in := reflect.New(typ)
			fill(rng, in.Elem(), 0)
			var want bytes.Buffer
			if err := reflectInput(&want, in.Interface()); err != nil {
				t.Fatal(err)
			}
			got, err := appendInput(nil, in.Interface())
			if err != nil {
				t.Fatalf("%s: %v", typ.Name(), err)
			}
			if !json.Valid(got) {
				t.Fatalf("%s: invalid JSON %s", typ.Name(), got)
			}
			if c, w := canonical(t, got), canonical(t, want.Bytes()); c != w {
				t.Fatalf("%s:\n got %s\nwant %s", typ.Name(), got, want.Bytes())
			}
			longest = max(longest, len(got))
		}
		if longest < 200 { // the filler does fill them
			t.Errorf("%s: the longest input written is %d bytes", typ.Name(), longest)
		}
	}
}

// An attribute value that is none of ddb's kinds is an error, as before.
func TestWriterRefusesUnknownValues(t *testing.T) {
	for _, in := range []any{
		&ddb.GetItemInput{Key: map[string]ddb.AttributeValue{"pk": nil}},
		&ddb.PutItemInput{Item: map[string]ddb.AttributeValue{"l": &ddb.AttributeValueMemberL{Value: []ddb.AttributeValue{nil}}}},
		ddb.GetItemInput{},
	} {
		if b, err := appendInput(nil, in); err == nil {
			t.Errorf("%#v written as %s", in, b)
		}
	}
}

var fillStrings = []string{"", "t", "pk", "#n", ":v", "Permissions-dev", `"quoted" \ back\slash`, "<a&b>", "tab\tnew\nline",
	"\u2028 \u2029", "ünïcødé ✓", "\x00\x1f\x7f", "bad \xff utf-8", "attribute_not_exists(pk)"}

func randomString(rng *rand.Rand) string {
	if rng.IntN(2) == 0 {
		return fillStrings[rng.IntN(len(fillStrings))]
	}
	b := make([]byte, rng.IntN(12))
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return string(b)
}

// randomValue is an attribute value of a random kind; below depth 2, no
// more lists or maps.
func randomValue(r *rand.Rand, depth int) ddb.AttributeValue {
	kinds := 12
	if depth > 2 {
		kinds = 8
	}
	switch r.IntN(kinds) {
	case 0:
		return &ddb.AttributeValueMemberS{Value: randomString(r)}
	case 1:
		return &ddb.AttributeValueMemberN{Value: strconv.Itoa(r.IntN(2000) - 1000)}
	case 2:
		return &ddb.AttributeValueMemberBOOL{Value: r.IntN(2) == 0}
	case 3:
		return &ddb.AttributeValueMemberNULL{Value: true}
	case 4:
		return &ddb.AttributeValueMemberB{Value: []byte(randomString(r))}
	case 5:
		return &ddb.AttributeValueMemberSS{Value: []string{randomString(r), randomString(r)}}
	case 6:
		return &ddb.AttributeValueMemberNS{Value: []string{"1", "-2.5"}}
	case 7:
		return &ddb.AttributeValueMemberBS{Value: [][]byte{[]byte(randomString(r)), {0, 255}}}
	case 8:
		return &ddb.AttributeValueMemberL{Value: []ddb.AttributeValue{randomValue(r, depth+1), randomValue(r, depth+1)}}
	case 9:
		return &ddb.AttributeValueMemberM{Value: map[string]ddb.AttributeValue{randomString(r): randomValue(r, depth+1)}}
	case 10:
		return &ddb.AttributeValueMemberL{}
	default:
		return &ddb.AttributeValueMemberM{}
	}
}

// fill sets v (settable) to a random value of its type: pointers, maps
// and slices nil about a third of the time, empty sometimes.
func fill(rng *rand.Rand, v reflect.Value, depth int) {
	if v.Type() == reflect.TypeFor[ddb.AttributeValue]() {
		v.Set(reflect.ValueOf(randomValue(rng, depth)))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if rng.IntN(3) > 0 {
			v.Set(reflect.New(v.Type().Elem()))
			fill(rng, v.Elem(), depth)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fill(rng, v.Field(i), depth)
		}
	case reflect.Map:
		if rng.IntN(3) == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range rng.IntN(4) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(rng, k, depth+1)
			fill(rng, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Slice:
		if rng.IntN(3) == 0 {
			return
		}
		s := reflect.MakeSlice(v.Type(), rng.IntN(4), 3)
		for i := range s.Len() {
			fill(rng, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.String:
		if rng.IntN(4) > 0 {
			v.SetString(randomString(rng))
		}
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int32:
		v.SetInt(int64(rng.IntN(200) - 100))
	default:
		panic(fmt.Sprintf("fill: a %s", v.Type()))
	}
}

// canonical is JSON (as the writers write it: no spaces) with each
// object's members sorted by their names as written, every byte else
// as it was.
func canonical(t *testing.T, b []byte) string {
	t.Helper()
	var out strings.Builder
	rest := canonicalValue(t, b, &out)
	if len(rest) != 0 {
		t.Fatalf("trailing %q", rest)
	}
	return out.String()
}

func canonicalValue(t *testing.T, b []byte, out *strings.Builder) []byte {
	switch b[0] {
	case '{':
		var members []string
		b = b[1:]
		for b[0] != '}' {
			if b[0] == ',' {
				b = b[1:]
			}
			var m strings.Builder
			end := stringEnd(b)
			m.Write(b[:end])
			m.WriteByte(':')
			b = canonicalValue(t, b[end+1:], &m)
			members = append(members, m.String())
		}
		slices.Sort(members)
		out.WriteString("{" + strings.Join(members, ",") + "}")
		return b[1:]
	case '[':
		out.WriteByte('[')
		b = b[1:]
		for b[0] != ']' {
			if b[0] == ',' {
				out.WriteByte(',')
				b = b[1:]
			}
			b = canonicalValue(t, b, out)
		}
		out.WriteByte(']')
		return b[1:]
	case '"':
		end := stringEnd(b)
		out.Write(b[:end])
		return b[end:]
	default:
		end := bytes.IndexAny(b, ",}]")
		if end < 0 {
			end = len(b)
		}
		out.Write(b[:end])
		return b[end:]
	}
}

// stringEnd is the index after the JSON string b starts with.
func stringEnd(b []byte) int {
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

var attributeValueType = reflect.TypeFor[ddb.AttributeValue]()

// reflectInput writes a ddb input struct as WireClient wrote it before
// its writers were by hand (by reflection over the struct's exported
// fields): the reference the writers are held to.
func reflectInput(buf *bytes.Buffer, in any) error {
	return reflectValue(buf, reflect.ValueOf(in))
}

func reflectValue(buf *bytes.Buffer, v reflect.Value) error {
	if v.Type() == attributeValueType {
		return reflectAttributeValue(buf, v.Interface().(ddb.AttributeValue))
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return reflectValue(buf, v.Elem())
	case reflect.Struct:
		buf.WriteByte('{')
		first := true
		t := v.Type()
		for i := range t.NumField() {
			f, fv := t.Field(i), v.Field(i)
			if !f.IsExported() || fv.IsZero() {
				continue
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			marshalString(buf, f.Name)
			buf.WriteByte(':')
			if err := reflectValue(buf, fv); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case reflect.Map:
		buf.WriteByte('{')
		for i, it := 0, v.MapRange(); it.Next(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			marshalString(buf, it.Key().String())
			buf.WriteByte(':')
			if err := reflectValue(buf, it.Value()); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case reflect.Slice:
		buf.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := reflectValue(buf, v.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case reflect.String:
		marshalString(buf, v.String())
	case reflect.Bool:
		buf.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int32, reflect.Int64:
		buf.WriteString(strconv.FormatInt(v.Int(), 10))
	default:
		return fmt.Errorf("dynamo: cannot write a %s", v.Type())
	}
	return nil
}

func reflectAttributeValue(buf *bytes.Buffer, av ddb.AttributeValue) error {
	member := func(name string) {
		buf.WriteString(`{"`)
		buf.WriteString(name)
		buf.WriteString(`":`)
	}
	switch av := av.(type) {
	case *ddb.AttributeValueMemberS:
		member("S")
		marshalString(buf, av.Value)
	case *ddb.AttributeValueMemberN:
		member("N")
		marshalString(buf, av.Value)
	case *ddb.AttributeValueMemberBOOL:
		member("BOOL")
		buf.WriteString(strconv.FormatBool(av.Value))
	case *ddb.AttributeValueMemberNULL:
		member("NULL")
		buf.WriteString(strconv.FormatBool(av.Value))
	case *ddb.AttributeValueMemberB:
		member("B")
		marshalString(buf, base64.StdEncoding.EncodeToString(av.Value))
	case *ddb.AttributeValueMemberSS:
		member("SS")
		reflectStrings(buf, av.Value, func(s string) string { return s })
	case *ddb.AttributeValueMemberNS:
		member("NS")
		reflectStrings(buf, av.Value, func(s string) string { return s })
	case *ddb.AttributeValueMemberBS:
		member("BS")
		reflectStrings(buf, av.Value, base64.StdEncoding.EncodeToString)
	case *ddb.AttributeValueMemberM:
		member("M")
		if err := reflectValue(buf, reflect.ValueOf(av.Value)); err != nil {
			return err
		}
	case *ddb.AttributeValueMemberL:
		member("L")
		if err := reflectValue(buf, reflect.ValueOf(av.Value)); err != nil {
			return err
		}
	default:
		return fmt.Errorf("dynamo: cannot write attribute value %T", av)
	}
	buf.WriteByte('}')
	return nil
}

func reflectStrings[T any](buf *bytes.Buffer, vs []T, str func(T) string) {
	buf.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			buf.WriteByte(',')
		}
		marshalString(buf, str(v))
	}
	buf.WriteByte(']')
}

func marshalString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	buf.Write(b)
}
