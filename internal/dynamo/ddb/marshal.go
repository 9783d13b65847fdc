package ddb

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// The record structs' mapping to items, as the SDK's attributevalue
// package does it by default (items written before stay readable, and
// the other way round): a field's name is its `dynamodbav` tag's first
// part (else the Go name; "-" skips it); "omitempty" leaves out a zero
// value; "stringset" writes a []string as a string set (NULL when empty).
// Strings are S, integers and floats N, bools BOOL, []byte B, other
// slices L, maps and structs M; nil pointers, slices, maps and interfaces
// are NULL. Reading ignores attributes without a field, sets a field to
// its zero value on NULL, and reads a number into an interface as float64
// (a list as []any, a map as map[string]any, a string set as []string).

// MarshalMap writes a struct (or a map with string keys) as an item.
func MarshalMap(in any) (map[string]AttributeValue, error) {
	if item, ok := in.(map[string]AttributeValue); ok {
		return item, nil
	}
	av, err := marshal(reflect.ValueOf(in), tag{})
	if err != nil {
		return nil, err
	}
	m, ok := av.(*AttributeValueMemberM)
	if !ok {
		return nil, fmt.Errorf("ddb: cannot write a %T as an item", in)
	}
	return m.Value, nil
}

// UnmarshalMap reads an item into out, a pointer to a struct or a map.
func UnmarshalMap(item map[string]AttributeValue, out any) error {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return errors.New("ddb: UnmarshalMap needs a non-nil pointer")
	}
	if item == nil {
		return nil
	}
	return unmarshal(&AttributeValueMemberM{Value: item}, v.Elem())
}

// UnmarshalListOfMaps reads items into out, a pointer to a slice.
func UnmarshalListOfMaps(items []map[string]AttributeValue, out any) error {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Slice {
		return errors.New("ddb: UnmarshalListOfMaps needs a pointer to a slice")
	}
	s := reflect.MakeSlice(v.Elem().Type(), len(items), len(items))
	for i, it := range items {
		if err := unmarshal(&AttributeValueMemberM{Value: it}, s.Index(i)); err != nil {
			return err
		}
	}
	v.Elem().Set(s)
	return nil
}

type tag struct {
	omitEmpty, stringSet bool
}

type field struct {
	name  string
	index []int
	tag   tag
}

var fieldCache sync.Map // reflect.Type → []field

// fieldsOf lists t's fields as encoding/json does: an untagged embedded
// struct's fields count as t's own, unless t (or a shallower embedding)
// has a field of the same name.
func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	var fields []field
	seen := map[string]bool{}
	level := []field{{index: nil}}
	for len(level) > 0 {
		var next []field
		names := map[string]bool{}
		for _, at := range level {
			st := t
			if at.index != nil {
				st = t.FieldByIndex(at.index).Type
				if st.Kind() == reflect.Pointer {
					st = st.Elem()
				}
			}
			for i := range st.NumField() {
				sf := st.Field(i)
				index := append(append([]int{}, at.index...), i)
				name, opts, _ := strings.Cut(sf.Tag.Get("dynamodbav"), ",")
				if name == "-" && opts == "" {
					continue
				}
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
					next = append(next, field{index: index})
					continue
				}
				if !sf.IsExported() {
					continue
				}
				if name == "" {
					name = sf.Name
				}
				if seen[name] {
					continue
				}
				names[name] = true
				f := field{name: name, index: index}
				for o := range strings.SplitSeq(opts, ",") {
					switch o {
					case "omitempty":
						f.tag.omitEmpty = true
					case "stringset":
						f.tag.stringSet = true
					}
				}
				fields = append(fields, f)
			}
		}
		for n := range names {
			seen[n] = true
		}
		level = next
	}
	fieldCache.Store(t, fields)
	return fields
}

// fieldOf is v's field at index: ok false when it is under a nil embedded
// pointer (alloc makes one instead).
func fieldOf(v reflect.Value, index []int, alloc bool) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !alloc {
					return reflect.Value{}, false
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

var null = &AttributeValueMemberNULL{Value: true}

// marshal returns nil for a value left out.
func marshal(v reflect.Value, t tag) (AttributeValue, error) {
	if !v.IsValid() {
		if t.omitEmpty {
			return nil, nil
		}
		return null, nil
	}
	if isZero(v) {
		if t.omitEmpty {
			return nil, nil
		}
		switch v.Kind() {
		case reflect.Map, reflect.Slice, reflect.Interface, reflect.Pointer:
			return null, nil
		}
	}
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() { // under a pointer or interface that is not
			return null, nil
		}
		v = v.Elem() // a pointer to a zero value writes that value
	}
	switch v.Kind() {
	case reflect.String:
		return &AttributeValueMemberS{Value: v.String()}, nil
	case reflect.Bool:
		return &AttributeValueMemberBOOL{Value: v.Bool()}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &AttributeValueMemberN{Value: strconv.FormatInt(v.Int(), 10)}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &AttributeValueMemberN{Value: strconv.FormatUint(v.Uint(), 10)}, nil
	case reflect.Float32:
		return &AttributeValueMemberN{Value: strconv.FormatFloat(v.Float(), 'f', -1, 32)}, nil
	case reflect.Float64:
		return &AttributeValueMemberN{Value: strconv.FormatFloat(v.Float(), 'f', -1, 64)}, nil
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return &AttributeValueMemberB{Value: append([]byte{}, v.Bytes()...)}, nil
		}
		if t.stringSet {
			if v.Len() == 0 {
				return null, nil
			}
			ss := &AttributeValueMemberSS{Value: make([]string, 0, v.Len())}
			for i := range v.Len() {
				e := v.Index(i)
				for e.Kind() == reflect.Interface || e.Kind() == reflect.Pointer {
					e = e.Elem()
				}
				if e.Kind() != reflect.String {
					return nil, errors.New("ddb: a string set holds only strings")
				}
				ss.Value = append(ss.Value, e.String())
			}
			return ss, nil
		}
		l := &AttributeValueMemberL{Value: make([]AttributeValue, 0, v.Len())}
		for i := range v.Len() {
			e, err := marshal(v.Index(i), tag{})
			if err != nil {
				return nil, err
			}
			l.Value = append(l.Value, e)
		}
		return l, nil
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("ddb: cannot write a %s: its keys are not strings", v.Type())
		}
		m := &AttributeValueMemberM{Value: make(map[string]AttributeValue, v.Len())}
		for it := v.MapRange(); it.Next(); {
			if it.Key().String() == "" {
				return nil, errors.New("ddb: map key cannot be empty")
			}
			e, err := marshal(it.Value(), tag{})
			if err != nil {
				return nil, err
			}
			m.Value[it.Key().String()] = e
		}
		return m, nil
	case reflect.Struct:
		m := &AttributeValueMemberM{Value: map[string]AttributeValue{}}
		for _, f := range fieldsOf(v.Type()) {
			fv, ok := fieldOf(v, f.index, false)
			if !ok {
				continue
			}
			e, err := marshal(fv, f.tag)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.name, err)
			}
			if e != nil {
				m.Value[f.name] = e
			}
		}
		return m, nil
	}
	return nil, fmt.Errorf("ddb: cannot write a %s", v.Type())
}

func isZero(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		return v.IsNil()
	case reflect.Struct:
		return false
	}
	return v.IsZero()
}

// unmarshal reads av into v (settable).
func unmarshal(av AttributeValue, v reflect.Value) error {
	if _, isNull := av.(*AttributeValueMemberNULL); isNull || av == nil {
		v.SetZero()
		return nil
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return unmarshal(av, v.Elem())
	}
	if v.Kind() == reflect.Interface && v.NumMethod() == 0 {
		x, err := plain(av)
		if err != nil {
			return err
		}
		if x == nil {
			v.SetZero()
		} else {
			v.Set(reflect.ValueOf(x))
		}
		return nil
	}
	mismatch := func() error {
		return fmt.Errorf("ddb: cannot read %s into a %s", kindOf(av), v.Type())
	}
	switch av := av.(type) {
	case *AttributeValueMemberS:
		if v.Kind() != reflect.String {
			return mismatch()
		}
		v.SetString(av.Value)
	case *AttributeValueMemberBOOL:
		if v.Kind() != reflect.Bool {
			return mismatch()
		}
		v.SetBool(av.Value)
	case *AttributeValueMemberN:
		return setNumber(av.Value, v, mismatch)
	case *AttributeValueMemberB:
		if v.Kind() != reflect.Slice || v.Type().Elem().Kind() != reflect.Uint8 {
			return mismatch()
		}
		v.SetBytes(append([]byte{}, av.Value...))
	case *AttributeValueMemberSS:
		return setList(v, len(av.Value), func(i int, e reflect.Value) error {
			return unmarshal(&AttributeValueMemberS{Value: av.Value[i]}, e)
		}, mismatch)
	case *AttributeValueMemberNS:
		return setList(v, len(av.Value), func(i int, e reflect.Value) error {
			return unmarshal(&AttributeValueMemberN{Value: av.Value[i]}, e)
		}, mismatch)
	case *AttributeValueMemberBS:
		return setList(v, len(av.Value), func(i int, e reflect.Value) error {
			return unmarshal(&AttributeValueMemberB{Value: av.Value[i]}, e)
		}, mismatch)
	case *AttributeValueMemberL:
		return setList(v, len(av.Value), func(i int, e reflect.Value) error {
			return unmarshal(av.Value[i], e)
		}, mismatch)
	case *AttributeValueMemberM:
		switch v.Kind() {
		case reflect.Map:
			if v.Type().Key().Kind() != reflect.String {
				return mismatch()
			}
			m := reflect.MakeMapWithSize(v.Type(), len(av.Value))
			for k, e := range av.Value {
				ev := reflect.New(v.Type().Elem()).Elem()
				if err := unmarshal(e, ev); err != nil {
					return err
				}
				m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), ev)
			}
			v.Set(m)
		case reflect.Struct:
			fields := fieldsOf(v.Type())
			for k, e := range av.Value {
				f, ok := fieldNamed(fields, k)
				if !ok {
					continue
				}
				fv, _ := fieldOf(v, f.index, true)
				if err := unmarshal(e, fv); err != nil {
					return fmt.Errorf("%s: %w", k, err)
				}
			}
		default:
			return mismatch()
		}
	default:
		return mismatch()
	}
	return nil
}

// fieldNamed finds the field an attribute fills: the same name, else one
// differing only in case.
func fieldNamed(fields []field, name string) (field, bool) {
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return field{}, false
}

func setNumber(n string, v reflect.Value, mismatch func() error) error {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(n, 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("ddb: number %q into a %s: %w", n, v.Type(), err)
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, err := strconv.ParseUint(n, 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("ddb: number %q into a %s: %w", n, v.Type(), err)
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(n, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("ddb: number %q into a %s: %w", n, v.Type(), err)
		}
		v.SetFloat(f)
	default:
		return mismatch()
	}
	return nil
}

func setList(v reflect.Value, n int, elem func(int, reflect.Value) error, mismatch func() error) error {
	if v.Kind() != reflect.Slice {
		return mismatch()
	}
	s := reflect.MakeSlice(v.Type(), n, n)
	for i := range n {
		if err := elem(i, s.Index(i)); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

// plain is av as the Go value an interface receives.
func plain(av AttributeValue) (any, error) {
	switch av := av.(type) {
	case *AttributeValueMemberS:
		return av.Value, nil
	case *AttributeValueMemberN:
		return strconv.ParseFloat(av.Value, 64)
	case *AttributeValueMemberBOOL:
		return av.Value, nil
	case *AttributeValueMemberNULL:
		return nil, nil
	case *AttributeValueMemberB:
		return av.Value, nil
	case *AttributeValueMemberSS:
		return av.Value, nil
	case *AttributeValueMemberBS:
		return av.Value, nil
	case *AttributeValueMemberNS:
		out := make([]float64, len(av.Value))
		for i, n := range av.Value {
			f, err := strconv.ParseFloat(n, 64)
			if err != nil {
				return nil, err
			}
			out[i] = f
		}
		return out, nil
	case *AttributeValueMemberL:
		out := make([]any, len(av.Value))
		for i, e := range av.Value {
			x, err := plain(e)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case *AttributeValueMemberM:
		out := make(map[string]any, len(av.Value))
		for k, e := range av.Value {
			x, err := plain(e)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("ddb: unknown attribute value %T", av)
}

func kindOf(av AttributeValue) string {
	return strings.TrimPrefix(fmt.Sprintf("%T", av), "*ddb.AttributeValueMember")
}
