package pdf

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Run is glyphs read as one word or figure: left to right on a line with
// no wide gap, or top to bottom for vertically set text (三、本年度办理结果
// printed one character under the other). Coordinates are in the document
// space of Lines: pages stacked top to bottom, y growing downwards.
type Run struct {
	Text           string
	X0, Y0, X1, Y1 float64
	Page           int
	Vertical       bool
	Em             float64 // the font size, estimated from the glyph boxes
	// Seq0 and Seq1 are the content-stream places of the first and last glyph.
	Seq0, Seq1 int
}

// follows reports whether r was drawn right after prev in the content
// stream (a space or two between them at most): parts of one text.
func (r Run) follows(prev Run) bool {
	d := r.Seq0 - prev.Seq1
	return d > 0 && d <= 3
}

// Line is the runs that share a baseline band, left to right.
type Line struct {
	Runs   []Run
	Y0, Y1 float64
	Page   int
	// running marks a running header or footer: the same text in the same
	// place in the top or bottom margin of another page.
	running bool
}

// Text is the line's runs joined: by a space where they are more than an
// em apart or both sides are Latin letters or digits, else directly (the
// gaps that justified CJK text leaves around punctuation are no spaces).
func (l Line) Text() string {
	var b strings.Builder
	for i, r := range l.Runs {
		if i > 0 {
			prev := l.Runs[i-1]
			last, _ := utf8.DecodeLastRuneInString(prev.Text)
			first, _ := utf8.DecodeRuneInString(r.Text)
			if r.X0-prev.X1 > max(prev.Em, r.Em, 4) || (!isWide(last) && !isWide(first)) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(r.Text)
	}
	return b.String()
}

func (l Line) x0() float64 { return l.Runs[0].X0 }
func (l Line) x1() float64 { return l.Runs[len(l.Runs)-1].X1 }

// em is the line's font size: the largest run em.
func (l Line) em() float64 {
	e := 0.0
	for _, r := range l.Runs {
		e = max(e, r.Em)
	}
	return e
}

// Lines lays the glyphs of doc out as lines, pages in order, page numbers
// printed in the margins left out; the glyphs inside ruled tables
// (ruled.go) are not in them.
func Lines(doc *Document) []Line {
	lines, _ := layout(doc)
	return lines
}

// layout finds the ruled tables of every page and lays out the glyphs
// outside them as lines. Lines and tables are in document space: pages
// stacked top to bottom.
func layout(doc *Document) ([]Line, []*docTable) {
	var out []Line
	var tabs []*docTable
	offset := 0.0
	for _, p := range doc.Pages {
		for _, t := range ruledTables(p) {
			p.Glyphs = t.place(p.Glyphs)
			tabs = append(tabs, &docTable{ruledTable: t, offset: offset})
		}
		for _, l := range pageLines(p) {
			for i := range l.Runs {
				l.Runs[i].Y0 += offset
				l.Runs[i].Y1 += offset
			}
			l.Y0 += offset
			l.Y1 += offset
			out = append(out, l)
		}
		offset += max(p.Height, 1)
	}
	markRunning(out, doc.Pages)
	return out, tabs
}

// markRunning marks the running headers and footers among lines (in
// document space, pages in order).
func markRunning(lines []Line, pages []Page) {
	type place struct {
		page int
		y    float64
	}
	top := make(map[int]float64, len(pages)) // page number → its y in document space
	height := make(map[int]float64, len(pages))
	offset := 0.0
	for _, p := range pages {
		top[p.Number], height[p.Number] = offset, p.Height
		offset += max(p.Height, 1)
	}
	margin := func(l Line) (float64, bool) {
		y, h := l.Y0-top[l.Page], height[l.Page]
		return y, h > 0 && (l.Y1-top[l.Page] < 0.15*h || y > 0.85*h)
	}
	seen := map[string][]place{}
	for _, l := range lines {
		if y, ok := margin(l); ok {
			seen[l.Text()] = append(seen[l.Text()], place{l.Page, y})
		}
	}
	for i, l := range lines {
		y, ok := margin(l)
		if !ok {
			continue
		}
		for _, o := range seen[l.Text()] {
			if o.page != l.Page && abs(o.y-y) < 6 {
				lines[i].running = true
				break
			}
		}
	}
}

// glyphEm is the size of one glyph: its height, or its width for a CJK
// glyph whose drawn box is flat (一, 二).
func glyphEm(g Glyph) float64 {
	h := g.Y1 - g.Y0
	if isWide(g.Rune) {
		h = max(h, g.X1-g.X0)
	}
	return max(h, 1)
}

func isWide(r rune) bool { return r >= 0x2E80 }

func pageLines(p Page) []Line {
	glyphs, vertical := splitVertical(p)
	// Lines: glyphs sorted by their vertical centre; a glyph joins the line
	// whose band holds its centre.
	slices.SortStableFunc(glyphs, func(a, b Glyph) int { return cmp.Compare(a.Y0+a.Y1, b.Y0+b.Y1) })
	var lines [][]Glyph
	var b0, b1 float64
	for _, g := range glyphs {
		c := (g.Y0 + g.Y1) / 2
		if len(lines) > 0 && c >= b0 && c <= b1 {
			lines[len(lines)-1] = append(lines[len(lines)-1], g)
			if g.Y1-g.Y0 >= 3 { // dots and dashes do not widen the band
				b0, b1 = min(b0, g.Y0), max(b1, g.Y1)
			}
			continue
		}
		lines = append(lines, []Glyph{g})
		b0, b1 = g.Y0, g.Y1
		if g.Y1-g.Y0 < 3 {
			em := glyphEm(g)
			b0, b1 = c-em/2, c+em/2
		}
	}
	lines = foldMarks(lines)
	var out []Line
	for _, lg := range lines {
		slices.SortStableFunc(lg, func(a, b Glyph) int { return cmp.Compare(a.X0, b.X0) })
		l := Line{Page: p.Number}
		for _, r := range joinRuns(lg) {
			r.Page = p.Number
			l.Runs = append(l.Runs, r)
		}
		out = append(out, l)
	}
	for _, r := range vertical {
		r.Page = p.Number
		out = append(out, Line{Runs: []Run{r}, Page: p.Number})
	}
	for i := range out {
		out[i].Y0, out[i].Y1 = out[i].Runs[0].Y0, out[i].Runs[0].Y1
		for _, r := range out[i].Runs {
			out[i].Y0, out[i].Y1 = min(out[i].Y0, r.Y0), max(out[i].Y1, r.Y1)
		}
	}
	slices.SortStableFunc(out, func(a, b Line) int { return cmp.Compare(a.Y0+a.Y1, b.Y0+b.Y1) })
	return dropFurniture(out, p)
}

// foldMarks puts a line made only of punctuation (the quotes “ ” drawn
// high in their em box form a band of their own) into the nearer of the
// lines around it.
func foldMarks(lines [][]Glyph) [][]Glyph {
	centre := func(gs []Glyph) float64 {
		c := 0.0
		for _, g := range gs {
			c += g.Y0 + g.Y1
		}
		return c / float64(2*len(gs))
	}
	out := make([][]Glyph, 0, len(lines))
	for i, lg := range lines {
		if !onlyMarks(lg) || len(lines) == 1 {
			out = append(out, lg)
			continue
		}
		c := centre(lg)
		up, down := 1e18, 1e18
		if len(out) > 0 {
			up = c - centre(out[len(out)-1])
		}
		if i+1 < len(lines) {
			down = centre(lines[i+1]) - c
		}
		if up <= down && len(out) > 0 {
			out[len(out)-1] = append(out[len(out)-1], lg...)
		} else if i+1 < len(lines) {
			lines[i+1] = append(lines[i+1], lg...)
		} else {
			out = append(out, lg)
		}
	}
	return out
}

func onlyMarks(gs []Glyph) bool {
	for _, g := range gs {
		if unicode.IsLetter(g.Rune) || unicode.IsDigit(g.Rune) {
			return false
		}
	}
	return true
}

// joinRuns cuts a line's glyphs (sorted by x) into runs at gaps wider than
// about half a character.
func joinRuns(gs []Glyph) []Run {
	var out []Run
	var text strings.Builder
	var cur Run
	flush := func() {
		if text.Len() > 0 {
			cur.Text = text.String()
			out = append(out, cur)
		}
		text.Reset()
	}
	for i, g := range gs {
		em := glyphEm(g)
		if i > 0 {
			prev := gs[i-1]
			gap := g.X0 - prev.X1
			e := max(em, glyphEm(prev), 4)
			apart := g.Seq-prev.Seq > 2 || g.Seq < prev.Seq
			if gap > 0.45*e || (apart && gap > 0.12*e) {
				flush()
			}
		}
		if text.Len() == 0 {
			cur = Run{X0: g.X0, Y0: g.Y0, X1: g.X1, Y1: g.Y1, Em: em, Seq0: g.Seq}
		}
		cur.Seq1 = g.Seq
		text.WriteRune(g.Rune)
		cur.X0, cur.X1 = min(cur.X0, g.X0), max(cur.X1, g.X1)
		cur.Y0, cur.Y1 = min(cur.Y0, g.Y0), max(cur.Y1, g.Y1)
		cur.Em = max(cur.Em, em)
	}
	flush()
	return out
}

// splitVertical takes out the runs of vertically set text: three or more
// CJK glyphs drawn one under the other, consecutive in the content stream.
func splitVertical(p Page) (rest []Glyph, runs []Run) {
	gs := p.Glyphs
	used := make([]bool, len(gs))
	stacked := func(a, b Glyph) bool {
		if !isWide(a.Rune) || !isWide(b.Rune) {
			return false
		}
		em := max(glyphEm(a), glyphEm(b))
		ca, cb := (a.X0+a.X1)/2, (b.X0+b.X1)/2
		return abs(ca-cb) < 0.35*em && b.Y0 > a.Y0+0.5*em && b.Y0-a.Y1 < 0.8*em
	}
	for i := 0; i < len(gs); {
		j := i
		for j+1 < len(gs) && stacked(gs[j], gs[j+1]) {
			j++
		}
		if j-i+1 >= 3 && han(gs[i:j+1]) >= 2 {
			r := Run{Vertical: true, X0: gs[i].X0, Y0: gs[i].Y0, X1: gs[i].X1, Y1: gs[j].Y1, Seq0: gs[i].Seq, Seq1: gs[j].Seq}
			var b strings.Builder
			for k := i; k <= j; k++ {
				b.WriteRune(gs[k].Rune)
				r.X0, r.X1 = min(r.X0, gs[k].X0), max(r.X1, gs[k].X1)
				r.Em = max(r.Em, glyphEm(gs[k]))
				used[k] = true
			}
			r.Text = b.String()
			runs = append(runs, r)
			i = j + 1
			continue
		}
		i++
	}
	for k, g := range gs {
		if !used[k] {
			rest = append(rest, g)
		}
	}
	return rest, runs
}

func han(gs []Glyph) int {
	n := 0
	for _, g := range gs {
		if unicode.Is(unicode.Han, g.Rune) {
			n++
		}
	}
	return n
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// dropFurniture leaves out page numbers printed in the top or bottom
// margin (-3-, 第3页, 3/5, — 3 —): inside a table that crosses pages they
// would sit between two rows.
func dropFurniture(lines []Line, p Page) []Line {
	out := lines[:0]
	for _, l := range lines {
		inMargin := p.Height > 0 && (l.Y1 < p.Height*0.1 || l.Y0 > p.Height*0.88)
		if inMargin && isPageNumber(l.Text()) && !figureRow(l) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// figureRow: a table row of figures, never a page number: three or more
// runs with digits (0 0 0 0 0 0 0 at the foot of a page reads as
// "0000000"), or two set columns apart (0 … 0 where the columns between
// are blank). A page number is one number and at most the page count
// close beside it (第 3 页 共 5 页).
func figureRow(l Line) bool {
	var digits []Run
	for _, r := range l.Runs {
		if strings.ContainsFunc(r.Text, func(c rune) bool { return c >= '0' && c <= '9' || c >= '０' && c <= '９' }) {
			digits = append(digits, r)
		}
	}
	switch n := len(digits); {
	case n >= 3:
		return true
	case n == 2:
		return digits[1].X0-digits[0].X1 > 6*max(l.em(), 4)
	}
	return false
}

func isPageNumber(s string) bool {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), strings.ContainsRune("-－—–第页共/／·.", r):
			return -1
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		}
		return r
	}, s)
	if s == "" || len(s) > 8 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
