package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	lpdf "github.com/ledongthuc/pdf"
)

// Ruling lines. Table borders are vector paths in the page's content
// stream, drawn differently by every producer: LibreOffice and WPS stroke
// line segments (m/l S), Chromium fills a thin rectangle per cell side,
// Word strokes rectangles, some converters shade cell backgrounds. PDFium
// exposes paths only through several wasm calls per path object (0.2 to
// 1.1 s a document), so the content streams are scanned here in Go: the
// object model of github.com/ledongthuc/pdf finds the pages, their
// content streams and Form XObjects, and a small tokenizer follows the
// path and graphics-state operators (q/Q/cm, w, colours, m/l/re/h, paint
// operators, Do) and keeps what could be a border: straight axis-aligned
// strokes, thin filled rectangles, and the edges of shaded boxes.

// Rule is one ruling line on a page, in the coordinates of Glyph (points,
// origin top-left, y down): the box of the stroke, so a horizontal rule is
// wide and thin.
type Rule struct {
	X0, Y0, X1, Y1 float64
}

// Horizontal reports a rule wider than it is tall.
func (r Rule) Horizontal() bool { return r.X1-r.X0 >= r.Y1-r.Y0 }

// Limits of the scan, against hostile files: operators per page (Form
// XObjects included), rules kept per page, decoded bytes per content
// stream and per document (a form drawn a thousand times is decoded a
// thousand times), nesting of Form XObjects and of the page tree.
const (
	maxPathOps    = 400_000
	maxPageRules  = 20_000
	maxStreamSize = 32 << 20
	maxDocContent = 96 << 20
	maxFormDepth  = 8
	maxTreeDepth  = 32
)

// AddRules scans the content streams of data for ruling lines and stores
// them in doc's pages (Page.Rules), in the pages' glyph coordinates. A
// document whose structure the scanner cannot follow keeps pages without
// rules: the table stage then rebuilds its tables from the text alone.
// The error says why, for tests and tools; readers may ignore it.
func AddRules(ctx context.Context, data []byte, doc *Document) (err error) {
	defer func() {
		if p := recover(); p != nil { // the object model panics on some damaged files
			err = fmt.Errorf("pdf rules: %v", p)
		}
	}()
	// The object model has no cache and follows what the file says (a
	// /Prev chain that loops is followed for ever): every byte it reads
	// is counted, and past the budget the scan stops.
	budget := &budgetReader{r: bytes.NewReader(data), left: readBudget(len(data))}
	r, err := lpdf.NewReader(budget, int64(len(data)))
	if err != nil {
		return fmt.Errorf("pdf rules: %w", err)
	}
	pages := pageDicts(r.Trailer().Key("Root").Key("Pages"), len(doc.Pages))
	if len(pages) < len(doc.Pages) {
		return fmt.Errorf("pdf rules: page tree has %d pages, the engine read %d", len(pages), len(doc.Pages))
	}
	content := &contentBudget{left: maxDocContent}
	for i := range doc.Pages {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("pdf rules: %w", err)
		}
		rules, err := pageRules(pages[i], &doc.Pages[i], content)
		if err != nil {
			return fmt.Errorf("pdf rules: page %d: %w", i+1, err)
		}
		doc.Pages[i].Rules = rules
	}
	return nil
}

// readBudget is how many bytes the object model may read from a file of
// n bytes: the objects a page needs are read again for every lookup.
func readBudget(n int) int64 { return 8*int64(n) + 8<<20 }

// budgetReader is a ReaderAt that panics (recovered by AddRules) once it
// has given out its budget of bytes.
type budgetReader struct {
	r    *bytes.Reader
	left int64
	read int64
}

var errReadBudget = errors.New("read budget spent (the file's structure loops or is too costly to follow)")

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	b.left -= int64(len(p))
	b.read += int64(len(p))
	if b.left < 0 {
		panic(errReadBudget)
	}
	return b.r.ReadAt(p, off)
}

// pageDicts walks the page tree depth first, up to n pages; a tree too
// deep (or cyclic) is cut, never followed for ever.
type pageDict struct{ v, resources lpdf.Value }

func pageDicts(root lpdf.Value, n int) []pageDict {
	var out []pageDict
	nodes := 0
	var walk func(v, res lpdf.Value, depth int)
	walk = func(v, res lpdf.Value, depth int) {
		nodes++
		if depth > maxTreeDepth || len(out) >= n || nodes > 8*n+64 {
			return
		}
		if r := v.Key("Resources"); !r.IsNull() {
			res = r
		}
		if v.Key("Type").Name() == "Page" || v.Key("Kids").IsNull() {
			out = append(out, pageDict{v, res})
			return
		}
		kids := v.Key("Kids")
		for i := 0; i < kids.Len() && len(out) < n; i++ {
			walk(kids.Index(i), res, depth+1)
		}
	}
	walk(root, lpdf.Value{}, 0)
	return out
}

// pageRules scans one page's content streams.
func pageRules(p pageDict, pg *Page, content *contentBudget) ([]Rule, error) {
	b, err := content.decode(p.v.Key("Contents"))
	if err != nil {
		return nil, err
	}
	s := newPathScanner(pg)
	s.content = content
	s.scan(b, p.resources, 0)
	if content.left <= 0 {
		return s.rules, errContentBudget
	}
	return s.rules, nil
}

// contentBudget is what is left of the decoded bytes a document may take.
type contentBudget struct{ left int64 }

var errContentBudget = errors.New("content streams past the decoded size cap")

// decode decodes a content stream, or an array of them joined, within
// maxStreamSize and the budget.
func (c *contentBudget) decode(v lpdf.Value) ([]byte, error) {
	var buf bytes.Buffer
	add := func(s lpdf.Value) error {
		if s.Kind() != lpdf.Stream {
			return nil
		}
		limit := min(int64(maxStreamSize-buf.Len()), c.left)
		if limit <= 0 {
			return errContentBudget
		}
		rc := s.Reader()
		defer rc.Close()
		n, err := io.Copy(&buf, io.LimitReader(rc, limit))
		c.left -= n
		buf.WriteByte('\n')
		if err != nil && err != io.ErrUnexpectedEOF {
			return err
		}
		return nil
	}
	if v.Kind() != lpdf.Array {
		err := add(v)
		return buf.Bytes(), err
	}
	for i := 0; i < v.Len() && buf.Len() < maxStreamSize; i++ {
		if err := add(v.Index(i)); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// matrix is a PDF transformation [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul is m then n: the matrix of cm applied in a space transformed by n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return m[0]*x + m[2]*y + m[4], m[1]*x + m[3]*y + m[5]
}

// scale is the factor lengths grow by (the square root of the determinant).
func (m matrix) scale() float64 { return math.Sqrt(math.Abs(m[0]*m[3] - m[1]*m[2])) }

type gstate struct {
	ctm                    matrix
	width                  float64
	fillWhite, strokeWhite bool
}

type point struct{ x, y float64 }

// subpath is one subpath in user space; curved says it has a curve
// segment (its points are then only the ends, and it is no border).
type subpath struct {
	pts            []point
	closed, curved bool
}

// pathScanner follows one page's content stream.
type pathScanner struct {
	width, height float64
	user          matrix // user space to page coordinates
	content       *contentBudget
	gs            gstate
	stack         []gstate
	path          []subpath
	nums          []float64
	name          string // the last name operand (for Do)
	ops           int
	rules         []Rule
}

// newPathScanner starts a scan of page p's content.
func newPathScanner(p *Page) *pathScanner {
	s := &pathScanner{width: p.Width, height: p.Height, user: p.userMatrix(), content: &contentBudget{left: maxDocContent}}
	s.gs.ctm = identity
	return s
}

// scan tokenizes a content stream and runs its operators.
func (s *pathScanner) scan(b []byte, res lpdf.Value, depth int) {
	for i := 0; i < len(b) && s.ops < maxPathOps; {
		c := b[i]
		switch {
		case isSpace(c):
			i++
		case c == '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		case c == '/':
			j := i + 1
			for j < len(b) && !isSpace(b[j]) && !isDelim(b[j]) {
				j++
			}
			s.name = string(b[i+1 : j])
			i = j
		case c == '(':
			i = skipString(b, i)
		case c == '<':
			if i+1 < len(b) && b[i+1] == '<' {
				i += 2
				continue
			}
			for i < len(b) && b[i] != '>' {
				i++
			}
			i++
		case c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == ')':
			i++
		case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(b) && (b[j] == '.' || (b[j] >= '0' && b[j] <= '9')) {
				j++
			}
			s.nums = append(s.nums, parseNum(b[i:j]))
			if len(s.nums) > 64 {
				s.nums = s.nums[len(s.nums)-8:]
			}
			i = j
		default:
			j := i + 1
			for j < len(b) && !isSpace(b[j]) && !isDelim(b[j]) {
				j++
			}
			op := string(b[i:j])
			i = j
			s.ops++
			if op == "BI" {
				i = skipInlineImage(b, i)
			} else {
				s.op(op, res, depth)
			}
			s.nums = s.nums[:0]
		}
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// parseNum reads a PDF number; a malformed one is 0.
func parseNum(b []byte) float64 {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	v, frac, div := 0.0, false, 1.0
	for _, c := range b {
		switch {
		case c == '.':
			if frac {
				return 0
			}
			frac = true
		case frac:
			div *= 10
			v += float64(c-'0') / div
		default:
			v = v*10 + float64(c-'0')
		}
	}
	if neg {
		v = -v
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0
	}
	return v
}

// skipString skips a literal string (nested parentheses, backslash escapes).
func skipString(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return i
}

// skipInlineImage skips BI … ID <data> EI: the data is binary, ended by
// EI between white space.
func skipInlineImage(b []byte, i int) int {
	id := bytes.Index(b[i:], []byte("ID"))
	if id < 0 {
		return len(b)
	}
	i += id + 2
	for i < len(b) {
		k := bytes.Index(b[i:], []byte("EI"))
		if k < 0 {
			return len(b)
		}
		i += k
		before := i == 0 || isSpace(b[i-1])
		after := i+2 >= len(b) || isSpace(b[i+2]) || isDelim(b[i+2])
		i += 2
		if before && after {
			return i
		}
	}
	return i
}

// op runs one operator with the operands in s.nums and s.name.
func (s *pathScanner) op(op string, res lpdf.Value, depth int) {
	n := s.nums
	switch op {
	case "q":
		if len(s.stack) < 256 {
			s.stack = append(s.stack, s.gs)
		}
	case "Q":
		if k := len(s.stack); k > 0 {
			s.gs = s.stack[k-1]
			s.stack = s.stack[:k-1]
		}
	case "cm":
		if len(n) >= 6 {
			s.gs.ctm = matrix(n[len(n)-6:]).mul(s.gs.ctm)
		}
	case "w":
		if len(n) >= 1 {
			s.gs.width = abs(n[len(n)-1])
		}
	case "g", "rg", "k", "sc", "scn":
		s.gs.fillWhite = isWhite(n, op == "k")
	case "G", "RG", "K", "SC", "SCN":
		s.gs.strokeWhite = isWhite(n, op == "K")
	case "cs":
		s.gs.fillWhite = false
	case "CS":
		s.gs.strokeWhite = false
	case "m":
		if len(n) >= 2 {
			s.path = append(s.path, subpath{pts: []point{{n[len(n)-2], n[len(n)-1]}}})
		}
	case "l":
		if len(n) >= 2 && len(s.path) > 0 {
			sp := &s.path[len(s.path)-1]
			if len(sp.pts) < 4096 {
				sp.pts = append(sp.pts, point{n[len(n)-2], n[len(n)-1]})
			}
		}
	case "c", "v", "y":
		if len(n) >= 4 && len(s.path) > 0 {
			sp := &s.path[len(s.path)-1]
			sp.curved = true
			sp.pts = append(sp.pts, point{n[len(n)-2], n[len(n)-1]})
		}
	case "h":
		if len(s.path) > 0 {
			s.path[len(s.path)-1].closed = true
		}
	case "re":
		if len(n) >= 4 && len(s.path) < 4096 {
			x, y, w, h := n[len(n)-4], n[len(n)-3], n[len(n)-2], n[len(n)-1]
			s.path = append(s.path, subpath{pts: []point{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}, closed: true})
		}
	case "S", "s":
		s.stroke()
		s.path = s.path[:0]
	case "f", "F", "f*":
		s.fill()
		s.path = s.path[:0]
	case "B", "B*", "b", "b*":
		s.fill()
		s.stroke()
		s.path = s.path[:0]
	case "n":
		s.path = s.path[:0]
	case "Do":
		s.form(s.name, res, depth)
	}
}

// isWhite: a colour operand list that is white (gray 1, RGB 1 1 1, CMYK 0 0 0 0).
func isWhite(n []float64, cmyk bool) bool {
	if len(n) == 0 {
		return false
	}
	if cmyk || len(n) == 4 {
		for _, v := range n {
			if v > 0.05 {
				return false
			}
		}
		return true
	}
	for _, v := range n {
		if v < 0.95 {
			return false
		}
	}
	return true
}

// form runs a Form XObject: its stream in the current state, transformed
// by its Matrix, with its own resources (or the page's).
func (s *pathScanner) form(name string, res lpdf.Value, depth int) {
	if depth >= maxFormDepth || name == "" {
		return
	}
	x := res.Key("XObject").Key(name)
	if x.Kind() != lpdf.Stream || x.Key("Subtype").Name() != "Form" {
		return
	}
	b, err := s.content.decode(x)
	if err != nil {
		return
	}
	saved, savedPath := s.gs, s.path
	s.path = nil
	if m := x.Key("Matrix"); m.Len() == 6 {
		var fm matrix
		for i := range fm {
			fm[i] = m.Index(i).Float64()
		}
		s.gs.ctm = fm.mul(s.gs.ctm)
	}
	r := x.Key("Resources")
	if r.IsNull() {
		r = res
	}
	stack := len(s.stack)
	s.scan(b, r, depth+1)
	s.gs, s.path, s.stack = saved, savedPath, s.stack[:min(stack, len(s.stack))]
}

// toPage maps a point of the current space to page coordinates (y down).
func (s *pathScanner) toPage(p point) point {
	x, y := s.user.apply(s.gs.ctm.apply(p.x, p.y))
	return point{x, y}
}

func (s *pathScanner) add(r Rule) {
	if len(s.rules) >= maxPageRules || bad(r.X0) || bad(r.X1) || bad(r.Y0) || bad(r.Y1) {
		return
	}
	s.rules = append(s.rules, r)
}

// stroke keeps the straight axis-aligned segments of the path, as boxes
// as thick as the line (at least half a point).
func (s *pathScanner) stroke() {
	if s.gs.strokeWhite {
		return
	}
	half := max(s.gs.width*s.gs.ctm.scale(), 0.5) / 2
	for _, sp := range s.path {
		if sp.curved {
			continue
		}
		pts := sp.pts
		if sp.closed && len(pts) > 2 {
			pts = append(pts[:len(pts):len(pts)], pts[0])
		}
		for k := 1; k < len(pts); k++ {
			a, b := s.toPage(pts[k-1]), s.toPage(pts[k])
			dx, dy := abs(a.x-b.x), abs(a.y-b.y)
			switch {
			case dy < 0.5 && dx >= 1:
				s.add(Rule{min(a.x, b.x), (a.y+b.y)/2 - half, max(a.x, b.x), (a.y+b.y)/2 + half})
			case dx < 0.5 && dy >= 1:
				s.add(Rule{(a.x+b.x)/2 - half, min(a.y, b.y), (a.x+b.x)/2 + half, max(a.y, b.y)})
			}
		}
	}
}

// fill keeps filled axis-aligned boxes: a thin one is a rule itself (a
// border drawn as a filled rectangle); a larger one that is not white is
// a shaded cell, whose four sides are borders.
func (s *pathScanner) fill() {
	for _, sp := range s.path {
		if sp.curved || len(sp.pts) < 3 || len(sp.pts) > 5 {
			continue
		}
		x0, y0, x1, y1 := 1e18, 1e18, -1e18, -1e18
		ok := true
		for k, p := range sp.pts {
			q := s.toPage(p)
			x0, y0, x1, y1 = min(x0, q.x), min(y0, q.y), max(x1, q.x), max(y1, q.y)
			prev := s.toPage(sp.pts[(k+len(sp.pts)-1)%len(sp.pts)])
			if abs(prev.x-q.x) > 0.5 && abs(prev.y-q.y) > 0.5 {
				ok = false // a slanted side: not a box
			}
		}
		if !ok {
			continue
		}
		w, h := x1-x0, y1-y0
		switch {
		case min(w, h) <= 3 && max(w, h) >= 4:
			s.add(Rule{x0, y0, x1, y1})
		case min(w, h) > 3 && !s.gs.fillWhite && w*h < 0.5*s.width*s.height:
			const t = 0.25
			s.add(Rule{x0, y0 - t, x1, y0 + t})
			s.add(Rule{x0, y1 - t, x1, y1 + t})
			s.add(Rule{x0 - t, y0, x0 + t, y1})
			s.add(Rule{x1 - t, y0, x1 + t, y1})
		}
	}
}
