package dynamo

import (
	"encoding/base64"
	"fmt"
	"strconv"

	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/jsontext"
)

// The DynamoDB JSON protocol (awsJson1_0) of the operations in DB, for
// WireClient: a request is its ddb input struct written as JSON, member
// by member in the struct's field order (the field names are the
// protocol's member names), leaving out what is unset (a nil pointer,
// map or slice, an empty enum); answers are read into ddb's output
// structs (wiredecode.go). The writers are by hand, without reflection:
// a check's BatchGetItem spent more allocations writing its request by
// reflection than on the rest of its send. TestWritersMatchReflection
// holds them to the fields of the ddb structs.

// writer appends one request's JSON; after the first error it keeps that
// error (and what it wrote is of no use).
type writer struct {
	b   []byte
	err error
}

// sep writes the comma before an element or member but the first (n
// counts those written so far).
func (w *writer) sep(n *int) {
	if *n > 0 {
		w.b = append(w.b, ',')
	}
	*n++
}

// member starts a member whose name needs no escaping (a protocol's name).
func (w *writer) member(n *int, name string) {
	w.sep(n)
	w.b = append(w.b, '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':')
}

func (w *writer) str(s string) { w.b = jsontext.AppendString(w.b, s) }

func (w *writer) strPtr(n *int, name string, p *string) {
	if p != nil {
		w.member(n, name)
		w.str(*p)
	}
}

func (w *writer) enum(n *int, name, v string) {
	if v != "" {
		w.member(n, name)
		w.str(v)
	}
}

func (w *writer) boolPtr(n *int, name string, p *bool) {
	if p != nil {
		w.member(n, name)
		w.b = strconv.AppendBool(w.b, *p)
	}
}

func (w *writer) int32Ptr(n *int, name string, p *int32) {
	if p != nil {
		w.member(n, name)
		w.b = strconv.AppendInt(w.b, int64(*p), 10)
	}
}

func (w *writer) names(n *int, name string, m map[string]string) {
	if m == nil {
		return
	}
	w.member(n, name)
	w.b = append(w.b, '{')
	i := 0
	for k, v := range m {
		w.sep(&i)
		w.str(k)
		w.b = append(w.b, ':')
		w.str(v)
	}
	w.b = append(w.b, '}')
}

// itemMember writes a non-nil item as a member.
func (w *writer) itemMember(n *int, name string, it map[string]ddb.AttributeValue) {
	if it != nil {
		w.member(n, name)
		w.item(it)
	}
}

// item writes an item (or key, or map of values): {} when nil.
func (w *writer) item(it map[string]ddb.AttributeValue) {
	w.b = append(w.b, '{')
	n := 0
	for k, v := range it {
		w.sep(&n)
		w.str(k)
		w.b = append(w.b, ':')
		w.value(v)
	}
	w.b = append(w.b, '}')
}

func (w *writer) items(its []map[string]ddb.AttributeValue) {
	w.b = append(w.b, '[')
	n := 0
	for _, it := range its {
		w.sep(&n)
		w.item(it)
	}
	w.b = append(w.b, ']')
}

func (w *writer) strs(vs []string) {
	w.b = append(w.b, '[')
	n := 0
	for _, v := range vs {
		w.sep(&n)
		w.str(v)
	}
	w.b = append(w.b, ']')
}

func (w *writer) binary(v []byte) {
	w.b = append(w.b, '"')
	w.b = base64.StdEncoding.AppendEncode(w.b, v)
	w.b = append(w.b, '"')
}

// value writes an attribute value: an object of one member naming its kind.
func (w *writer) value(av ddb.AttributeValue) {
	n := 0
	w.b = append(w.b, '{')
	switch av := av.(type) {
	case *ddb.AttributeValueMemberS:
		w.member(&n, "S")
		w.str(av.Value)
	case *ddb.AttributeValueMemberN:
		w.member(&n, "N")
		w.str(av.Value)
	case *ddb.AttributeValueMemberBOOL:
		w.member(&n, "BOOL")
		w.b = strconv.AppendBool(w.b, av.Value)
	case *ddb.AttributeValueMemberNULL:
		w.member(&n, "NULL")
		w.b = strconv.AppendBool(w.b, av.Value)
	case *ddb.AttributeValueMemberB:
		w.member(&n, "B")
		w.binary(av.Value)
	case *ddb.AttributeValueMemberSS:
		w.member(&n, "SS")
		w.strs(av.Value)
	case *ddb.AttributeValueMemberNS:
		w.member(&n, "NS")
		w.strs(av.Value)
	case *ddb.AttributeValueMemberBS:
		w.member(&n, "BS")
		w.b = append(w.b, '[')
		i := 0
		for _, v := range av.Value {
			w.sep(&i)
			w.binary(v)
		}
		w.b = append(w.b, ']')
	case *ddb.AttributeValueMemberM:
		w.member(&n, "M")
		w.item(av.Value)
	case *ddb.AttributeValueMemberL:
		w.member(&n, "L")
		w.b = append(w.b, '[')
		i := 0
		for _, v := range av.Value {
			w.sep(&i)
			w.value(v)
		}
		w.b = append(w.b, ']')
	default:
		if w.err == nil {
			w.err = fmt.Errorf("dynamo: cannot write attribute value %T", av)
		}
	}
	w.b = append(w.b, '}')
}

// The inputs, each field in its struct's order.

func (w *writer) getItem(in *ddb.GetItemInput) {
	n := 0
	w.b = append(w.b, '{')
	w.strPtr(&n, "TableName", in.TableName)
	w.itemMember(&n, "Key", in.Key)
	w.boolPtr(&n, "ConsistentRead", in.ConsistentRead)
	w.strPtr(&n, "ProjectionExpression", in.ProjectionExpression)
	w.names(&n, "ExpressionAttributeNames", in.ExpressionAttributeNames)
	w.b = append(w.b, '}')
}

func (w *writer) putItem(in *ddb.PutItemInput) {
	w.write(in.TableName, "Item", in.Item, nil, in.ConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues, in.ReturnValues, in.ReturnValuesOnConditionCheckFailure)
}

func (w *writer) updateItem(in *ddb.UpdateItemInput) {
	w.write(in.TableName, "Key", in.Key, in.UpdateExpression, in.ConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues, in.ReturnValues, in.ReturnValuesOnConditionCheckFailure)
}

func (w *writer) deleteItem(in *ddb.DeleteItemInput) {
	w.write(in.TableName, "Key", in.Key, nil, in.ConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues, in.ReturnValues, in.ReturnValuesOnConditionCheckFailure)
}

// conditions writes the three members a write's condition is made of.
func (w *writer) conditions(n *int, cond *string, names map[string]string, values map[string]ddb.AttributeValue) {
	w.strPtr(n, "ConditionExpression", cond)
	w.names(n, "ExpressionAttributeNames", names)
	w.itemMember(n, "ExpressionAttributeValues", values)
}

func (w *writer) query(in *ddb.QueryInput) {
	n := 0
	w.b = append(w.b, '{')
	w.strPtr(&n, "TableName", in.TableName)
	w.strPtr(&n, "IndexName", in.IndexName)
	w.strPtr(&n, "KeyConditionExpression", in.KeyConditionExpression)
	w.strPtr(&n, "FilterExpression", in.FilterExpression)
	w.strPtr(&n, "ProjectionExpression", in.ProjectionExpression)
	w.names(&n, "ExpressionAttributeNames", in.ExpressionAttributeNames)
	w.itemMember(&n, "ExpressionAttributeValues", in.ExpressionAttributeValues)
	w.itemMember(&n, "ExclusiveStartKey", in.ExclusiveStartKey)
	w.int32Ptr(&n, "Limit", in.Limit)
	w.boolPtr(&n, "ScanIndexForward", in.ScanIndexForward)
	w.boolPtr(&n, "ConsistentRead", in.ConsistentRead)
	w.enum(&n, "Select", string(in.Select))
	w.b = append(w.b, '}')
}

func (w *writer) batchGetItem(in *ddb.BatchGetItemInput) {
	n := 0
	w.b = append(w.b, '{')
	if in.RequestItems != nil {
		w.member(&n, "RequestItems")
		w.b = append(w.b, '{')
		t := 0
		for table, ka := range in.RequestItems {
			w.sep(&t)
			w.str(table)
			w.b = append(w.b, ':', '{')
			m := 0
			if ka.Keys != nil {
				w.member(&m, "Keys")
				w.items(ka.Keys)
			}
			w.boolPtr(&m, "ConsistentRead", ka.ConsistentRead)
			w.strPtr(&m, "ProjectionExpression", ka.ProjectionExpression)
			w.names(&m, "ExpressionAttributeNames", ka.ExpressionAttributeNames)
			w.b = append(w.b, '}')
		}
		w.b = append(w.b, '}')
	}
	w.b = append(w.b, '}')
}

func (w *writer) batchWriteItem(in *ddb.BatchWriteItemInput) {
	n := 0
	w.b = append(w.b, '{')
	if in.RequestItems != nil {
		w.member(&n, "RequestItems")
		w.b = append(w.b, '{')
		t := 0
		for table, writes := range in.RequestItems {
			w.sep(&t)
			w.str(table)
			w.b = append(w.b, ':', '[')
			i := 0
			for _, wr := range writes {
				w.sep(&i)
				m := 0
				w.b = append(w.b, '{')
				if wr.PutRequest != nil {
					w.member(&m, "PutRequest")
					k := 0
					w.b = append(w.b, '{')
					w.itemMember(&k, "Item", wr.PutRequest.Item)
					w.b = append(w.b, '}')
				}
				if wr.DeleteRequest != nil {
					w.member(&m, "DeleteRequest")
					k := 0
					w.b = append(w.b, '{')
					w.itemMember(&k, "Key", wr.DeleteRequest.Key)
					w.b = append(w.b, '}')
				}
				w.b = append(w.b, '}')
			}
			w.b = append(w.b, ']')
		}
		w.b = append(w.b, '}')
	}
	w.b = append(w.b, '}')
}

func (w *writer) transactWriteItems(in *ddb.TransactWriteItemsInput) {
	n := 0
	w.b = append(w.b, '{')
	if in.TransactItems != nil {
		w.member(&n, "TransactItems")
		w.b = append(w.b, '[')
		i := 0
		for _, t := range in.TransactItems {
			w.sep(&i)
			m := 0
			w.b = append(w.b, '{')
			if c := t.ConditionCheck; c != nil {
				w.member(&m, "ConditionCheck")
				w.write(c.TableName, "Key", c.Key, nil, c.ConditionExpression, c.ExpressionAttributeNames, c.ExpressionAttributeValues, "", c.ReturnValuesOnConditionCheckFailure)
			}
			if d := t.Delete; d != nil {
				w.member(&m, "Delete")
				w.write(d.TableName, "Key", d.Key, nil, d.ConditionExpression, d.ExpressionAttributeNames, d.ExpressionAttributeValues, "", d.ReturnValuesOnConditionCheckFailure)
			}
			if p := t.Put; p != nil {
				w.member(&m, "Put")
				w.write(p.TableName, "Item", p.Item, nil, p.ConditionExpression, p.ExpressionAttributeNames, p.ExpressionAttributeValues, "", p.ReturnValuesOnConditionCheckFailure)
			}
			if u := t.Update; u != nil {
				w.member(&m, "Update")
				w.write(u.TableName, "Key", u.Key, u.UpdateExpression, u.ConditionExpression, u.ExpressionAttributeNames, u.ExpressionAttributeValues, "", u.ReturnValuesOnConditionCheckFailure)
			}
			w.b = append(w.b, '}')
		}
		w.b = append(w.b, ']')
	}
	w.strPtr(&n, "ClientRequestToken", in.ClientRequestToken)
	w.b = append(w.b, '}')
}

// write writes a single write or one of a transaction's items: their
// members come in one order (the table, the key or item, the update
// (updates only), the condition, what to return; a transaction's items
// have no ReturnValues).
func (w *writer) write(table *string, itemName string, it map[string]ddb.AttributeValue, update, cond *string,
	names map[string]string, values map[string]ddb.AttributeValue, returnValues ddb.ReturnValue, onFailure ddb.ReturnValuesOnConditionCheckFailure) {
	n := 0
	w.b = append(w.b, '{')
	w.strPtr(&n, "TableName", table)
	w.itemMember(&n, itemName, it)
	w.strPtr(&n, "UpdateExpression", update)
	w.conditions(&n, cond, names, values)
	w.enum(&n, "ReturnValues", string(returnValues))
	w.enum(&n, "ReturnValuesOnConditionCheckFailure", string(onFailure))
	w.b = append(w.b, '}')
}

// appendInput appends the request of a ddb input struct (a pointer to one).
func appendInput(b []byte, in any) ([]byte, error) {
	w := writer{b: b}
	switch in := in.(type) {
	case *ddb.GetItemInput:
		w.getItem(in)
	case *ddb.PutItemInput:
		w.putItem(in)
	case *ddb.UpdateItemInput:
		w.updateItem(in)
	case *ddb.DeleteItemInput:
		w.deleteItem(in)
	case *ddb.QueryInput:
		w.query(in)
	case *ddb.BatchGetItemInput:
		w.batchGetItem(in)
	case *ddb.BatchWriteItemInput:
		w.batchWriteItem(in)
	case *ddb.TransactWriteItemsInput:
		w.transactWriteItems(in)
	default:
		return b, fmt.Errorf("dynamo: cannot write a %T", in)
	}
	return w.b, w.err
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
