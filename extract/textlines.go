package extract

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The DOM → lines renderer. A line is what a browser shows as one visual
// line: every block element and every table cell starts a new one, so the
// tables stage can read cells "one per line" exactly as in the corpus texts.
// Leaf blocks that hold no text (an empty <td>, <p>&nbsp;</p>) still yield a
// line: a blank cell is a position, not nothing.

// The tag sets below are switches rather than maps: they are asked about
// every element of every page, and a switch costs a few compares.

// isSkipped: elements that never contribute text.
func isSkipped(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template,
		atom.Head, atom.Iframe, atom.Object, atom.Svg,
		atom.Button, atom.Select, atom.Input, atom.Textarea,
		atom.Option, atom.Embed, atom.Canvas, atom.Map:
		return true
	}
	return false
}

// isBlock: elements that start and end a line.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Td, atom.Th, atom.Tr,
		atom.Table, atom.Tbody, atom.Thead, atom.Tfoot,
		atom.Caption, atom.Li, atom.Ul, atom.Ol, atom.Dl,
		atom.Dt, atom.Dd, atom.H1, atom.H2, atom.H3,
		atom.H4, atom.H5, atom.H6, atom.Section,
		atom.Article, atom.Header, atom.Footer, atom.Nav,
		atom.Aside, atom.Main, atom.Blockquote, atom.Pre,
		atom.Form, atom.Hr, atom.Center, atom.Address,
		atom.Figure, atom.Figcaption, atom.Body, atom.Html,
		atom.Fieldset, atom.Legend:
		return true
	}
	return false
}

// isLeafBlock: blocks that yield a line even when empty (a blank cell, an
// empty paragraph).
func isLeafBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Td, atom.Th, atom.Dd, atom.Dt, atom.Li:
		return true
	}
	return false
}

type lineWriter struct {
	lines   []string
	cur     []byte // the line being built, reused: one allocation per line, not per growth
	inCell  int    // depth of td/th: <br> inside a cell joins, it does not split the cell
	inPre   int
	emitted int // lines emitted so far, to tell whether a block produced any
	limit   int // stop after this many lines (bounded output on hostile pages)

	// leafStarts holds, for each open leaf block, the lines emitted when it
	// opened: one that emitted none still yields a blank line.
	leafStarts []int

	exclude    *html.Node // a subtree left out (the article, rendered on its own)
	excludedAt int        // index in lines where it would have been

	// textValid: every text node is valid UTF-8, because the page the tree
	// was parsed from is (x/net/html keeps it so: TestParsedTextStaysValid),
	// and text need not be checked node by node.
	textValid bool
}

func (w *lineWriter) flush(force bool) {
	if !force && blankBytes(w.cur) {
		w.cur = w.cur[:0]
		return
	}
	s := string(w.cur)
	w.cur = w.cur[:0]
	if len(w.lines) >= w.limit {
		return
	}
	w.lines = append(w.lines, s)
	w.emitted++
}

// renderLines renders n as lines of raw text (whitespace runs collapsed to
// one space, but spaces, NBSP and U+3000 at the ends kept for the tables
// stage to judge).
func renderLines(n *html.Node) []string { return renderPage(n, false, 0) }

// renderPage is renderLines for a tree parsed from valid UTF-8 when
// textValid is set, with room for about lines lines from the start.
func renderPage(n *html.Node, textValid bool, lines int) []string {
	w := &lineWriter{limit: 1 << 20, lines: make([]string, 0, lines), textValid: textValid}
	w.walk(n)
	w.flush(false)
	return w.lines
}

// renderAround renders n without the subtree ex, and says at which line ex
// sits: the page around its article.
func renderAround(n, ex *html.Node, textValid bool) (lines []string, at int) {
	w := &lineWriter{limit: 1 << 20, exclude: ex, excludedAt: -1, lines: make([]string, 0, 64), textValid: textValid}
	w.walk(n)
	w.flush(false)
	if w.excludedAt < 0 {
		w.excludedAt = len(w.lines)
	}
	return w.lines, w.excludedAt
}

// walk renders the subtree of n (walkTree keeps no stack: a page of 5,000
// nested tables cannot make it recurse).
func (w *lineWriter) walk(n *html.Node) {
	walkTree(n, w.enter, w.leave)
}

// enter handles n on the way down and says whether its children are rendered.
func (w *lineWriter) enter(n *html.Node) bool {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return false
	case html.ElementNode:
		switch {
		case isSkipped(n.DataAtom), n.DataAtom == atom.Img:
			return false
		case n.DataAtom == atom.Br:
			if w.inCell > 0 {
				w.cur = append(w.cur, ' ')
			} else {
				w.flush(true)
			}
			return false
		}
	case html.DocumentNode:
	default:
		return false
	}
	if n == w.exclude {
		w.flush(false)
		w.excludedAt = len(w.lines)
		return false
	}
	if n.Type != html.ElementNode {
		return true
	}
	if isBlock(n.DataAtom) {
		w.flush(false)
	}
	switch n.DataAtom {
	case atom.Td, atom.Th:
		w.inCell++
	case atom.Pre:
		w.inPre++
	}
	if isLeafBlock(n.DataAtom) {
		w.leafStarts = append(w.leafStarts, w.emitted)
	}
	return true
}

// leave closes an element entered by enter.
func (w *lineWriter) leave(n *html.Node) {
	if n.Type != html.ElementNode {
		return
	}
	switch n.DataAtom {
	case atom.Td, atom.Th:
		w.inCell--
	case atom.Pre:
		w.inPre--
	}
	if !isBlock(n.DataAtom) {
		return
	}
	force := false
	if isLeafBlock(n.DataAtom) {
		// A leaf block that produced nothing at all is still a (blank) line.
		last := len(w.leafStarts) - 1
		force = w.emitted == w.leafStarts[last]
		w.leafStarts = w.leafStarts[:last]
	}
	w.flush(force)
}

// text appends a text node with HTML whitespace collapsing: runs of ASCII
// whitespace become one space; NBSP and U+3000 are content and stay.
func (w *lineWriter) text(s string) {
	if w.inPre > 0 {
		for i, part := range strings.Split(s, "\n") {
			if i > 0 {
				w.flush(true)
			}
			w.cur = append(w.cur, part...)
		}
		return
	}
	space := len(w.cur) > 0 && w.cur[len(w.cur)-1] == ' '
	// Valid UTF-8 (every page the charset stage decoded) is copied a run
	// at a time; otherwise rune by rune, each bad byte becoming U+FFFD.
	valid := w.textValid || utf8.ValidString(s)
	for i := 0; i < len(s); {
		if isHTMLSpace(s[i]) {
			if !space {
				w.cur = append(w.cur, ' ')
				space = true
			}
			i++
			continue
		}
		j := i + 1
		for j < len(s) && !isHTMLSpace(s[j]) {
			j++
		}
		if valid {
			w.cur = append(w.cur, s[i:j]...)
		} else {
			for _, r := range s[i:j] {
				w.cur = utf8.AppendRune(w.cur, r)
			}
		}
		space = false
		i = j
	}
}

// isHTMLSpace is the ASCII whitespace HTML collapses. These bytes never
// occur inside a multi-byte UTF-8 sequence, so text splits safely at them.
func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// blankBytes: nothing but whitespace (Unicode's, NBSP and U+3000 included),
// as strings.TrimSpace would judge it, without building the string.
func blankBytes(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }

// isSpace is whitespace as the reports use it: ASCII, NBSP, U+3000 and the rest of Unicode's.
func isSpace(r rune) bool {
	if r > '\u3000' {
		// Unicode has no white space above U+3000: hanzi answer here
		// without a table search.
		return r == '\ufeff'
	}
	return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0'
}

// cleanLine trims a line and collapses every whitespace run inside it
// (NBSP and U+3000 included) to one ASCII space.
func cleanLine(s string) string {
	if isCleanLine(s) {
		return s // most lines: nothing to trim or collapse
	}
	return collapseSpaces(s)
}

// collapseSpaces is cleanLine's work: trim, then collapse each run of
// spaces to one ASCII space.
func collapseSpaces(s string) string {
	s = strings.TrimFunc(s, isSpace)
	if s == "" {
		return ""
	}
	clean := true
	prevSpace := false
	for _, r := range s {
		sp := isSpace(r)
		if sp && (r != ' ' || prevSpace) {
			clean = false
			break
		}
		prevSpace = sp
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prevSpace = false
	for _, r := range s {
		if isSpace(r) {
			if !prevSpace {
				b.WriteByte(' ')
			}
			prevSpace = true
			continue
		}
		prevSpace = false
		b.WriteRune(r)
	}
	return b.String()
}

// isCleanLine reports whether cleanLine would return s as it is: no space
// at either end, none but single ASCII spaces inside. It decodes only the
// runes whose lead byte can start a space (TestSpaceLeadBytes): hanzi are
// stepped over a byte at a time, one table lookup each.
func isCleanLine(s string) bool {
	prevSpace := true // a leading space is not clean
	for i := 0; i < len(s); {
		switch spaceClass[s[i]] {
		case byteSpace:
			if prevSpace {
				return false
			}
			prevSpace = true
			i++
		case byteOtherSpace:
			return false
		case byteMaybeSpace:
			r, size := utf8.DecodeRuneInString(s[i:])
			if isSpace(r) {
				return false
			}
			prevSpace = false
			i += size
		case byteHanLead:
			// A hanzi: its two continuation bytes are plain too, so step
			// over all three at once when they are there.
			prevSpace = false
			if i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
				i += 3
			} else {
				i++
			}
		default:
			prevSpace = false
			i++
		}
	}
	return !prevSpace || s == ""
}

// Byte classes for isCleanLine.
const (
	bytePlain      = iota
	byteSpace      // ' '
	byteOtherSpace // \t \n \v \f \r
	byteMaybeSpace // C2 E1 E2 E3 EF: the lead bytes of the non-ASCII spaces
	byteHanLead    // E4–E9: the lead bytes of U+4000–U+9FFF
)

var spaceClass = func() (t [256]uint8) {
	t[' '] = byteSpace
	for _, c := range "\t\n\v\f\r" {
		t[c] = byteOtherSpace
	}
	for _, c := range []byte{0xC2, 0xE1, 0xE2, 0xE3, 0xEF} {
		t[c] = byteMaybeSpace
	}
	for c := 0xE4; c <= 0xE9; c++ {
		t[c] = byteHanLead
	}
	return t
}()

// joinText is Record.Text: cleaned lines, one per line, runs of blank lines
// collapsed to one.
func joinText(lines []string) string { return join(lines, true) }

// joinClean is joinText for lines already cleaned.
func joinClean(lines []string) string { return join(lines, false) }

func join(lines []string, clean bool) string { return joinAfter("", lines, clean) }

// joinAfter is head followed by join(lines, clean), built in one buffer.
func joinAfter(head string, lines []string, clean bool) string {
	var b strings.Builder
	size := len(head)
	for _, l := range lines {
		size += len(l) + 1
	}
	b.Grow(size) // an upper bound: one allocation instead of a doubling series
	b.WriteString(head)
	base := b.Len()
	blank := true // no blank line at the start
	for _, l := range lines {
		if clean {
			l = cleanLine(l)
		}
		if l == "" {
			if !blank {
				b.WriteByte('\n')
			}
			blank = true
			continue
		}
		if b.Len() > base {
			b.WriteByte('\n')
		}
		b.WriteString(l)
		blank = false
	}
	s := b.String()
	end := len(s)
	for end > base && s[end-1] == '\n' {
		end--
	}
	return s[:end]
}
