package tables

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Lines of text where every table cell is a line of its own come in three
// layouts, all in the corpus:
//
//	paragraph (corpus 001): every cell is a paragraph followed by an empty
//	  line; a blank cell is a lone empty line.
//	rows (corpus 000, 002): cells are consecutive lines (blank = whitespace
//	  only), rows end with an empty line.
//	cells (corpus 003): one line per cell, no separators at all.
//
// The number of columns of each row is known from the template, so a row's
// block of value lines is read in each layout and the reading that gives
// exactly that many cells wins, the document's own layout first.
type textLayout int

const (
	layoutCells textLayout = iota
	layoutRows
	layoutParagraph
)

// tok is one line of text as the table reader sees it.
type tok struct {
	text  string
	empty bool // exactly empty: a separator or a blank cell
	value bool // a figure, a blank token or whitespace: a cell
	lab   label
}

func (t tok) isCell() bool { return t.value && !t.empty }

// maxTextLines bounds the lines FromText looks at.
const maxTextLines = 2_000_000

func fromText(lines []string) (Result, error) {
	if len(lines) > maxTextLines {
		return Result{}, fmt.Errorf("tables: %d lines of text (limit %d)", len(lines), maxTextLines)
	}
	lines = splitTabbed(lines)
	toks := make([]tok, len(lines))
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		t := trimCell(l)
		tk := tok{text: l}
		switch {
		case l == "":
			tk.empty, tk.value = true, true
		case t == "" || isBlankText(t):
			tk.value = true
		default:
			if _, _, ok := parseNumber(t); ok {
				tk.value = true
			} else if utf8.RuneCountInString(t) <= 400 {
				tk.lab = classifyCell(t)
			}
		}
		toks[i] = tk
	}
	tmpl := detectTextTemplate(toks)
	b := newBuilder(tmpl)
	if tmpl == "" {
		return b.finish("text"), nil
	}
	r := &textReader{b: b, toks: toks, layout: detectLayout(toks)}
	r.run()
	return b.finish("text"), nil
}

// splitTabbed turns a line of tab-separated cells ("规章\t0\t0\t0", as DOCX
// or spreadsheet text gives a row) into one line per cell; an empty cell
// becomes a whitespace line, which reads as a blank cell in every layout.
// Lines only indented by tabs (corpus 000) are left alone.
func splitTabbed(lines []string) []string {
	var out []string
	for i, l := range lines {
		t := strings.Trim(l, " \t\r\u3000\u00a0")
		if !strings.Contains(t, "\t") {
			if out != nil {
				out = append(out, l)
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(lines)+16), lines[:i]...)
		}
		for _, p := range strings.Split(t, "\t") {
			if trimCell(p) == "" {
				p = " "
			}
			out = append(out, p)
		}
	}
	if out == nil {
		return lines
	}
	return out
}

// detectTextTemplate looks for 2021-only labels, also when they are broken
// over lines, then for any standard row label.
func detectTextTemplate(toks []tok) string {
	t := detectTemplate(func(yield func(label) bool) {
		for _, tk := range toks {
			if !yield(tk.lab) {
				return
			}
		}
	})
	if t != Template2019 {
		return t
	}
	// Labels broken over lines: join a window of short lines.
	var joined strings.Builder
	for _, tk := range toks {
		if !tk.value && utf8.RuneCountInString(tk.text) < 24 {
			joined.WriteString(normalize(tk.text))
		} else if !tk.empty {
			joined.WriteString("|")
		}
	}
	for _, m := range []string{"本年制发件数", "现行有效件数", "本年收费金额", "申请人无正当理由逾期不补正"} {
		if strings.Contains(joined.String(), m) {
			return Template2021
		}
	}
	return t
}

// detectLayout decides the document's layout from the lines between the
// first and the last row label.
func detectLayout(toks []tok) textLayout {
	first, last := -1, -1
	for i, tk := range toks {
		if tk.lab.kind == kindRow {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return layoutCells
	}
	// In the paragraph layout every paragraph, label or figure, is followed
	// by an empty line; in the cells layout an empty line after a label is
	// a blank first cell, which is rare.
	cells, followed, empties, labels, labelsFollowed := 0, 0, 0, 0, 0
	for i := first; i <= last; i++ {
		tk := toks[i]
		next := i+1 < len(toks) && toks[i+1].empty
		switch {
		case tk.empty:
			empties++
		case tk.value:
			cells++
			if next {
				followed++
			}
		case tk.lab.kind == kindRow:
			labels++
			if next {
				labelsFollowed++
			}
		}
	}
	switch {
	case cells > 0 && followed*10 >= cells*6 && labelsFollowed*10 >= labels*8:
		return layoutParagraph
	case empties > 0:
		return layoutRows
	}
	return layoutCells
}

// textReader walks the lines once, tracking the label context.
type textReader struct {
	b      *builder
	toks   []tok
	layout textLayout

	// the row whose value lines are being collected
	pending      bool
	pendTable    string
	pendRow      string
	block        []tok
	reviewLeaves int  // review result headers seen (15 in the standard layout)
	reviewBlock  bool // the block being collected is the review figures
	amountUnit   unitScale
}

func (r *textReader) run() {
	for i := range r.toks {
		tk := r.toks[i]
		if tk.value {
			if r.pending || r.reviewBlock {
				r.block = append(r.block, tk)
			}
			continue
		}
		// Between two header lines of table 四, value-like lines are
		// covered cells of the header, not figures.
		if r.reviewBlock && isReviewHeader(tk.lab) {
			r.block = r.block[:0]
			r.label(tk)
			continue
		}
		// A short unknown line right after a row label, before any
		// figure, continues the label (a label broken over lines).
		if r.pending && tk.lab.kind == kindNone && !hasCell(r.block) && utf8.RuneCountInString(trimCell(tk.text)) <= 30 {
			r.block = r.block[:0]
			continue
		}
		r.flush()
		r.label(tk)
	}
	r.flush()
}

// isReviewHeader says whether a label is part of the header of table 四.
func isReviewHeader(l label) bool {
	return (l.kind == kindColumn || l.kind == kindHeaderOnly) && (l.table == ReviewLitigation || l.id == "total")
}

// hasFigure reports whether a block holds a figure (not only blanks).
func hasFigure(block []tok) bool {
	for _, t := range block {
		if t.isCell() && !isBlankText(trimCell(t.text)) {
			return true
		}
	}
	return false
}

func hasCell(block []tok) bool {
	for _, t := range block {
		if t.isCell() {
			return true
		}
	}
	return false
}

// label handles a non-value line.
func (r *textReader) label(tk tok) {
	l := tk.lab
	if l.kind == kindNone {
		return
	}
	if table, row, ok := r.b.resolveRow([]label{l}); ok {
		r.pending, r.pendTable, r.pendRow = true, table, row
		r.block = r.block[:0]
		return
	}
	r.b.noteLabel(l)
	switch {
	case l.kind == kindSection:
		r.reviewLeaves = 0
	case l.kind == kindColumn && l.table == Proactive && l.id == "amount":
		r.amountUnit = unitOf(tk.text)
	case l.kind == kindColumn && (l.table == ReviewLitigation || (l.id == "total" && r.reviewLeaves > 0)):
		if !strings.HasPrefix(l.id, "group:") {
			r.reviewLeaves++
		}
		// The figures follow the last header line; lines between two
		// header lines are covered cells of the header.
		r.reviewBlock = r.reviewLeaves >= 5
		r.block = r.block[:0]
	}
}

// flush finishes the block being collected.
func (r *textReader) flush() {
	switch {
	case r.pending && r.b.otherGroup(r.pendTable, r.pendRow, hasFigure(r.block)):
		r.b.noteLabel(label{kind: kindRow, table: Requests, id: "other"})
	case r.pending:
		want := r.b.columnsFor(r.pendTable, r.pendRow)
		slots, note := r.slots(r.block, len(want))
		if note != "" {
			r.b.warnf("%s/%s: %s", r.pendTable, r.pendRow, note)
		}
		cells := make([]Cell, len(want))
		for i, id := range want {
			cells[i] = makeCell(slots[i], isMoney(r.pendTable, r.pendRow, id), r.amountUnit)
		}
		r.b.putRow(r.pendTable, r.pendRow, want, cells)
	case r.reviewBlock && len(r.block) > 0:
		slots, note := r.slots(r.block, 15)
		if note != "" {
			r.b.warnf("%s: %s", ReviewLitigation, note)
		}
		for gi, g := range reviewGroups {
			cells := make([]Cell, len(reviewLeaves))
			for li := range reviewLeaves {
				cells[li] = makeCell(slots[gi*5+li], false, unitNone)
			}
			r.b.putRow(ReviewLitigation, g, reviewLeaves, cells)
		}
		r.reviewLeaves = 0
	}
	r.pending, r.reviewBlock = false, false
	r.block = r.block[:0]
}

// slots reads a block of value lines as n cells, trying the document's
// layout first. Missing cells are "" (blank).
func (r *textReader) slots(block []tok, n int) ([]string, string) {
	order := []textLayout{layoutCells, layoutRows, layoutParagraph}
	switch r.layout {
	case layoutParagraph:
		order = []textLayout{layoutParagraph, layoutCells, layoutRows}
	case layoutRows:
		order = []textLayout{layoutRows, layoutCells, layoutParagraph}
	}
	readings := make([][]string, len(order))
	for i, l := range order {
		readings[i] = readBlock(block, l)
		if len(readings[i]) == n {
			return readings[i], ""
		}
	}
	for _, s := range readings {
		if len(s) > n {
			note := ""
			for _, x := range s[n:] {
				if !isBlankText(trimCell(x)) {
					note = fmt.Sprintf("%d cells for %d columns; extra cells dropped", len(s), n)
				}
			}
			return s[:n], note
		}
	}
	s := readings[0]
	out := make([]string, n)
	copy(out, s)
	return out, fmt.Sprintf("%d cells for %d columns", len(s), n)
}

// readBlock reads the cells of a block in one layout.
func readBlock(block []tok, l textLayout) []string {
	var out []string
	switch l {
	case layoutCells:
		// Empty lines after the table's last row come out as extra
		// blank cells; slots drops them.
		for _, t := range block {
			out = append(out, t.text)
		}
	case layoutRows:
		i := 0
		for i < len(block) && block[i].empty {
			i++
		}
		for ; i < len(block) && !block[i].empty; i++ {
			out = append(out, block[i].text)
		}
	case layoutParagraph:
		i := 0
		if i < len(block) && block[i].empty {
			i++ // the separator after the label's own paragraph
		}
		for ; i < len(block); i++ {
			out = append(out, block[i].text)
			if !block[i].empty && i+1 < len(block) && block[i+1].empty {
				i++
			}
		}
	}
	return out
}
