package pattern

import (
	"regexp"
	"strings"
	"testing"
)

// shapes are the ones the packages declare, in the same words.
var shapes = []Shape{
	New(`^[a-z][a-z0-9_.-]*$`, "a-z", "a-z0-9_.-", "", 0, -1),
	New(`^[a-z][a-z0-9_.:-]*$`, "a-z", "a-z0-9_.:-", "", 0, -1),
	New(`^[a-z][a-z0-9-]*[a-z0-9]$`, "a-z", "a-z0-9-", "a-z0-9", 0, -1),
	New(`^[a-z0-9][a-z0-9-]*[a-z0-9]$`, "a-z0-9", "a-z0-9-", "a-z0-9", 0, -1),
	New(`^[a-z][a-z0-9-]{0,2}$`, "a-z", "a-z0-9-", "", 0, 2),
	New(`^[a-z][a-z0-9_-]{0,63}$`, "a-z", "a-z0-9_-", "", 0, 63),
}

// strs yields every string of up to n characters over alphabet.
func strs(alphabet string, n int, yield func(string)) {
	var walk func(prefix string)
	walk = func(prefix string) {
		yield(prefix)
		if len(prefix) == n {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			walk(prefix + alphabet[i:i+1])
		}
	}
	walk("")
}

func TestShapesAnswerAsTheirRegexp(t *testing.T) {
	// One character of each class boundary and outside them all.
	const alphabet = "az09_.-:Z/ é"
	for _, s := range shapes {
		re := regexp.MustCompile(s.String())
		checked := 0
		check := func(v string) {
			checked++
			if got, want := s.MatchString(v), re.MatchString(v); got != want {
				t.Errorf("%s on %q: %v, regexp says %v", s, v, got, want)
			}
		}
		strs(alphabet, 4, check)
		for _, n := range []int{2, 3, 4, 19, 20, 21, 63, 64, 65, 300} {
			check("a" + strings.Repeat("b", n-2) + "c")
			check("a" + strings.Repeat("-", n-2) + "c")
			check("a" + strings.Repeat("b", n-1))
		}
		if checked < 20000 {
			t.Fatalf("%s: only %d strings checked", s, checked)
		}
	}
}
