// Package walkthrough reads the shell walk-throughs of the project's
// Markdown documents as a reader follows them: their steps, the answers
// they promise, and the values a reader is told to copy from an answer.
// Its test runs them, verbatim, against `sentinel dev`.
package walkthrough

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Step is a run of shell lines, with what the document promises its last
// answer is (none when Expect is empty), or, when Copy is set, a line that
// sets a shell variable to a field of the last answer.
type Step struct {
	Line   int    // in the document, of the step's first line
	Shell  string // the lines, as the document shows them
	Expect string // the promise: "# → 201 {…}" and its "#   …" lines, without the "#"
	Copy   *Copy
}

// Copy is a line like `KEY=sk_test_...   # its "api_key"`: a reader pastes
// the field of the answer above into the variable.
type Copy struct{ Var, Field string }

var (
	fence       = regexp.MustCompile("^```(\\w*)\\s*$")
	copyLine    = regexp.MustCompile(`^([A-Z_][A-Z0-9_]*)=\S*\.\.\.\s+#.*?"([a-z_]+)"`)
	promiseLine = regexp.MustCompile(`^#\s*→\s*(.*)$`)
	moreLine    = regexp.MustCompile(`^#\s{2,}(\S.*)$`)
)

// Blocks answers the ```sh blocks of the sections of doc whose heading
// starts with one of the prefixes, in order, as steps.
func Blocks(doc string, headings ...string) [][]Step {
	var blocks [][]Step
	in, take := false, false
	var lines []string
	var start int
	s := bufio.NewScanner(strings.NewReader(doc))
	for n := 1; s.Scan(); n++ {
		line := s.Text()
		if m := fence.FindStringSubmatch(line); m != nil {
			if in {
				if take {
					blocks = append(blocks, steps(lines, start))
				}
				in, lines = false, nil
				continue
			}
			in, start = m[1] == "sh", n+1
			continue
		}
		if in {
			lines = append(lines, line)
			continue
		}
		if strings.HasPrefix(line, "#") {
			title := strings.TrimLeft(line, "# ")
			take = slices.ContainsFunc(headings, func(h string) bool { return strings.HasPrefix(title, h) })
		}
	}
	return blocks
}

// steps splits a block: a step ends at its promise, and a copy line is a
// step of its own (so that it reads the answer of the lines before it).
func steps(lines []string, first int) []Step {
	var out []Step
	cur := Step{Line: first}
	flush := func(next int) {
		if strings.TrimSpace(cur.Shell) != "" || cur.Expect != "" {
			out = append(out, cur)
		}
		cur = Step{Line: next}
	}
	for i := 0; i < len(lines); i++ {
		line, n := lines[i], first+i
		if m := copyLine.FindStringSubmatch(line); m != nil {
			flush(n)
			out = append(out, Step{Line: n, Shell: line, Copy: &Copy{Var: m[1], Field: m[2]}})
			cur.Line = n + 1
			continue
		}
		if m := promiseLine.FindStringSubmatch(line); m != nil {
			cur.Expect = m[1]
			for i+1 < len(lines) && moreLine.MatchString(lines[i+1]) {
				i++
				cur.Expect += "\n" + moreLine.FindStringSubmatch(lines[i])[1]
			}
			flush(first + i + 1)
			continue
		}
		if cur.Shell == "" {
			cur.Line = n
		}
		cur.Shell += line + "\n"
	}
	flush(0)
	return out
}

// Answer is the last HTTP answer in a step's output (curl -i): its status,
// headers and body.
type Answer struct {
	Status int
	Header http.Header
	Body   string
}

var statusLine = regexp.MustCompile(`(?m)^HTTP/[0-9.]+ (\d{3})[^\n]*\n`)

// LastAnswer finds the last answer curl -i printed in out (nil if none).
func LastAnswer(out string) *Answer {
	locs := statusLine.FindAllStringSubmatchIndex(out, -1)
	// The last one that is not an interim (1xx) answer.
	for i := len(locs) - 1; i >= 0; i-- {
		status, _ := strconv.Atoi(out[locs[i][2]:locs[i][3]])
		if status < 200 {
			continue
		}
		a := &Answer{Status: status, Header: http.Header{}}
		rest := strings.ReplaceAll(out[locs[i][1]:], "\r\n", "\n")
		head, body, _ := strings.Cut(rest, "\n\n")
		for _, h := range strings.Split(head, "\n") {
			if k, v, ok := strings.Cut(h, ":"); ok {
				a.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			}
		}
		a.Body = strings.TrimSpace(body)
		return a
	}
	return nil
}

var (
	leadingStatus = regexp.MustCompile(`^(\d{3})\b`)
	headerPromise = regexp.MustCompile(`^([A-Za-z][A-Za-z-]+): (.+)$`)
	// pair is a "key":value the promise states in full: a string, a
	// number, true, false, null or []. A string with "…" in it is a prefix
	// (up to the "…").
	pair = regexp.MustCompile(`"([a-z_]+)":("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null|\[\])`)
)

// Check compares an answer with a promise: the status it starts with,
// each "Header: value" line, and each "key":value it states in full (found
// at any depth of the answer's JSON). It answers what differs.
func Check(promise string, a *Answer) []string {
	if a == nil {
		return []string{"no HTTP answer (curl -i) in the output"}
	}
	var diffs []string
	lines := strings.Split(promise, "\n")
	if m := leadingStatus.FindStringSubmatch(strings.TrimSpace(lines[0])); m != nil {
		if want, _ := strconv.Atoi(m[1]); want != a.Status {
			diffs = append(diffs, fmt.Sprintf("status %d, promised %d", a.Status, want))
		}
	}
	var body any
	json.Unmarshal([]byte(a.Body), &body)
	leaves := map[string][]any{}
	collect(body, leaves)
	for _, line := range lines {
		if m := headerPromise.FindStringSubmatch(strings.TrimSpace(line)); m != nil && !strings.Contains(m[1], "\"") {
			if got := a.Header.Get(m[1]); got != strings.TrimSpace(m[2]) {
				diffs = append(diffs, fmt.Sprintf("header %s is %q, promised %q", m[1], got, m[2]))
			}
			continue
		}
		for _, m := range pair.FindAllStringSubmatch(line, -1) {
			if !slices.ContainsFunc(leaves[m[1]], func(v any) bool { return matches(m[2], v) }) {
				diffs = append(diffs, fmt.Sprintf("no \"%s\":%s in the answer", m[1], m[2]))
			}
		}
	}
	return diffs
}

// collect lists every value of every key in v, at any depth.
func collect(v any, into map[string][]any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			into[k] = append(into[k], x)
			collect(x, into)
		}
	case []any:
		for _, x := range v {
			collect(x, into)
		}
	}
}

// matches compares a promised JSON value with an answered one.
func matches(promised string, v any) bool {
	if promised == "[]" {
		list, ok := v.([]any)
		return ok && len(list) == 0
	}
	if prefix, _, elided := strings.Cut(promised, "…"); elided && strings.HasPrefix(promised, `"`) {
		s, ok := v.(string)
		return ok && strings.HasPrefix(s, prefix[1:])
	}
	var want any
	if json.Unmarshal([]byte(promised), &want) != nil {
		return false
	}
	got, _ := json.Marshal(v)
	w, _ := json.Marshal(want)
	return string(got) == string(w)
}

// Field answers the first value of a key in an answer's JSON body (depth
// first, in document order for arrays), as a reader finds it.
func Field(a *Answer, key string) (string, bool) {
	if a == nil {
		return "", false
	}
	var body any
	if json.Unmarshal([]byte(a.Body), &body) != nil {
		return "", false
	}
	return find(body, key)
}

func find(v any, key string) (string, bool) {
	switch v := v.(type) {
	case map[string]any:
		if s, ok := v[key].(string); ok {
			return s, true
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if s, ok := find(v[k], key); ok {
				return s, true
			}
		}
	case []any:
		for _, x := range v {
			if s, ok := find(x, key); ok {
				return s, true
			}
		}
	}
	return "", false
}
