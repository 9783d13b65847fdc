package dynamo

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"sentinel/internal/dynamo/ddb"
)

// Reading DynamoDB's answers straight into ddb's attribute values: a
// check reads a few items per request, and encoding/json's reflection
// allocated more than the rest of the request together. An answer is
// copied once, into a string, and the items' strings (names and values)
// are substrings of it: they share its memory (an item kept keeps its
// whole answer) but nothing else, the HTTP buffer least of all. The
// attribute values of the common kinds (S, N) come from slabs, a few
// allocations per answer rather than one per value; each is still its
// own value, shared with no other.

var errSyntax = errors.New("dynamo: malformed answer")

// scanner reads one JSON document. After the first error every read
// returns zero values and err keeps that error.
type scanner struct {
	b   string
	i   int
	err error
	// The slabs the S and N values are taken from.
	ss []ddb.AttributeValueMemberS
	ns []ddb.AttributeValueMemberN
	// itemSize is the last item's number of attributes: the next one's
	// map is made that size (the items of an answer look alike).
	itemSize int
}

func (s *scanner) fail() {
	if s.err == nil {
		s.err = fmt.Errorf("%w at byte %d", errSyntax, s.i)
	}
	s.i = len(s.b)
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next is the next non-space byte, not consumed (0 at the end).
func (s *scanner) next() byte {
	s.space()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) consume(c byte) bool {
	if s.next() == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) must(c byte) {
	if !s.consume(c) {
		s.fail()
	}
}

// open starts reading an object ('{', '}') or an array ('[', ']'): false
// when it is null or empty (read whole), or on an error; then the
// members or elements are read each followed by more.
func (s *scanner) open(start, end byte) bool {
	if s.consume('n') { // null
		s.literal("ull")
		return false
	}
	s.must(start)
	return !s.consume(end) && s.err == nil
}

// more reads what follows a member or element: true when a comma (another
// follows), false at the end (or on an error).
func (s *scanner) more(end byte) bool {
	if s.consume(',') {
		return s.err == nil
	}
	s.must(end)
	return false
}

// key reads a member's name and its colon.
func (s *scanner) key() string {
	k := s.str()
	s.must(':')
	return k
}

// object reads an object, calling member for each key; member reads its value.
func (s *scanner) object(member func(key string)) {
	if s.open('{', '}') {
		for {
			member(s.key())
			if !s.more('}') {
				return
			}
		}
	}
}

// array reads an array, calling elem for each element.
func (s *scanner) array(elem func()) {
	if s.open('[', ']') {
		for {
			elem()
			if !s.more(']') {
				return
			}
		}
	}
}

func (s *scanner) literal(rest string) {
	if len(s.b)-s.i < len(rest) || s.b[s.i:s.i+len(rest)] != rest {
		s.fail()
		return
	}
	s.i += len(rest)
}

// str reads a string: a substring of the answer unless it has escapes.
func (s *scanner) str() string {
	s.must('"')
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			v := s.b[start:s.i]
			s.i++
			return v
		case '\\':
			return s.escaped(start - 1)
		}
		s.i++
	}
	s.fail()
	return ""
}

// escaped reads a string with escapes: from its opening quote at start,
// s.i at its first backslash.
func (s *scanner) escaped(start int) string {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
			continue
		case '"':
			s.i++
			var v string
			if json.Unmarshal([]byte(s.b[start:s.i]), &v) != nil {
				s.fail()
			}
			return v
		}
		s.i++
	}
	s.fail()
	return ""
}

func (s *scanner) boolean() bool {
	switch s.next() {
	case 't':
		s.literal("true")
		return true
	case 'f':
		s.literal("false")
	default:
		s.fail()
	}
	return false
}

func (s *scanner) integer() int32 {
	s.space()
	start := s.i
	for s.i < len(s.b) && (s.b[s.i] == '-' || s.b[s.i] >= '0' && s.b[s.i] <= '9') {
		s.i++
	}
	n, err := strconv.ParseInt(s.b[start:s.i], 10, 32)
	if err != nil {
		s.fail()
	}
	return int32(n)
}

// skip reads a value it has no use for.
func (s *scanner) skip() {
	switch s.next() {
	case '{':
		s.object(func(string) { s.skip() })
	case '[':
		s.array(s.skip)
	case '"':
		s.str()
	case 't', 'f':
		s.boolean()
	case 'n':
		s.literal("null")
	default:
		s.space()
		start := s.i
		for s.i < len(s.b) && (s.b[s.i] == '-' || s.b[s.i] == '+' || s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E' || s.b[s.i] >= '0' && s.b[s.i] <= '9') {
			s.i++
		}
		if s.i == start {
			s.fail()
		}
	}
}

func (s *scanner) strings() []string {
	out := []string{}
	if s.open('[', ']') {
		for {
			out = append(out, s.str())
			if !s.more(']') {
				break
			}
		}
	}
	return out
}

func (s *scanner) binary() []byte {
	v, err := base64.StdEncoding.DecodeString(s.str())
	if err != nil {
		s.fail()
	}
	return v
}

func (s *scanner) item() item {
	if s.next() == 'n' {
		s.literal("null")
		return nil
	}
	it := make(item, s.itemSize)
	if s.open('{', '}') {
		for {
			name := s.key()
			it[name] = s.value()
			if !s.more('}') {
				break
			}
		}
	}
	s.itemSize = len(it)
	return it
}

func (s *scanner) items() []map[string]ddb.AttributeValue {
	out := []map[string]ddb.AttributeValue{}
	if s.open('[', ']') {
		for {
			out = append(out, s.item())
			if !s.more(']') {
				break
			}
		}
	}
	return out
}

// take is the next value of a slab, which it renews when full (the values
// taken before keep the old one).
func take[T any](slab *[]T) *T {
	if len(*slab) == cap(*slab) {
		*slab = make([]T, 0, max(16, 2*cap(*slab)))
	}
	*slab = (*slab)[:len(*slab)+1]
	return &(*slab)[len(*slab)-1]
}

// value reads one attribute value: an object with one member naming its type.
func (s *scanner) value() ddb.AttributeValue {
	var av ddb.AttributeValue
	if s.open('{', '}') {
		for {
			switch s.key() {
			case "S":
				v := take(&s.ss)
				v.Value = s.str()
				av = v
			case "N":
				v := take(&s.ns)
				v.Value = s.str()
				av = v
			case "BOOL":
				av = &ddb.AttributeValueMemberBOOL{Value: s.boolean()}
			case "NULL":
				av = &ddb.AttributeValueMemberNULL{Value: s.boolean()}
			case "B":
				av = &ddb.AttributeValueMemberB{Value: s.binary()}
			case "SS":
				av = &ddb.AttributeValueMemberSS{Value: s.strings()}
			case "NS":
				av = &ddb.AttributeValueMemberNS{Value: s.strings()}
			case "BS":
				var bs [][]byte
				s.array(func() { bs = append(bs, s.binary()) })
				av = &ddb.AttributeValueMemberBS{Value: bs}
			case "M":
				size := s.itemSize
				av = &ddb.AttributeValueMemberM{Value: s.item()}
				s.itemSize = size
			case "L":
				l := []ddb.AttributeValue{}
				s.array(func() { l = append(l, s.value()) })
				av = &ddb.AttributeValueMemberL{Value: l}
			default:
				s.fail()
			}
			if !s.more('}') {
				break
			}
		}
	}
	if av == nil {
		s.fail()
	}
	return av
}

// decode reads a whole answer (copied: the items are the answer's alone),
// calling member for each top-level key.
func decode(b []byte, member func(s *scanner, key string)) error {
	s := &scanner{b: string(b)}
	s.object(func(key string) { member(s, key) })
	if s.next() != 0 {
		s.fail()
	}
	return s.err
}

func (o *itemOutput) DecodeAnswer(b []byte) error {
	return decode(b, func(s *scanner, key string) {
		switch key {
		case "Item":
			o.Item = s.item()
		case "Attributes":
			o.Attributes = s.item()
		default:
			s.skip()
		}
	})
}

func (o *queryOutput) DecodeAnswer(b []byte) error {
	return decode(b, func(s *scanner, key string) {
		switch key {
		case "Items":
			o.Items = s.items()
		case "Count":
			o.Count = s.integer()
		case "ScannedCount":
			o.ScannedCount = s.integer()
		case "LastEvaluatedKey":
			o.LastEvaluatedKey = s.item()
		default:
			s.skip()
		}
	})
}

func (o *batchGetOutput) DecodeAnswer(b []byte) error {
	return decode(b, func(s *scanner, key string) {
		switch key {
		case "Responses":
			o.Responses = map[string][]map[string]ddb.AttributeValue{}
			s.object(func(table string) { o.Responses[table] = s.items() })
		case "UnprocessedKeys":
			o.UnprocessedKeys = map[string]ddb.KeysAndAttributes{}
			s.object(func(table string) {
				var ka ddb.KeysAndAttributes
				s.object(func(key string) {
					switch key {
					case "Keys":
						ka.Keys = s.items()
					case "ConsistentRead":
						v := s.boolean()
						ka.ConsistentRead = &v
					case "ProjectionExpression":
						v := s.str()
						ka.ProjectionExpression = &v
					case "ExpressionAttributeNames":
						ka.ExpressionAttributeNames = map[string]string{}
						s.object(func(k string) { ka.ExpressionAttributeNames[k] = s.str() })
					default:
						s.skip()
					}
				})
				o.UnprocessedKeys[table] = ka
			})
		default:
			s.skip()
		}
	})
}

func (o *batchWriteOutput) DecodeAnswer(b []byte) error {
	return decode(b, func(s *scanner, key string) {
		if key != "UnprocessedItems" {
			s.skip()
			return
		}
		o.UnprocessedItems = map[string][]ddb.WriteRequest{}
		s.object(func(table string) {
			s.array(func() {
				var w ddb.WriteRequest
				s.object(func(kind string) {
					switch kind {
					case "PutRequest":
						w.PutRequest = &ddb.PutRequest{}
						s.object(func(k string) {
							if k == "Item" {
								w.PutRequest.Item = s.item()
							} else {
								s.skip()
							}
						})
					case "DeleteRequest":
						w.DeleteRequest = &ddb.DeleteRequest{}
						s.object(func(k string) {
							if k == "Key" {
								w.DeleteRequest.Key = s.item()
							} else {
								s.skip()
							}
						})
					default:
						s.skip()
					}
				})
				o.UnprocessedItems[table] = append(o.UnprocessedItems[table], w)
			})
		})
	})
}

func (o *errorOutput) DecodeAnswer(b []byte) error {
	return decode(b, func(s *scanner, key string) {
		switch key {
		case "Item":
			o.Item = s.item()
		case "CancellationReasons":
			s.array(func() {
				var r ddb.CancellationReason
				s.object(func(key string) {
					switch key {
					case "Code":
						v := s.str()
						r.Code = &v
					case "Message":
						v := s.str()
						r.Message = &v
					case "Item":
						r.Item = s.item()
					default:
						s.skip()
					}
				})
				o.CancellationReasons = append(o.CancellationReasons, r)
			})
		default:
			s.skip()
		}
	})
}
