package platform

import (
	"strings"
	"unicode/utf8"
)

// The two loops below find exactly what FindAllString of
// `\{[^{}]{0,1000}\}` and FindAllStringSubmatch of arrayLitRe (below) find,
// leftmost-first, without the regexp engine: scriptLinks runs them over
// every inline script of every page, and a page's scripts (jQuery, menus,
// statistics) are often larger than its text. TestScriptMatchersMatchRegexps
// compares them with the regexps.

// maxObjectRunes is objectRe's bound on the characters between the braces.
const maxObjectRunes = 1000

// objectLiterals returns the leftmost-first, non-overlapping matches of
// `\{[^{}]{0,1000}\}` in s. The class excludes both braces, so a match
// starting at a '{' can only end at the next brace, and only if that brace
// is a '}' with at most 1,000 characters (runes, an invalid byte counting
// as one, as the regexp reads it) between.
func objectLiterals(s string) []string {
	var out []string
	for i := strings.IndexByte(s, '{'); i >= 0; {
		j := strings.IndexAny(s[i+1:], "{}")
		if j < 0 {
			break
		}
		j += i + 1
		if s[j] == '{' {
			i = j
			continue
		}
		if j-i-1 <= maxObjectRunes || utf8.RuneCountInString(s[i+1:j]) <= maxObjectRunes {
			out = append(out, s[i:j+1])
		}
		k := strings.IndexByte(s[j+1:], '{')
		if k < 0 {
			break
		}
		i = j + 1 + k
	}
	return out
}

// arrayStrings returns, for each leftmost-first non-overlapping match of
// arrayLitRe (`[\[,]\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')`) in s,
// its quoted literal (the submatch): a '[' or ',', ASCII white space (RE2's
// \s), then a string literal on one line, whose backslash escapes any
// character but a newline.
func arrayStrings(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		k := strings.IndexAny(s[i:], "[,")
		if k < 0 {
			break
		}
		start := i + k
		if lit, end := quotedAt(s, start+1); end > 0 {
			out = append(out, lit)
			i = end
			continue
		}
		i = start + 1
	}
	return out
}

// quotedAt skips RE2 white space (\t \n \f \r and space) from i and
// returns the string literal that starts there and the index after it, or
// end 0 if none does.
func quotedAt(s string, i int) (lit string, end int) {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == '\r') {
		i++
	}
	if i >= len(s) || s[i] != '"' && s[i] != '\'' {
		return "", 0
	}
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case q:
			return s[i : j+1], j + 1
		case '\n':
			return "", 0
		case '\\':
			// `\\.`: any character but a newline. Its bytes after the
			// first are never ASCII, so they read as the body's.
			if j+1 >= len(s) || s[j+1] == '\n' {
				return "", 0
			}
			j++
		}
	}
	return "", 0
}
