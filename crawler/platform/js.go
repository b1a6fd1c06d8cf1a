package platform

import (
	"regexp"
	"strconv"
	"strings"
)

// The little JavaScript the adapters read: literal values, variables
// assigned literals, call arguments, and string concatenation. Nothing is
// executed.

// jsAssignRe matches `var name = literal` (also let/const, or a bare
// assignment, and object members `name: literal`).
var jsAssignRe = regexp.MustCompile(`(?:\bvar\s+|\blet\s+|\bconst\s+|[;{,\s]|^)([A-Za-z_$][\w$]*)\s*[=:]\s*(-?\d+(?:\.\d+)?|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')`)

// jsVars returns the literal values assigned to names in scripts, in page
// order; a later assignment replaces an earlier one.
func jsVars(scripts []string) map[string]string {
	vars := map[string]string{}
	for _, s := range scripts {
		for _, m := range jsAssignRe.FindAllStringSubmatch(s, -1) {
			vars[m[1]] = jsValue(m[2])
		}
	}
	return vars
}

// jsValue is the value of a literal: a number as written, a string
// unquoted and unescaped.
func jsValue(lit string) string {
	lit = strings.TrimSpace(lit)
	if len(lit) >= 2 && (lit[0] == '"' || lit[0] == '\'') && lit[len(lit)-1] == lit[0] {
		return jsUnescape(lit[1 : len(lit)-1])
	}
	return lit
}

// jsUnescape undoes the escapes of a JavaScript string literal's body.
func jsUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if i+4 < len(s) {
				if r, err := strconv.ParseUint(s[i+1:i+5], 16, 32); err == nil {
					b.WriteRune(rune(r))
					i += 4
					continue
				}
			}
			b.WriteByte('u')
		default:
			b.WriteByte(s[i]) // \" \' \\ \/
		}
	}
	return b.String()
}

// jsArg is the value of one argument: a literal, or a variable assigned a
// literal; known is false for anything else.
func jsArg(a string, vars map[string]string) (v string, known bool) {
	a = strings.TrimSpace(a)
	if a == "" {
		return "", false
	}
	if a[0] == '"' || a[0] == '\'' || a[0] == '-' || '0' <= a[0] && a[0] <= '9' {
		return jsValue(a), true
	}
	v, known = vars[a]
	return v, known
}

// jsArgs splits an argument list at top-level commas, keeping string
// literals (with their commas and parentheses) whole.
func jsArgs(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	out := splitTop(s, ',')
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return out
}

// splitTop splits s at the sep bytes outside string literals and brackets.
func splitTop(s string, sep byte) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\'':
			i = skipString(s, i)
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == sep && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// skipString returns the index of the quote closing the literal opened at
// s[i] (or the last index when it never closes).
func skipString(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j
		case '\n':
			return j // an unterminated literal ends at the line
		}
	}
	return len(s) - 1
}

// jsCalls finds the calls of a function name in scripts and returns each
// call's raw argument list (parentheses balanced, strings respected).
func jsCalls(script, name string) []string {
	var out []string
	for i := 0; ; {
		j := strings.Index(script[i:], name)
		if j < 0 {
			return out
		}
		k := i + j + len(name)
		i = k
		if j > 0 && isIdent(script[i-len(name)-1]) {
			continue // part of a longer name
		}
		if strings.HasSuffix(strings.TrimRight(script[:i-len(name)], " \t"), "function") {
			continue // the declaration, not a call
		}
		for k < len(script) && (script[k] == ' ' || script[k] == '\t') {
			k++
		}
		if k >= len(script) || script[k] != '(' {
			continue
		}
		depth := 0
		for e := k; e < len(script); e++ {
			switch script[e] {
			case '"', '\'':
				e = skipString(script, e)
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					out = append(out, script[k+1:e])
					i = e + 1
					e = len(script)
				}
			}
		}
	}
}

func isIdent(c byte) bool {
	return c == '_' || c == '$' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// jsConcat evaluates an expression of string literals joined by +; any
// other term (a variable, a call) becomes hole, so that markup built from
// it can be recognised as incomplete.
func jsConcat(expr string, vars map[string]string, hole string) string {
	var b strings.Builder
	for _, term := range splitTop(expr, '+') {
		term = strings.TrimSpace(term)
		switch {
		case term == "":
		case term[0] == '"' || term[0] == '\'':
			b.WriteString(jsValue(term))
		default:
			if v, ok := vars[term]; ok {
				b.WriteString(v)
			} else {
				b.WriteString(hole)
			}
		}
	}
	return b.String()
}
