package gateway

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// jsonEvent is what the bridge decoded with encoding/json before
// decodeEvent: the reference decodeEvent is held to.
type jsonEvent struct {
	RawPath         string            `json:"rawPath"`
	RawQueryString  string            `json:"rawQueryString"`
	Cookies         []string          `json:"cookies"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	RequestContext  struct {
		DomainName string `json:"domainName"`
		RequestID  string `json:"requestId"`
		HTTP       struct {
			Method   string `json:"method"`
			Path     string `json:"path"`
			SourceIP string `json:"sourceIp"`
		} `json:"http"`
	} `json:"requestContext"`
}

// referenceDecode decodes payload with encoding/json into what decodeEvent
// gives: the event with its body decoded from base64, its headers a map.
func referenceDecode(payload []byte) (event, map[string]string, error) {
	var in jsonEvent
	if err := json.Unmarshal(payload, &in); err != nil {
		return event{}, nil, err
	}
	ev := event{RawPath: in.RawPath, RawQueryString: in.RawQueryString, Cookies: in.Cookies, Body: in.Body}
	ev.RequestContext.DomainName = in.RequestContext.DomainName
	ev.RequestContext.RequestID = in.RequestContext.RequestID
	ev.RequestContext.HTTP.Method = in.RequestContext.HTTP.Method
	ev.RequestContext.HTTP.Path = in.RequestContext.HTTP.Path
	ev.RequestContext.HTTP.SourceIP = in.RequestContext.HTTP.SourceIP
	if in.IsBase64Encoded {
		raw, err := base64.StdEncoding.DecodeString(in.Body)
		if err != nil {
			return event{}, nil, err
		}
		ev.Body = string(raw)
	}
	return ev, in.Headers, nil
}

// compareDecoders reports how decodeEvent and encoding/json disagree on payload.
func compareDecoders(t *testing.T, payload []byte) {
	t.Helper()
	want, wantHeaders, wantErr := referenceDecode(payload)
	d, err := decodeEvent(payload)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("decodeEvent(%q): error %v, encoding/json's %v", payload, err, wantErr)
	}
	if err != nil {
		return
	}
	defer d.release()
	got := d.ev
	// The headers as a map: the last of a repeated name counts.
	gotHeaders := map[string]string{}
	for _, h := range got.Headers {
		gotHeaders[h.name] = h.value
	}
	if len(gotHeaders) != len(wantHeaders) || len(wantHeaders) > 0 && !reflect.DeepEqual(gotHeaders, wantHeaders) {
		t.Errorf("decodeEvent(%q): headers %q, encoding/json's %q", payload, gotHeaders, wantHeaders)
	}
	if host := got.header("host"); host != wantHeaders["host"] {
		t.Errorf("decodeEvent(%q): host header %q, encoding/json's %q", payload, host, wantHeaders["host"])
	}
	if len(got.Cookies) != len(want.Cookies) || len(want.Cookies) > 0 && !reflect.DeepEqual(got.Cookies, want.Cookies) {
		t.Errorf("decodeEvent(%q): cookies %q, encoding/json's %q", payload, got.Cookies, want.Cookies)
	}
	got.Headers, got.Cookies, want.Cookies = nil, nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decodeEvent(%q) =\n%+v\nencoding/json:\n%+v", payload, got, want)
	}
}

// eventCases are payloads real and odd: the golden events, then escapes,
// unicode, nulls, missing and repeated members, names in other cases,
// skipped values of every kind, and malformed JSON.
func eventCases(t testing.TB) [][]byte {
	files, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden events: %v", err)
	}
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	for _, s := range []string{
		// Escapes and unicode.
		`{"rawPath":"/a\"b\\c\/d\b\f\n\r\t","body":"{\"k\":\"v\"}","headers":{"x-a":"\u00e9\u2028\ud83d\ude00"}}`,
		`{"rawPath":"/\ud800","body":"\udc00x\ud800\u0041","headers":{"x":"\ud83d"}}`,
		`{"rawPath":"/é✓😀","requestContext":{"http":{"method":"GET","path":"/é"}}}`,
		"{\"rawPath\":\"/bad\xff\xfe byte\",\"headers\":{\"x-b\xffad\":\"v\x80\"},\"cookies\":[\"a=\xc3\"]}",
		`{"raw\u0050ath":"/escaped-name","h\u0065aders":{"\u0078-a":"1"}}`,
		// Nulls and missing members.
		`null`, ` null `, `{}`, `{"rawPath":null,"headers":null,"cookies":null,"body":null,"isBase64Encoded":null,"requestContext":null}`,
		`{"rawPath":"/x","rawPath":null}`,
		`{"headers":{"a":"1"},"headers":null}`,
		`{"headers":{"a":"1"},"headers":{"b":"2","a":"3"}}`,
		`{"headers":{"a":null,"b":"2"},"cookies":[null,"c=1",null]}`,
		`{"cookies":["a=1","b=2"],"cookies":["c=3"]}`,
		`{"cookies":[]}`,
		`{"requestContext":{"http":null,"domainName":"d"},"requestContext":{"requestId":"r"}}`,
		`{"requestContext":{"http":{"method":"POST"}},"requestContext":{"http":{"path":"/p","sourceIp":"192.0.2.1"}}}`,
		`{"headers":{"host":"h.example"},"requestContext":{}}`,
		`{"headers":{"Host":"H.example","host":"h2"}}`,
		// Member names in other cases (encoding/json matches them, Unicode folding included).
		`{"RAWPATH":"/upper","Headers":{"A":"1"},"REQUESTCONTEXT":{"HTTP":{"METHOD":"put","SOURCEIP":"x"}}}`,
		`{"iſBase64Encoded":true,"body":"YQ=="}`,
		`{"ısBase64Encoded":true,"body":"YQ=="}`,
		`{"rawPath\u212a":"/k"}`,
		`{"rawpath":"/a","rawPath":"/b"}`,
		// Base64 bodies.
		`{"body":"aGVsbG8=","isBase64Encoded":true}`,
		`{"body":"aGVs\nbG8=","isBase64Encoded":true}`,
		`{"body":"+\/8=","isBase64Encoded":true}`,
		`{"body":"%%%","isBase64Encoded":true}`,
		`{"body":"aGVsbG8","isBase64Encoded":true}`,
		`{"isBase64Encoded":true}`,
		`{"isBase64Encoded":true,"isBase64Encoded":false,"body":"%"}`,
		// Unknown members of every kind, skipped.
		`{"version":"2.0","routeKey":"POST /x","pathParameters":{"id":"1"},"stageVariables":null,` +
			`"requestContext":{"timeEpoch":1700000000000,"authorizer":{"jwt":{"claims":{"a":[1,2.5,-3e10,true,false,null,{}]}}},` +
			`"http":{"protocol":"HTTP/1.1","userAgent":"ua"}},"n":[-0,0.1,1E+2,1e-2,[[[]]]]}`,
		// Wrong types.
		`[]`, `5`, `"x"`, `true`,
		`{"rawPath":5}`, `{"rawPath":true}`, `{"rawPath":{}}`, `{"headers":[]}`, `{"headers":"x"}`,
		`{"headers":{"a":1}}`, `{"cookies":"a=1"}`, `{"cookies":[1]}`, `{"cookies":{}}`,
		`{"isBase64Encoded":"true"}`, `{"isBase64Encoded":1}`, `{"requestContext":[]}`,
		`{"requestContext":{"http":"GET"}}`, `{"requestContext":{"http":{"method":1}}}`,
		// Malformed JSON.
		``, ` `, `{`, `{"rawPath":`, `{"rawPath":"/x"`, `{"rawPath":"/x",}`, `{"rawPath" "/x"}`, `{rawPath:"/x"}`,
		`{"rawPath":"/x"} x`, `{"rawPath":"/x"}{}`, `{"a":[1,]}`, `{"a":01}`, `{"a":1.}`, `{"a":1e}`, `{"a":-}`,
		`{"a":+1}`, `{"a":.5}`, `{"a":tru}`, `{"a":nul}`, `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12g4"}`,
		"{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}", `{"a":"unterminated`, `{"a":[}`, `{"a":{]}`,
		`{"rawPath":nulll}`, `{"isBase64Encoded":truex}`, `{"a":1,"a"}`, "\ufeff{}",
	} {
		out = append(out, []byte(s))
	}
	// Nesting at encoding/json's depth limit and beyond it.
	out = append(out, []byte(`{"a":`+strings.Repeat("[", maxNestingDepth-1)+strings.Repeat("]", maxNestingDepth-1)+`}`))
	out = append(out, []byte(`{"a":`+strings.Repeat("[", maxNestingDepth)+strings.Repeat("]", maxNestingDepth)+`}`))
	return out
}

// decodeEvent reads events as encoding/json reads them into the struct of
// their fields, and refuses what it refuses.
func TestDecodeEventAsEncodingJSON(t *testing.T) {
	for _, payload := range eventCases(t) {
		compareDecoders(t, payload)
	}
}

// A released decoder keeps nothing of its event.
func TestDecodeEventReuse(t *testing.T) {
	first := []byte(`{"rawPath":"/first","headers":{"a":"1","b":"2"},"cookies":["c=1"],"body":"Zmlyc3Q=","isBase64Encoded":true}`)
	second := []byte(`{"rawPath":"/second"}`)
	for range 3 {
		compareDecoders(t, first)
		compareDecoders(t, second)
	}
}

// FuzzDecodeEvent holds decodeEvent to encoding/json on any payload (the
// seed corpus runs with the tests; go test -fuzz FuzzDecodeEvent explores).
func FuzzDecodeEvent(f *testing.F) {
	for _, payload := range eventCases(f) {
		if len(payload) < 4096 {
			f.Add(payload)
		}
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		compareDecoders(t, payload)
	})
}
