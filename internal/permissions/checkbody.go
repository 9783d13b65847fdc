package permissions

import (
	"unicode/utf8"
)

// decodeCheckInput reads the usual body of POST /permissions/check without
// encoding/json: {"checks":[{"service_name":"...",...},...]} with white
// space anywhere, the members of a check in any order, repeated or absent.
// Its strings are substrings of one copy of the body. Anything else —
// escapes, other members, names in other cases, other types, null,
// invalid UTF-8, malformed JSON — is not read (false), for encoding/json to
// read with its errors: what this reads, it reads as encoding/json does.
func decodeCheckInput(body []byte, in *CheckInput) bool {
	p := checkBodyParser{s: string(body)}
	if !p.next('{') || !p.key("checks") || !p.next('[') {
		return false
	}
	checks := make([]Check, 0, 1+len(p.s)/128)
	if !p.next(']') {
		for {
			var c Check
			if !p.next('{') || !p.check(&c) {
				return false
			}
			checks = append(checks, c)
			if p.next(']') {
				break
			}
			if !p.next(',') {
				return false
			}
		}
	}
	if !p.next('}') {
		return false
	}
	p.ws()
	if p.i != len(p.s) {
		return false
	}
	in.Checks = checks
	return true
}

type checkBodyParser struct {
	s string
	i int
}

func (p *checkBodyParser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// next consumes c after white space if it comes next.
func (p *checkBodyParser) next(c byte) bool {
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a string with nothing to unquote.
func (p *checkBodyParser) str() (string, bool) {
	if !p.next('"') {
		return "", false
	}
	start, ascii := p.i, true
	for ; p.i < len(p.s); p.i++ {
		switch c := p.s[p.i]; {
		case c == '"':
			v := p.s[start:p.i]
			p.i++
			return v, ascii || utf8.ValidString(v)
		case c == '\\' || c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

// key reads the member name want and its colon.
func (p *checkBodyParser) key(want string) bool {
	k, ok := p.str()
	return ok && k == want && p.next(':')
}

// check reads a check's members and its closing brace.
func (p *checkBodyParser) check(c *Check) bool {
	if p.next('}') {
		return true
	}
	for {
		k, ok := p.str()
		if !ok || !p.next(':') {
			return false
		}
		v, ok := p.str()
		if !ok {
			return false
		}
		switch k {
		case "service_name":
			c.ServiceName = v
		case "resource_type":
			c.ResourceType = v
		case "resource_id":
			c.ResourceID = v
		case "action":
			c.Action = v
		default:
			return false
		}
		if p.next('}') {
			return true
		}
		if !p.next(',') {
			return false
		}
	}
}
