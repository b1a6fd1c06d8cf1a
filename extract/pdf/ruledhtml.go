package pdf

import (
	"cmp"
	"fmt"
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// docTable is a ruled table placed in document space (pages stacked).
type docTable struct {
	*ruledTable
	offset float64 // the y of its page's top in document space
}

// after reports whether line l comes before the table in reading order.
func (t *docTable) after(l Line) bool {
	return (l.Y0+l.Y1)/2 < t.offset+t.y0()
}

// continues reports whether t is the rest of prev on the next page: the
// same right edge, and a left edge on one of the other's column lines
// (a group cell spanning the break, such as 三、本年度办理结果, may have its
// part on the next page drawn without borders).
func (t *docTable) continues(prev *docTable) bool {
	if t.page != prev.page+1 || abs(t.x1()-prev.x1()) > 2*snapTol {
		return false
	}
	return hasLine(prev.xs, t.x0()) || hasLine(t.xs, prev.x0())
}

func hasLine(xs []float64, x float64) bool {
	for _, v := range xs {
		if abs(v-x) <= 2*snapTol {
			return true
		}
	}
	return false
}

// outCell is a cell as written: its rows and columns in the joined table.
type outCell struct {
	row, col, rowspan, colspan int
	text                       string
}

// writeRuled writes one table from its parts (one per page) as an HTML
// table with rowspan and colspan, like a web page's.
func writeRuled(b *strings.Builder, parts []*docTable) {
	// The columns of the joined table: every part's column lines.
	var all []line
	for _, p := range parts {
		for _, x := range p.xs {
			all = append(all, line{pos: x})
		}
	}
	xs := positions(all)
	colOf := func(x float64) int {
		k, _ := slices.BinarySearchFunc(xs, x-snapTol, cmp.Compare[float64])
		return min(k, len(xs)-1)
	}
	var cells []*outCell
	rows := 0
	var head []*outCell // the first part's cells, for repeated header rows
	for pi, p := range parts {
		own := make([]*outCell, 0, len(p.cells)) // rows counted from the part's top
		for _, c := range p.cells {
			oc := &outCell{row: c.row, col: colOf(p.xs[c.col]), rowspan: c.rowspan, text: glyphText(c.glyphs, p.page)}
			oc.colspan = max(colOf(p.xs[c.col+c.colspan])-oc.col, 1)
			own = append(own, oc)
		}
		nr := len(p.ys) - 1
		if pi == 0 {
			head = own
		} else if k := repeatedRows(head, own); k > 0 && k < nr {
			// Header rows repeated at the top of the next page (Word's
			// "repeat as header row") are the first part's, not new rows.
			own = slices.DeleteFunc(own, func(c *outCell) bool { return c.row < k })
			for _, c := range own {
				c.row -= k
			}
			nr -= k
		}
		var top []*outCell // cells of the part's first row
		for _, oc := range own {
			if oc.row == 0 {
				top = append(top, oc)
			}
			oc.row += rows
			cells = append(cells, oc)
		}
		// Columns of the joined table this part does not reach: a group
		// cell's part without borders, empty.
		if k := colOf(p.x0()); k > 0 {
			oc := &outCell{row: rows, col: 0, rowspan: nr, colspan: k}
			top, cells = append(top, oc), append(cells, oc)
		}
		if k := colOf(p.x1()); k < len(xs)-1 {
			oc := &outCell{row: rows, col: k, rowspan: nr, colspan: len(xs) - 1 - k}
			top, cells = append(top, oc), append(cells, oc)
		}
		if pi > 0 {
			rows -= joinBreak(cells, top, rows)
		}
		rows += nr
	}
	slices.SortStableFunc(cells, func(a, b *outCell) int { return cmp.Or(cmp.Compare(a.row, b.row), cmp.Compare(a.col, b.col)) })
	b.WriteString("<table>\n")
	k := 0
	for r := 0; r < rows; r++ {
		b.WriteString("<tr>")
		for ; k < len(cells) && cells[k].row == r; k++ {
			c := cells[k]
			if c.rowspan == 0 {
				continue
			}
			b.WriteString("<td")
			if c.rowspan > 1 {
				fmt.Fprintf(b, " rowspan=\"%d\"", c.rowspan)
			}
			if c.colspan > 1 {
				fmt.Fprintf(b, " colspan=\"%d\"", c.colspan)
			}
			b.WriteString(">" + html.EscapeString(c.text) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}

// joinBreak joins the first row of a table part (top: its cells, from
// row rows on) to the part above. A row broken by the page (the rest of
// a label, no figures: Chromium and Word break rows) is one row with the
// last row above: each of its cells goes into the cell above it, and it
// returns 1. Otherwise a label cell whose rows go on past the break keeps
// them: the empty cell under it on the next page is absorbed; it returns 0.
// An absorbed cell gets rowspan 0.
func joinBreak(cells, top []*outCell, rows int) int {
	var above []*outCell // cells that end at the break
	lastHasValue := false
	for _, c := range cells {
		if c.row < rows && c.row+c.rowspan == rows {
			above = append(above, c)
			lastHasValue = lastHasValue || isValueText(c.text)
		}
	}
	// Broken: the row above has figures, this one none but some text,
	// and its cells are the cells above, column for column (a heading
	// row across the table is a row of its own).
	broken, text := lastHasValue, false
	for _, c := range top {
		up := coverAbove(above, c)
		broken = broken && !isValueText(c.text) && up != nil && up.col == c.col && up.colspan == c.colspan
		text = text || c.text != ""
	}
	if broken && text {
		for _, c := range top {
			up := coverAbove(above, c)
			switch {
			case up != nil && up.col == c.col && up.colspan == c.colspan:
				up.text = joinText(up.text, c.text)
				up.rowspan += c.rowspan - 1
				c.rowspan = 0
			case c.rowspan > 1:
				c.row++
				c.rowspan--
				if up != nil {
					up.text = joinText(up.text, c.text)
					c.text = ""
				}
			default:
				if up != nil {
					up.text = joinText(up.text, c.text)
				}
				c.rowspan = 0
			}
		}
		for _, c := range cells {
			if c.row >= rows {
				c.row-- // the part's rows move up by the row joined
			}
		}
		return 1
	}
	for _, c := range top {
		if c.text != "" {
			continue
		}
		if up := coverAbove(above, c); up != nil && up.col == c.col && up.colspan == c.colspan && up.text != "" && !isValueText(up.text) {
			up.rowspan += c.rowspan
			c.rowspan = 0
		}
	}
	return 0
}

// repeatedRows is how many rows at the top of part are the top rows of
// first again: the same cells with the same text, no figures, and no cell
// reaching below them.
func repeatedRows(first, part []*outCell) int {
	rowOf := func(cs []*outCell, r int) []outCell {
		var out []outCell
		for _, c := range cs {
			if c.row == r {
				out = append(out, *c)
			}
		}
		slices.SortFunc(out, func(a, b outCell) int { return cmp.Compare(a.col, b.col) })
		return out
	}
	k := 0
	for ; ; k++ {
		a, b := rowOf(first, k), rowOf(part, k)
		if len(a) == 0 || !slices.Equal(a, b) {
			break
		}
		text := false
		for _, c := range a {
			if isValueText(c.text) {
				return 0
			}
			text = text || c.text != ""
		}
		if !text {
			break
		}
	}
	for _, cs := range [][]*outCell{first, part} {
		for _, c := range cs {
			if c.row < k && c.row+c.rowspan > k {
				return 0 // a header cell reaching into the rows below
			}
		}
	}
	return k
}

// coverAbove is the cell of above over the first column of c.
func coverAbove(above []*outCell, c *outCell) *outCell {
	for _, up := range above {
		if up.col <= c.col && c.col < up.col+up.colspan {
			return up
		}
	}
	return nil
}

// joinText joins the two parts of a text broken over lines or pages.
func joinText(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	last, _ := utf8.DecodeLastRuneInString(a)
	first, _ := utf8.DecodeRuneInString(b)
	if isWide(last) && isWide(first) {
		return a + b
	}
	return a + " " + b
}

// glyphText is the text of a cell's glyphs: laid out in lines like a
// page, the lines joined top to bottom (directly between CJK characters,
// which wrap without a space; else by a space).
func glyphText(gs []Glyph, page int) string {
	if len(gs) == 0 {
		return ""
	}
	text := ""
	for _, l := range pageLines(Page{Number: page, Glyphs: gs}) {
		text = joinText(text, l.Text())
	}
	return text
}
