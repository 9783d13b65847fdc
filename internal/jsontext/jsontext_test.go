package jsontext

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// Every string, given as a string or as bytes, is written as encoding/json
// writes it.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	cases := []string{"", "plain", `"quoted" \ back\slash`, "<html> & </html>", "\u2028\u2029", "ünïcødé ✓ 🙂",
		"\xff\xfe", "a\xc3", "\xed\xa0\x80", "\x7f", "\b\f\n\r\t\x00\x01\x1f", "🙂"[:3], "x🙂"[:4] + "y"}
	for c := range 256 {
		cases = append(cases, string(rune(c)), string([]byte{byte(c)}), "x"+string([]byte{byte(c)})+"y")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		b := make([]byte, rng.IntN(16))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want, _ := json.Marshal(s)
		if got := AppendString([]byte("prefix"), s); string(got) != "prefix"+string(want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got[6:], want)
		}
		if got := AppendString([]byte("prefix"), []byte(s)); string(got) != "prefix"+string(want) {
			t.Fatalf("AppendString([]byte(%q)) = %s, want %s", s, got[6:], want)
		}
	}
}
