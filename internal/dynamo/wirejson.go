package dynamo

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"

	"sentinel/internal/dynamo/ddb"
)

// The DynamoDB JSON protocol (awsJson1_0) of the operations in DB, for
// WireClient: requests are ddb's input structs written as JSON by their
// exported field names (which are the protocol's member names), answers
// are read into ddb's output structs.

var attributeValueType = reflect.TypeFor[ddb.AttributeValue]()

// encodeInput writes a ddb input struct as the operation's JSON body.
func encodeInput(buf *bytes.Buffer, in any) error {
	return encodeValue(buf, reflect.ValueOf(in))
}

func encodeValue(buf *bytes.Buffer, v reflect.Value) error {
	if v.Type() == attributeValueType {
		return encodeAttributeValue(buf, v.Interface().(ddb.AttributeValue))
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return encodeValue(buf, v.Elem())
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
			writeString(buf, f.Name)
			buf.WriteByte(':')
			if err := encodeValue(buf, fv); err != nil {
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
			writeString(buf, it.Key().String())
			buf.WriteByte(':')
			if err := encodeValue(buf, it.Value()); err != nil {
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
			if err := encodeValue(buf, v.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case reflect.String:
		writeString(buf, v.String())
	case reflect.Bool:
		buf.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int32, reflect.Int64:
		buf.WriteString(strconv.FormatInt(v.Int(), 10))
	default:
		return fmt.Errorf("dynamo: cannot write a %s", v.Type())
	}
	return nil
}

func encodeAttributeValue(buf *bytes.Buffer, av ddb.AttributeValue) error {
	member := func(name string) {
		buf.WriteString(`{"`)
		buf.WriteString(name)
		buf.WriteString(`":`)
	}
	switch av := av.(type) {
	case *ddb.AttributeValueMemberS:
		member("S")
		writeString(buf, av.Value)
	case *ddb.AttributeValueMemberN:
		member("N")
		writeString(buf, av.Value)
	case *ddb.AttributeValueMemberBOOL:
		member("BOOL")
		buf.WriteString(strconv.FormatBool(av.Value))
	case *ddb.AttributeValueMemberNULL:
		member("NULL")
		buf.WriteString(strconv.FormatBool(av.Value))
	case *ddb.AttributeValueMemberB:
		member("B")
		writeString(buf, base64.StdEncoding.EncodeToString(av.Value))
	case *ddb.AttributeValueMemberSS:
		member("SS")
		writeStrings(buf, av.Value, func(s string) string { return s })
	case *ddb.AttributeValueMemberNS:
		member("NS")
		writeStrings(buf, av.Value, func(s string) string { return s })
	case *ddb.AttributeValueMemberBS:
		member("BS")
		writeStrings(buf, av.Value, base64.StdEncoding.EncodeToString)
	case *ddb.AttributeValueMemberM:
		member("M")
		if err := encodeValue(buf, reflect.ValueOf(av.Value)); err != nil {
			return err
		}
	case *ddb.AttributeValueMemberL:
		member("L")
		if err := encodeValue(buf, reflect.ValueOf(av.Value)); err != nil {
			return err
		}
	default:
		return fmt.Errorf("dynamo: cannot write attribute value %T", av)
	}
	buf.WriteByte('}')
	return nil
}

func writeStrings[T any](buf *bytes.Buffer, vs []T, str func(T) string) {
	buf.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeString(buf, str(v))
	}
	buf.WriteByte(']')
}

func writeString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	buf.Write(b)
}

// item is an item (or key) in an answer.
type item = map[string]ddb.AttributeValue

// The answers' shapes (read by wiredecode.go).
type (
	itemOutput struct {
		Item       item // GetItem
		Attributes item // PutItem, UpdateItem, DeleteItem
	}
	queryOutput struct {
		Items            []item
		Count            int32
		ScannedCount     int32
		LastEvaluatedKey item
	}
	batchGetOutput struct {
		Responses       map[string][]item
		UnprocessedKeys map[string]ddb.KeysAndAttributes
	}
	batchWriteOutput struct {
		UnprocessedItems map[string][]ddb.WriteRequest
	}
	// errorOutput is what some refusals carry.
	errorOutput struct {
		Item                item
		CancellationReasons []ddb.CancellationReason
	}
)
