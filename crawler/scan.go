package crawler

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// scanPage feeds r the tokens of an HTML page exactly as x/net/html's
// tokenizer would (readTokens), several times faster: link reading is a
// tenth of the crawler's CPU, and most of a report page is table markup
// whose tags need no more than their names.
//
// It reads what well-formed pages are made of: text, tags, comments,
// doctypes, and the raw text of script, style and the like. At anything
// else (a tag or comment cut off by the end of the page, a script whose
// <!-- hides another <script>, <plaintext>, "<!-->") it hands the rest of
// the page, from the start of that token, to the tokenizer itself. Every
// token boundary it stops at is one where the tokenizer is between tokens
// in its data state, so the two read the rest alike. TestScanPageMatches
// holds them to the same output.
func scanPage(r *pageReader, text string) {
	s := scanner{text: text}
	for s.pos < len(text) {
		if !s.step(r) {
			readTokens(r, text[s.pos:])
			return
		}
	}
}

type scanner struct {
	text       string
	pos        int      // start of the next token
	keys, vals [][2]int // attribute spans of the last tag read (reused)
}

// step reads one token (a run of text, then what ends it) and reports
// false, leaving pos at a token boundary, when the tokenizer must go on.
func (s *scanner) step(r *pageReader) bool {
	t := s.text
	i := s.pos
	// Text runs to a '<' that opens a tag, an end tag, a comment or a
	// declaration; any other '<' is text.
	end := len(t)
	for j := i; j < len(t); {
		k := strings.IndexByte(t[j:], '<')
		if k < 0 || j+k+1 >= len(t) {
			break
		}
		j += k + 1
		if c := t[j]; isLetter(c) || c == '/' || c == '!' || c == '?' {
			end = j - 1
			break
		}
	}
	if end > i {
		if r.wantsText() {
			r.text(textBytes(t[i:end], false, false))
		}
		s.pos = end
		return true
	}
	// t[i] == '<' and a token follows.
	switch c := t[i+1]; {
	case isLetter(c):
		return s.startTag(r)
	case c == '/':
		if i+2 < len(t) && t[i+2] == '>' {
			s.pos = i + 3 // "</>": no token
			return true
		}
		if i+2 < len(t) && isLetter(t[i+2]) {
			tg, ok := s.readTag(i + 2)
			if !ok {
				return false
			}
			r.endTag(tg.atom)
			s.pos = tg.end
			return true
		}
		return s.untilCloseAngle(i + 2) // a bogus comment
	case c == '?':
		return s.untilCloseAngle(i + 1)
	default: // '!'
		if strings.HasPrefix(t[i:], "<!--") {
			return s.comment()
		}
		if i+3 >= len(t) { // fewer than two bytes after "<!"
			return false
		}
		return s.untilCloseAngle(i + 2) // a doctype or a bogus comment
	}
}

// untilCloseAngle ends the token at the first '>' from j.
func (s *scanner) untilCloseAngle(j int) bool {
	k := strings.IndexByte(s.text[j:], '>')
	if k < 0 {
		return false
	}
	s.pos = j + k + 1
	return true
}

// comment ends a "<!--" comment at the first "-->" or "--!>". The forms the
// tokenizer ends differently ("<!-->", "<!--->", a comment the page ends
// in) go to it.
func (s *scanner) comment() bool {
	body := s.text[s.pos+4:]
	if strings.HasPrefix(body, ">") || strings.HasPrefix(body, "->") {
		return false
	}
	k := strings.Index(body, "--")
	for k >= 0 {
		rest := body[k+2:]
		// Any more dashes run into the same end: "--->".
		n := len(rest) - len(strings.TrimLeft(rest, "-"))
		rest = rest[n:]
		if strings.HasPrefix(rest, ">") {
			s.pos += 4 + k + 2 + n + 1
			return true
		}
		if strings.HasPrefix(rest, "!>") {
			s.pos += 4 + k + 2 + n + 2
			return true
		}
		next := strings.Index(rest, "--")
		if next < 0 {
			return false
		}
		k += 2 + n + next
	}
	return false
}

// startTag reads a start tag, and the raw text that follows script, style
// and the other raw-text elements.
func (s *scanner) startTag(r *pageReader) bool {
	t := s.text
	tg, ok := s.readTag(s.pos + 1)
	if !ok {
		return false
	}
	a := tg.atom
	raw := rawText(a)
	if a == atom.Plaintext {
		return false
	}
	name := a.String()
	var rawEnd int
	if raw {
		// The raw text runs to the first "</name" followed by a space, '/'
		// or '>'. In a script, "<!--" … "<script" changes that: leave
		// such scripts to the tokenizer.
		rawEnd = rawTextEnd(t, tg.end, name)
		if rawEnd < 0 {
			return false
		}
		if name == "script" {
			body := t[tg.end:rawEnd]
			if strings.Contains(body, "<!--") && strings.Contains(lowerASCII(body), "<script") {
				return false
			}
		}
	}
	var attrs tagAttrs
	if tg.hasAttr && a != 0 && linkish[a] {
		attrs = tg.attrs(t)
	}
	r.startTag(a, tg.selfClosing, attrs)
	s.pos = tg.end
	if raw && rawEnd > tg.end {
		if r.wantsText() {
			// Raw text is not unescaped, except in textarea and title.
			r.text(textBytes(t[tg.end:rawEnd], true, a != atom.Textarea && a != atom.Title))
		}
		s.pos = rawEnd
	}
	return true
}

// rawText reports whether the tokenizer reads an element's content as text.
func rawText(a atom.Atom) bool {
	switch a {
	case atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext,
		atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp:
		return true
	}
	return false
}

// rawTextEnd returns where the raw text from i ends: at the first "</name"
// followed by a space, '/' or '>', or -1 if the page ends first.
func rawTextEnd(t string, i int, name string) int {
	for j := i; ; {
		k := strings.Index(t[j:], "</")
		if k < 0 {
			return -1
		}
		j += k
		e := j + 2 + len(name)
		if e < len(t) && sameName(t[j+2:e], name) {
			switch t[e] {
			case ' ', '\n', '\r', '\t', '\f', '/', '>':
				return j
			}
		}
		j += 2
	}
}

// tag is a start or end tag read by readTag.
type tag struct {
	atom        atom.Atom // of the tags that matter here (lookupTag), else 0
	end         int       // just past its '>'
	selfClosing bool      // known for the tags that matter only
	hasAttr     bool      // likewise
	keys, vals  [][2]int  // spans of the attributes kept (first of each name)
	raw         [2]int    // the whole tag, from '<'
}

// readTag reads a tag whose name starts at i (just past "<" or "</") as
// the tokenizer's readTag does; ok is false if the page ends inside it.
// Only for the tags that matter does it note the attributes.
func (s *scanner) readTag(i int) (tg tag, ok bool) {
	t := s.text
	tg.raw[0] = i - 1
	if t[i-1] == '/' {
		tg.raw[0] = i - 2
	}
	j := i
	for j < len(t) && !isSpace(t[j]) && t[j] != '/' && t[j] != '>' {
		j++
	}
	tg.atom = lookupTag(t[i:j])
	keep := tg.atom != 0
	s.keys, s.vals = s.keys[:0], s.vals[:0]
	j = skipSpace(t, j)
	lastVal := -1 // end of the last kept attribute's value
	for {
		if j >= len(t) {
			return tg, false
		}
		if t[j] == '>' {
			j++
			break
		}
		// An attribute key: a leading '=' is part of it.
		ks := j
		if t[j] == '=' {
			j++
		}
		for j < len(t) && !isSpace(t[j]) && t[j] != '/' && t[j] != '>' && t[j] != '=' {
			j++
		}
		ke := j
		vs, ve := j, j
		if k := skipSpace(t, j); k < len(t) && t[k] == '=' {
			k = skipSpace(t, k+1)
			switch {
			case k >= len(t):
				return tg, false
			case t[k] == '>':
				j = k
			case t[k] == '\'' || t[k] == '"':
				q := strings.IndexByte(t[k+1:], t[k])
				if q < 0 {
					return tg, false
				}
				vs, ve = k+1, k+1+q
				j = ve + 1
			default:
				vs = k
				for k < len(t) && !isSpace(t[k]) && t[k] != '>' {
					k++
				}
				if k >= len(t) {
					return tg, false
				}
				ve, j = k, k
			}
		} else if k < len(t) && t[k] == '/' {
			j = k + 1 // "after attribute name": the '/' is consumed
		} else {
			j = k
		}
		if keep && ke > ks && !s.seen(ks, ke) {
			s.keys = append(s.keys, [2]int{ks, ke})
			s.vals = append(s.vals, [2]int{vs, ve})
			lastVal = ve
		}
		j = skipSpace(t, j)
	}
	tg.end = j
	tg.raw[1] = j
	tg.keys, tg.vals = s.keys, s.vals
	tg.hasAttr = len(tg.keys) > 0
	// "<br/>" closes itself; "<a href=x/>" does not: its '/' is the value's.
	tg.selfClosing = t[j-2] == '/' && (len(tg.keys) == 0 || j-2 != lastVal-1)
	return tg, true
}

// seen reports whether an attribute of the same name was kept already
// (the tokenizer keeps the first).
func (s *scanner) seen(ks, ke int) bool {
	for _, k := range s.keys {
		if sameName(s.text[k[0]:k[1]], s.text[ks:ke]) {
			return true
		}
	}
	return false
}

// attrs returns the attributes parsePage uses. A tag with a character
// reference, a CR or a NUL goes through the tokenizer, which rewrites
// those in values (its attribute unescaping differs from text's in corner
// cases: "&copy=1" stays as it is).
func (tg *tag) attrs(t string) tagAttrs {
	if strings.ContainsAny(t[tg.raw[0]:tg.raw[1]], "&\r\x00") {
		z := html.NewTokenizer(strings.NewReader(t[tg.raw[0]:tg.raw[1]]))
		z.Next()
		return readAttrs(z)
	}
	var a tagAttrs
	for i, k := range tg.keys {
		if f := a.field(lowerASCII(t[k[0]:k[1]])); f != nil {
			*f = t[tg.vals[i][0]:tg.vals[i][1]]
		}
	}
	return a
}

// textBytes is a text token's text as the tokenizer's Text gives it:
// newlines normalised, NULs replaced in raw text, references unescaped
// unless raw.
func textBytes(s string, convertNUL, raw bool) []byte {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	if convertNUL && strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	if !raw && strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	return []byte(s)
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

func skipSpace(t string, j int) int {
	for j < len(t) && isSpace(t[j]) {
		j++
	}
	return j
}

// lowerASCII lower-cases ASCII letters only, as the tokenizer does to names.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// lookupTag returns the atom of the tags parsePage and the tokenizer's
// raw-text rule care about, and 0 for any other: a switch costs less than
// hashing every <td>.
func lookupTag(name string) atom.Atom {
	var buf [9]byte
	if len(name) > len(buf) {
		return 0 // longer than any of them
	}
	b := buf[:len(name)]
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	switch string(b) {
	case "a":
		return atom.A
	case "area":
		return atom.Area
	case "img":
		return atom.Img
	case "frame":
		return atom.Frame
	case "iframe":
		return atom.Iframe
	case "embed":
		return atom.Embed
	case "object":
		return atom.Object
	case "base":
		return atom.Base
	case "script":
		return atom.Script
	case "style":
		return atom.Style
	case "noembed":
		return atom.Noembed
	case "noframes":
		return atom.Noframes
	case "noscript":
		return atom.Noscript
	case "plaintext":
		return atom.Plaintext
	case "textarea":
		return atom.Textarea
	case "title":
		return atom.Title
	case "h1":
		return atom.H1
	case "xmp":
		return atom.Xmp
	}
	return 0
}

// sameName compares as the tokenizer does: ASCII letters without case.
func sameName(a, b string) bool { return len(a) == len(b) && lowerASCII(a) == lowerASCII(b) }
