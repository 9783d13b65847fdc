package gateway

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// event is the part of a payload 2.0 event the bridge reads.
type event struct {
	RawPath        string
	RawQueryString string
	Cookies        []string
	Headers        []headerField // in the event's order; a repeated name: the last one counts
	Body           string        // decoded from base64 when the event's is
	RequestContext struct {
		DomainName string
		RequestID  string
		HTTP       struct {
			Method   string
			Path     string
			SourceIP string
		}
	}
}

// headerField is one member of the event's headers.
type headerField struct{ name, value string }

// header is the value of the last header named name (exactly), "" if none.
func (ev *event) header(name string) string {
	v := ""
	for _, h := range ev.Headers {
		if h.name == name {
			v = h.value
		}
	}
	return v
}

// decodeEvent reads the event's JSON as encoding/json reads it into the
// struct of the fields it names (tags rawPath, headers, requestContext.http.method, ...):
// member names matched exactly or else case-insensitively, the last of a
// repeated member counting, unknown members skipped, null leaving a field as
// it is (and a null headers map, cookies slice or element empty), invalid
// UTF-8 and lone surrogates read as U+FFFD; a payload that is not JSON, or
// gives a field a value of another type, is an error. The body is decoded
// from base64 when isBase64Encoded (an error when it is not base64).
//
// The decoded strings other than the body share one allocation, the body
// has its own; a decoder is reused (release it once the request is served).
func decodeEvent(payload []byte) (*eventDecoder, error) {
	d := decoders.Get().(*eventDecoder)
	if err := d.decode(payload); err != nil {
		d.release()
		return nil, err
	}
	return d, nil
}

var decoders = sync.Pool{New: func() any { return new(eventDecoder) }}

// span is a JSON string of the payload: its bytes between the quotes, and
// whether they need unquoting (escapes, invalid UTF-8). The zero span is "".
type span struct {
	start, end int
	esc        bool
}

type headerSpan struct{ name, value span }

// eventDecoder is one event's decoding: where its strings are in the
// payload, then the event made of them.
type eventDecoder struct {
	p     []byte
	i     int
	depth int

	rawPath, rawQuery, body, domain, requestID, method, path, sourceIP span
	base64                                                             bool
	headers                                                            []headerSpan
	cookies                                                            []span
	last                                                               span     // the member name object passes
	at                                                                 [][2]int // the headers' and cookies' strings in the arena
	key, scratch, decoded                                              []byte   // an escaped name unquoted; a string, the body unquoted; the body decoded

	ev event
}

// maxPooled bounds the slices a released decoder keeps.
const maxPooled = 64

func (d *eventDecoder) release() {
	if cap(d.headers) > maxPooled || cap(d.cookies) > maxPooled || cap(d.at) > 2*maxPooled ||
		cap(d.key) > maxPooledBody || cap(d.scratch) > maxPooledBody || cap(d.decoded) > maxPooledBody {
		return
	}
	// The event's strings are dropped, its slices kept.
	evHeaders, evCookies := d.ev.Headers[:0], d.ev.Cookies[:0]
	clear(evHeaders[:cap(evHeaders)])
	clear(evCookies[:cap(evCookies)])
	*d = eventDecoder{headers: d.headers[:0], cookies: d.cookies[:0], at: d.at[:0], key: d.key[:0], scratch: d.scratch[:0], decoded: d.decoded[:0]}
	d.ev.Headers, d.ev.Cookies = evHeaders, evCookies
	decoders.Put(d)
}

// maxNestingDepth is encoding/json's limit on nested arrays and objects.
const maxNestingDepth = 10000

var errEOF = errors.New("unexpected end of JSON input")

func (d *eventDecoder) syntaxError(what string) error {
	if d.i >= len(d.p) {
		return errEOF
	}
	return errors.New("invalid character " + strconv.QuoteRune(rune(d.p[d.i])) + " " + what + " at offset " + strconv.Itoa(d.i))
}

func typeError(field string) error {
	return errors.New("cannot unmarshal the value of " + field + " into its type")
}

func (d *eventDecoder) decode(payload []byte) error {
	d.p, d.i = payload, 0
	d.ws()
	switch {
	case d.literal("null"):
	case d.peek() == '{':
		if err := d.object(d.topField); err != nil {
			return err
		}
	default:
		if err := d.skip(); err != nil {
			return err
		}
		return typeError("the event")
	}
	d.ws()
	if d.i < len(d.p) {
		return d.syntaxError("after top-level value")
	}
	return d.build()
}

func (d *eventDecoder) topField(key []byte) error {
	switch {
	case bytes.EqualFold(key, []byte("rawPath")):
		return d.stringField(&d.rawPath, "rawPath")
	case bytes.EqualFold(key, []byte("rawQueryString")):
		return d.stringField(&d.rawQuery, "rawQueryString")
	case bytes.EqualFold(key, []byte("body")):
		return d.stringField(&d.body, "body")
	case bytes.EqualFold(key, []byte("isBase64Encoded")):
		switch {
		case d.literal("true"):
			d.base64 = true
		case d.literal("false"):
			d.base64 = false
		case d.literal("null"):
		default:
			return d.mismatch("isBase64Encoded")
		}
		return nil
	case bytes.EqualFold(key, []byte("headers")):
		if d.literal("null") {
			d.headers = d.headers[:0]
			return nil
		}
		if d.peek() != '{' {
			return d.mismatch("headers")
		}
		return d.object(func(name []byte) error {
			nameSpan := d.last
			var v span
			if err := d.stringField(&v, "a header"); err != nil {
				return err
			}
			d.headers = append(d.headers, headerSpan{name: nameSpan, value: v})
			return nil
		})
	case bytes.EqualFold(key, []byte("cookies")):
		d.cookies = d.cookies[:0]
		if d.literal("null") {
			return nil
		}
		return d.array(func() error {
			var c span
			if err := d.stringField(&c, "a cookie"); err != nil {
				return err
			}
			d.cookies = append(d.cookies, c)
			return nil
		})
	case bytes.EqualFold(key, []byte("requestContext")):
		return d.structField("requestContext", func(key []byte) error {
			switch {
			case bytes.EqualFold(key, []byte("domainName")):
				return d.stringField(&d.domain, "domainName")
			case bytes.EqualFold(key, []byte("requestId")):
				return d.stringField(&d.requestID, "requestId")
			case bytes.EqualFold(key, []byte("http")):
				return d.structField("http", func(key []byte) error {
					switch {
					case bytes.EqualFold(key, []byte("method")):
						return d.stringField(&d.method, "method")
					case bytes.EqualFold(key, []byte("path")):
						return d.stringField(&d.path, "path")
					case bytes.EqualFold(key, []byte("sourceIp")):
						return d.stringField(&d.sourceIP, "sourceIp")
					}
					return d.skip()
				})
			}
			return d.skip()
		})
	}
	return d.skip()
}

// mismatch skips a value of the wrong type: a syntax error if it is not
// JSON, else the type error.
func (d *eventDecoder) mismatch(field string) error {
	if err := d.skip(); err != nil {
		return err
	}
	return typeError(field)
}

// stringField reads a string or null (leaving *s as it is).
func (d *eventDecoder) stringField(s *span, field string) error {
	if d.literal("null") {
		return nil
	}
	if d.peek() != '"' {
		return d.mismatch(field)
	}
	v, err := d.str()
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// structField reads an object member by member, or null (nothing).
func (d *eventDecoder) structField(field string, member func(key []byte) error) error {
	if d.literal("null") {
		return nil
	}
	if d.peek() != '{' {
		return d.mismatch(field)
	}
	return d.object(member)
}

func (d *eventDecoder) ws() {
	for d.i < len(d.p) {
		switch d.p[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek is the next byte after white space (0 at the end).
func (d *eventDecoder) peek() byte {
	d.ws()
	if d.i < len(d.p) {
		return d.p[d.i]
	}
	return 0
}

// literal consumes lit (true, false, null) when it comes next.
func (d *eventDecoder) literal(lit string) bool {
	if d.peek() != lit[0] || !bytes.HasPrefix(d.p[d.i:], []byte(lit)) {
		return false
	}
	d.i += len(lit)
	return true
}

func (d *eventDecoder) push() error {
	d.depth++
	if d.depth > maxNestingDepth {
		return errors.New("exceeded max depth")
	}
	return nil
}

// object reads an object (next, '{'), calling member with each member's
// name (unquoted; d.last is its span) positioned at its value.
func (d *eventDecoder) object(member func(key []byte) error) error {
	if err := d.push(); err != nil {
		return err
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		d.depth--
		return nil
	}
	for {
		if d.peek() != '"' {
			return d.syntaxError("looking for beginning of object key string")
		}
		k, err := d.str()
		if err != nil {
			return err
		}
		key := d.p[k.start:k.end]
		if k.esc {
			d.key = unquote(d.key[:0], key)
			key = d.key
		}
		if d.peek() != ':' {
			return d.syntaxError("after object key")
		}
		d.i++
		d.ws()
		d.last = k
		if err := member(key); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			d.depth--
			return nil
		default:
			return d.syntaxError("after object key:value pair")
		}
	}
}

// array reads an array (next, '['), calling elem positioned at each element.
func (d *eventDecoder) array(elem func() error) error {
	if d.peek() != '[' {
		return d.mismatch("an array")
	}
	if err := d.push(); err != nil {
		return err
	}
	d.i++
	if d.peek() == ']' {
		d.i++
		d.depth--
		return nil
	}
	for {
		d.ws()
		if err := elem(); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			d.depth--
			return nil
		default:
			return d.syntaxError("after array element")
		}
	}
}

// str reads a string (next, '"').
func (d *eventDecoder) str() (span, error) {
	d.i++
	s := span{start: d.i}
	for d.i < len(d.p) {
		c := d.p[d.i]
		switch {
		case c == '"':
			s.end = d.i
			d.i++
			return s, nil
		case c == '\\':
			s.esc = true
			d.i++
			if d.i >= len(d.p) {
				return s, errEOF
			}
			switch d.p[d.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.i++
			case 'u':
				d.i++
				for range 4 {
					if d.i >= len(d.p) {
						return s, errEOF
					}
					if !isHex(d.p[d.i]) {
						return s, d.syntaxError("in \\u hexadecimal character escape")
					}
					d.i++
				}
			default:
				return s, d.syntaxError("in string escape code")
			}
		case c < 0x20:
			return s, d.syntaxError("in string literal")
		case c < utf8.RuneSelf:
			d.i++
		default:
			r, size := utf8.DecodeRune(d.p[d.i:])
			if r == utf8.RuneError && size == 1 {
				s.esc = true
			}
			d.i += size
		}
	}
	return s, errEOF
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// skip reads any JSON value, checking its syntax.
func (d *eventDecoder) skip() error {
	switch c := d.peek(); {
	case c == '{':
		return d.object(func([]byte) error { return d.skip() })
	case c == '[':
		return d.array(d.skip)
	case c == '"':
		_, err := d.str()
		return err
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	case d.literal("true"), d.literal("false"), d.literal("null"):
		return nil
	}
	return d.syntaxError("looking for beginning of value")
}

// number reads a JSON number.
func (d *eventDecoder) number() error {
	digits := func() int {
		n := 0
		for d.i < len(d.p) && '0' <= d.p[d.i] && d.p[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.p[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i >= len(d.p):
		return errEOF
	case d.p[d.i] == '0':
		d.i++
	case '1' <= d.p[d.i] && d.p[d.i] <= '9':
		digits()
	default:
		return d.syntaxError("in numeric literal")
	}
	if d.i < len(d.p) && d.p[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return d.numberEnd()
		}
	}
	if d.i < len(d.p) && (d.p[d.i] == 'e' || d.p[d.i] == 'E') {
		d.i++
		if d.i < len(d.p) && (d.p[d.i] == '+' || d.p[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return d.numberEnd()
		}
	}
	return nil
}

// numberEnd is the error of a number cut short.
func (d *eventDecoder) numberEnd() error {
	if d.i >= len(d.p) {
		return errEOF
	}
	return d.syntaxError("in numeric literal")
}

// unquote appends the string of a span's bytes to dst, as encoding/json
// reads it (the bytes are valid: str checked them).
func unquote(dst, s []byte) []byte {
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			r++
			switch s[r] {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := hex4(s[r+1:])
				r += 5
				if utf16.IsSurrogate(rr) {
					rr1 := rune(-1)
					if r+6 <= len(s) && s[r] == '\\' && s[r+1] == 'u' {
						rr1 = hex4(s[r+2:])
					}
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						dst = utf8.AppendRune(dst, dec)
						r += 6
						continue
					}
					rr = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, rr)
				continue
			default: // " \ /
				dst = append(dst, s[r])
			}
			r++
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			dst = utf8.AppendRune(dst, rr)
			r += size
		}
	}
	return dst
}

// hex4 is the value of four hex digits.
func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// build makes the event of the spans read: its strings (but the body) in
// one allocation, the body in another.
func (d *eventDecoder) build() error {
	size := 0
	add := func(s span) {
		if s.esc {
			size += 3 * (s.end - s.start) // U+FFFD for an invalid byte
		} else {
			size += s.end - s.start
		}
	}
	for _, s := range [...]span{d.rawPath, d.rawQuery, d.domain, d.requestID, d.method, d.path, d.sourceIP} {
		add(s)
	}
	for _, h := range d.headers {
		add(h.name)
		add(h.value)
	}
	for _, c := range d.cookies {
		add(c)
	}
	// Offsets into arena, then strings of the one string it builds.
	var arena strings.Builder
	arena.Grow(size)
	put := func(s span) [2]int {
		start := arena.Len()
		if s.esc {
			d.scratch = unquote(d.scratch[:0], d.p[s.start:s.end])
			arena.Write(d.scratch)
		} else {
			arena.Write(d.p[s.start:s.end])
		}
		return [2]int{start, arena.Len()}
	}
	type field struct {
		dst *string
		at  [2]int
	}
	ev := &d.ev
	fields := [...]field{{&ev.RawPath, put(d.rawPath)}, {&ev.RawQueryString, put(d.rawQuery)},
		{&ev.RequestContext.DomainName, put(d.domain)}, {&ev.RequestContext.RequestID, put(d.requestID)},
		{&ev.RequestContext.HTTP.Method, put(d.method)}, {&ev.RequestContext.HTTP.Path, put(d.path)},
		{&ev.RequestContext.HTTP.SourceIP, put(d.sourceIP)}}
	for _, h := range d.headers {
		d.at = append(d.at, put(h.name), put(h.value))
	}
	for _, c := range d.cookies {
		d.at = append(d.at, put(c))
	}
	all := arena.String()
	str := func(at [2]int) string { return all[at[0]:at[1]] }
	for _, f := range fields {
		*f.dst = str(f.at)
	}
	at := d.at
	for range d.headers {
		ev.Headers = append(ev.Headers, headerField{name: str(at[0]), value: str(at[1])})
		at = at[2:]
	}
	for _, c := range at {
		ev.Cookies = append(ev.Cookies, str(c))
	}

	raw := d.p[d.body.start:d.body.end]
	if d.body.esc {
		d.scratch = unquote(d.scratch[:0], raw)
		raw = d.scratch
	}
	if d.base64 {
		var err error
		if d.decoded, err = base64.StdEncoding.AppendDecode(d.decoded[:0], raw); err != nil {
			return errBadBase64
		}
		raw = d.decoded
	}
	ev.Body = string(raw)
	return nil
}
