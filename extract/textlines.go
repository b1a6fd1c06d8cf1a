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

// skipped elements never contribute text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Head: true, atom.Iframe: true, atom.Object: true, atom.Svg: true,
	atom.Button: true, atom.Select: true, atom.Input: true, atom.Textarea: true,
	atom.Option: true, atom.Embed: true, atom.Canvas: true, atom.Map: true,
}

// blocks start and end a line.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Td: true, atom.Th: true, atom.Tr: true,
	atom.Table: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true,
	atom.Caption: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true,
	atom.Dt: true, atom.Dd: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Nav: true,
	atom.Aside: true, atom.Main: true, atom.Blockquote: true, atom.Pre: true,
	atom.Form: true, atom.Hr: true, atom.Center: true, atom.Address: true,
	atom.Figure: true, atom.Figcaption: true, atom.Body: true, atom.Html: true,
	atom.Fieldset: true, atom.Legend: true,
}

// leafBlocks yield a line even when empty (a blank cell, an empty paragraph).
var leafBlocks = map[atom.Atom]bool{
	atom.P: true, atom.Td: true, atom.Th: true, atom.Dd: true, atom.Dt: true, atom.Li: true,
}

type lineWriter struct {
	lines   []string
	cur     []byte // the line being built, reused: one allocation per line, not per growth
	inCell  int    // depth of td/th: <br> inside a cell joins, it does not split the cell
	inPre   int
	emitted int // lines emitted so far, to tell whether a block produced any
	limit   int // stop after this many lines (bounded output on hostile pages)

	exclude    *html.Node // a subtree left out (the article, rendered on its own)
	excludedAt int        // index in lines where it would have been
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
func renderLines(n *html.Node) []string {
	w := &lineWriter{limit: 1 << 20}
	w.walk(n)
	w.flush(false)
	return w.lines
}

// renderAround renders n without the subtree ex, and says at which line ex
// sits: the page around its article.
func renderAround(n, ex *html.Node) (lines []string, at int) {
	w := &lineWriter{limit: 1 << 20, exclude: ex, excludedAt: -1}
	w.walk(n)
	w.flush(false)
	if w.excludedAt < 0 {
		w.excludedAt = len(w.lines)
	}
	return w.lines, w.excludedAt
}

func (w *lineWriter) walk(n *html.Node) {
	// An explicit stack: a page of 5,000 nested tables must not recurse 15,000 deep.
	type frame struct {
		n       *html.Node
		exiting bool
		before  int
	}
	stack := []frame{{n: n}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := f.n
		if f.exiting {
			w.exit(n, f.before)
			continue
		}
		switch n.Type {
		case html.TextNode:
			w.text(n.Data)
			continue
		case html.ElementNode:
			if skipped[n.DataAtom] {
				continue
			}
			if n.DataAtom == atom.Br {
				if w.inCell > 0 {
					w.cur = append(w.cur, ' ')
				} else {
					w.flush(true)
				}
				continue
			}
			if n.DataAtom == atom.Img {
				continue
			}
		case html.DocumentNode:
		default:
			continue
		}
		if n == w.exclude {
			w.flush(false)
			w.excludedAt = len(w.lines)
			continue
		}
		before := w.enter(n)
		stack = append(stack, frame{n: n, exiting: true, before: before})
		// Push children in reverse so the first child is handled first.
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, frame{n: c})
		}
	}
}

func (w *lineWriter) enter(n *html.Node) int {
	if n.Type != html.ElementNode {
		return w.emitted
	}
	if blocks[n.DataAtom] {
		w.flush(false)
	}
	switch n.DataAtom {
	case atom.Td, atom.Th:
		w.inCell++
	case atom.Pre:
		w.inPre++
	}
	return w.emitted
}

func (w *lineWriter) exit(n *html.Node, before int) {
	if n.Type != html.ElementNode {
		return
	}
	switch n.DataAtom {
	case atom.Td, atom.Th:
		w.inCell--
	case atom.Pre:
		w.inPre--
	}
	if blocks[n.DataAtom] {
		// A leaf block that produced nothing at all is still a (blank) line.
		w.flush(leafBlocks[n.DataAtom] && w.emitted == before)
	}
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

	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f':
			if !space {
				w.cur = append(w.cur, ' ')
				space = true
			}
			continue
		}
		space = false
		w.cur = utf8.AppendRune(w.cur, r)
	}
}

// blankBytes: nothing but whitespace (Unicode's, NBSP and U+3000 included),
// as strings.TrimSpace would judge it, without building the string.
func blankBytes(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }

// isSpace is whitespace as the reports use it: ASCII, NBSP, U+3000 and the rest of Unicode's.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\ufeff'
}

// cleanLine trims a line and collapses every whitespace run inside it
// (NBSP and U+3000 included) to one ASCII space.
func cleanLine(s string) string {
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

// joinText is Record.Text: cleaned lines, one per line, runs of blank lines
// collapsed to one.
func joinText(lines []string) string { return join(lines, true) }

// joinClean is joinText for lines already cleaned.
func joinClean(lines []string) string { return join(lines, false) }

func join(lines []string, clean bool) string {
	var b strings.Builder
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
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
		blank = false
	}
	return strings.TrimRight(b.String(), "\n")
}
