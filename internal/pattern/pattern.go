// Package pattern checks the simple name shapes the API documents — a
// first character, then characters of one class, sometimes a different
// last character, sometimes a bounded length — without package regexp, which
// would add its engine to every function binary for a handful of names.
// Each Shape carries the regular expression it implements, for messages; its
// test holds the two to the same answers.
package pattern

// Shape is ^[first][rest]{min,max}[last]$ over ASCII, as its Text says.
type Shape struct {
	text              string
	first, rest, last set
	hasLast           bool
	minRest, maxRest  int // maxRest < 0: unbounded
}

// set is a byte class.
type set [256]bool

// class expands "a-z0-9_.-" (ranges as a-b; a '-' first or last is itself).
func class(spec string) set {
	var s set
	for i := 0; i < len(spec); i++ {
		if i+2 < len(spec) && spec[i+1] == '-' {
			for c := int(spec[i]); c <= int(spec[i+2]); c++ {
				s[c] = true
			}
			i += 2
			continue
		}
		s[spec[i]] = true
	}
	return s
}

// New describes ^[first][rest]{minRest,maxRest}[last]$ (no last class when
// last is ""; maxRest < 0 for *) with its regular expression as text.
func New(text, first, rest, last string, minRest, maxRest int) Shape {
	return Shape{text: text, first: class(first), rest: class(rest), last: class(last),
		hasLast: last != "", minRest: minRest, maxRest: maxRest}
}

// String is the regular expression the shape implements.
func (s Shape) String() string { return s.text }

// MatchString reports whether v has the shape.
func (s Shape) MatchString(v string) bool {
	n := len(v)
	if n == 0 || !s.first[v[0]] {
		return false
	}
	middle := v[1:]
	if s.hasLast {
		if n < 2 || !s.last[v[n-1]] {
			return false
		}
		middle = v[1 : n-1]
	}
	if len(middle) < s.minRest || (s.maxRest >= 0 && len(middle) > s.maxRest) {
		return false
	}
	for i := 0; i < len(middle); i++ {
		if !s.rest[middle[i]] {
			return false
		}
	}
	return true
}
