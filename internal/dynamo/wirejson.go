package dynamo

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The DynamoDB JSON protocol (awsJson1_0) of the operations in DB, for
// WireClient: requests are the SDK's input structs written as JSON by
// their exported field names (which are the protocol's member names),
// answers are read into the SDK's output structs.

var attributeValueType = reflect.TypeFor[types.AttributeValue]()

// encodeInput writes an SDK input struct as the operation's JSON body.
func encodeInput(buf *bytes.Buffer, in any) error {
	return encodeValue(buf, reflect.ValueOf(in))
}

func encodeValue(buf *bytes.Buffer, v reflect.Value) error {
	if v.Type() == attributeValueType {
		return encodeAttributeValue(buf, v.Interface().(types.AttributeValue))
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

func encodeAttributeValue(buf *bytes.Buffer, av types.AttributeValue) error {
	member := func(name string) {
		buf.WriteString(`{"`)
		buf.WriteString(name)
		buf.WriteString(`":`)
	}
	switch av := av.(type) {
	case *types.AttributeValueMemberS:
		member("S")
		writeString(buf, av.Value)
	case *types.AttributeValueMemberN:
		member("N")
		writeString(buf, av.Value)
	case *types.AttributeValueMemberBOOL:
		member("BOOL")
		buf.WriteString(strconv.FormatBool(av.Value))
	case *types.AttributeValueMemberNULL:
		member("NULL")
		buf.WriteString(strconv.FormatBool(av.Value))
	case *types.AttributeValueMemberB:
		member("B")
		writeString(buf, base64.StdEncoding.EncodeToString(av.Value))
	case *types.AttributeValueMemberSS:
		member("SS")
		writeStrings(buf, av.Value, func(s string) string { return s })
	case *types.AttributeValueMemberNS:
		member("NS")
		writeStrings(buf, av.Value, func(s string) string { return s })
	case *types.AttributeValueMemberBS:
		member("BS")
		writeStrings(buf, av.Value, base64.StdEncoding.EncodeToString)
	case *types.AttributeValueMemberM:
		member("M")
		if err := encodeValue(buf, reflect.ValueOf(av.Value)); err != nil {
			return err
		}
	case *types.AttributeValueMemberL:
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
type item map[string]types.AttributeValue

// attributeValue is one attribute value on the wire.
type attributeValue struct {
	S, N       *string
	B          []byte
	BOOL, NULL *bool
	M          map[string]attributeValue
	L          []attributeValue
	SS, NS     []string
	BS         [][]byte
}

func (it *item) UnmarshalJSON(b []byte) error {
	var m map[string]attributeValue
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*it = toItem(m)
	return nil
}

func toItem(m map[string]attributeValue) item {
	if m == nil {
		return nil
	}
	out := make(item, len(m))
	for k, v := range m {
		out[k] = v.value()
	}
	return out
}

func (a attributeValue) value() types.AttributeValue {
	switch {
	case a.S != nil:
		return &types.AttributeValueMemberS{Value: *a.S}
	case a.N != nil:
		return &types.AttributeValueMemberN{Value: *a.N}
	case a.BOOL != nil:
		return &types.AttributeValueMemberBOOL{Value: *a.BOOL}
	case a.NULL != nil:
		return &types.AttributeValueMemberNULL{Value: *a.NULL}
	case a.B != nil:
		return &types.AttributeValueMemberB{Value: a.B}
	case a.M != nil:
		return &types.AttributeValueMemberM{Value: toItem(a.M)}
	case a.L != nil:
		l := make([]types.AttributeValue, len(a.L))
		for i, v := range a.L {
			l[i] = v.value()
		}
		return &types.AttributeValueMemberL{Value: l}
	case a.SS != nil:
		return &types.AttributeValueMemberSS{Value: a.SS}
	case a.NS != nil:
		return &types.AttributeValueMemberNS{Value: a.NS}
	case a.BS != nil:
		return &types.AttributeValueMemberBS{Value: a.BS}
	}
	return &types.AttributeValueMemberNULL{Value: true}
}

func items(its []item) []map[string]types.AttributeValue {
	if its == nil {
		return nil
	}
	out := make([]map[string]types.AttributeValue, len(its))
	for i, it := range its {
		out[i] = it
	}
	return out
}

// The answers' shapes on the wire.
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
	keysAndAttributes struct {
		Keys                     []item
		ConsistentRead           *bool
		ProjectionExpression     *string
		ExpressionAttributeNames map[string]string
	}
	batchGetOutput struct {
		Responses       map[string][]item
		UnprocessedKeys map[string]keysAndAttributes
	}
	writeRequest struct {
		PutRequest    *struct{ Item item }
		DeleteRequest *struct{ Key item }
	}
	batchWriteOutput struct {
		UnprocessedItems map[string][]writeRequest
	}
	// errorOutput is what some refusals carry.
	errorOutput struct {
		Item                item
		CancellationReasons []struct {
			Code, Message *string
			Item          item
		}
	}
)
