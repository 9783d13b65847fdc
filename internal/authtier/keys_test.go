package authtier

import (
	"regexp"
	"strings"
	"testing"
)

func TestWellFormedAnswersAsTheKeyShape(t *testing.T) {
	re := regexp.MustCompile(keyText)
	secret := strings.Repeat("aZ0_-", 9)[:43]
	var cases []string
	for _, prefix := range []string{"sk_live_", "sk_test_", "sk_prod_", "sk_live", "SK_LIVE_", "", "xsk_live_"} {
		for _, rest := range []string{secret, secret[:42], secret + "a", secret[:42] + "=", secret[:42] + ".", secret[:42] + "é"[:1], ""} {
			cases = append(cases, prefix+rest, prefix+rest+"\n")
		}
	}
	matched := 0
	for _, c := range cases {
		got, want := WellFormed(c), re.MatchString(c)
		if got != want {
			t.Errorf("WellFormed(%q) = %v, the shape says %v", c, got, want)
		}
		if got {
			matched++
		}
	}
	if matched != 2 {
		t.Fatalf("%d well-formed keys among the cases, want 2 (live and test)", matched)
	}
}
