package pdf

import (
	"cmp"
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// HTML renders the document as a plain HTML page: the title lines of the
// first page as <h1>, running text as paragraphs, and every tabular zone
// as a <table> (grid.go). The information dictionary's title is the
// page's <title>, the fallback of the title stage.
func HTML(doc *Document) string {
	lines, tabs := layout(doc)
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
	b.WriteString(html.EscapeString(strings.TrimSpace(doc.Info.Title)))
	b.WriteString("</title></head><body>\n")
	width := textWidth(lines)
	next := 0
	for ti := 0; ti < len(tabs); {
		j := next
		for j < len(lines) && tabs[ti].after(lines[j]) {
			j++
		}
		writeLines(&b, lines[next:j], width, next == 0)
		next = j
		// A table continued on the next page, nothing but page furniture
		// between the parts (a running footer or header: written after
		// the table), is one table.
		k := ti + 1
		for k < len(tabs) && tabs[k].continues(tabs[k-1]) && onlyRunning(lines[next:], tabs[k]) {
			k++
		}
		writeRuled(&b, tabs[ti:k])
		ti = k
	}
	writeLines(&b, lines[next:], width, next == 0)
	b.WriteString("</body></html>\n")
	return b.String()
}

// onlyRunning reports whether every line before table b (lines start
// after the part above it) is a running footer or header, not text
// between two tables.
func onlyRunning(lines []Line, b *docTable) bool {
	for _, l := range lines {
		if !b.after(l) {
			return true
		}
		if !l.running {
			return false
		}
	}
	return true
}

// writeLines writes lines outside ruled tables: running text as
// paragraphs, tabular zones as tables rebuilt from positions (grid.go).
func writeLines(b *strings.Builder, lines []Line, width float64, top bool) {
	next := 0
	for _, z := range zones(lines) {
		writeText(b, lines[next:z[0]], width, top && next == 0)
		writeZone(b, lines[z[0]:z[1]])
		next = z[1]
	}
	writeText(b, lines[next:], width, top && next == 0)
}

// writeText writes running text as paragraphs. A line that fills the text
// block continues into the next one (CJK text wraps without a space); a
// short line, or one that starts indented, ends a paragraph. At the top of
// the document, the lines set larger than the body text are the title.
func writeText(b *strings.Builder, lines []Line, width float64, top bool) {
	if len(lines) == 0 {
		return
	}
	left, right := 1e18, -1e18
	for _, l := range lines {
		left, right = min(left, l.x0()), max(right, l.x1())
	}
	if top {
		body := medianEm(lines)
		var title []string
		i := 0
		for i < len(lines) && lines[i].Page == lines[0].Page && lines[i].em() > 1.25*body {
			title = append(title, lines[i].Text())
			i++
		}
		if len(title) > 0 && len(title) <= 4 {
			b.WriteString("<h1>" + html.EscapeString(strings.Join(title, "")) + "</h1>\n")
			lines = lines[i:]
		}
	}
	var para strings.Builder
	flush := func() {
		if para.Len() > 0 {
			b.WriteString("<p>" + html.EscapeString(para.String()) + "</p>\n")
			para.Reset()
		}
	}
	for i, l := range lines {
		em := max(l.em(), 4)
		if i > 0 {
			prev := lines[i-1]
			full := prev.x1() >= right-1.5*max(prev.em(), 4)
			indented := l.x0() > left+1.2*em
			// A sentence that happens to end at the margin, then a numbered
			// heading (四、…, （二）…) set flush left: a new paragraph.
			heading := endsSentence(prev.Text()) && startsNumbered(l.Text())
			if !full || indented || heading {
				flush()
			}
		}
		if para.Len() > 0 && isLatinEnd(para.String()) {
			para.WriteByte(' ')
		}
		para.WriteString(l.Text())
	}
	flush()
}

// endsSentence: the text ends with a full stop, question or exclamation mark.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	return strings.ContainsRune("。！？!?", r)
}

// startsNumbered: the text starts with a Chinese section number, 四、 or
// （二） / (二).
func startsNumbered(s string) bool {
	rs := []rune(strings.TrimSpace(s))
	i := 0
	if i < len(rs) && (rs[i] == '（' || rs[i] == '(') {
		i++
	}
	n := i
	for i < len(rs) && i-n < 3 && strings.ContainsRune("一二三四五六七八九十", rs[i]) {
		i++
	}
	if i == n || i >= len(rs) {
		return false
	}
	if n > 0 {
		return rs[i] == '）' || rs[i] == ')'
	}
	return rs[i] == '、'
}

func isLatinEnd(s string) bool {
	c := s[len(s)-1]
	return c < 0x80 && c != ' '
}

// medianEm is the typical font size of the lines: the body text's.
func medianEm(lines []Line) float64 {
	ems := make([]float64, 0, len(lines))
	for _, l := range lines {
		ems = append(ems, l.em())
	}
	slices.Sort(ems)
	return ems[len(ems)/2]
}

// writeZone writes one tabular zone as a table.
func writeZone(b *strings.Builder, lines []Line) {
	zl, segs := buildZone(lines)
	// Label cells per data row, and the most any row has: rows are padded
	// on the left so the figures of every row start in the same column.
	labelCells := map[int][][]Run{}
	nLabel := 1
	edges := labelEdges(zl)
	for i := range zl {
		if zl[i].value {
			cells := clusterX(labelRuns(zl[i]), edges)
			labelCells[i] = cells
			nLabel = max(nLabel, len(cells))
		}
	}
	segAt := map[int]*segment{}
	for si := range segs {
		for _, r := range segs[si].rows {
			segAt[r] = &segs[si]
		}
	}
	// nextSeg is the segment after line i, whose columns a header band heads.
	nextSeg := func(i int) *segment {
		for j := i; j < len(zl); j++ {
			if s := segAt[j]; s != nil {
				return s
			}
		}
		return nil
	}
	b.WriteString("<table>\n")
	for i := 0; i < len(zl); {
		if zl[i].header {
			j := i
			var runs []Run
			for j < len(zl) && zl[j].header {
				runs = append(runs, zl[j].Runs...)
				j++
			}
			writeHeader(b, runs, nLabel, nextSeg(j))
			i = j
			continue
		}
		if zl[i].value {
			writeDataRow(b, zl[i], labelCells[i], nLabel, segAt[i])
		}
		i++
	}
	b.WriteString("</table>\n")
}

func td(b *strings.Builder, text string) {
	b.WriteString("<td>" + html.EscapeString(text) + "</td>")
}

func writeDataRow(b *strings.Builder, z zoneLine, labels [][]Run, nLabel int, seg *segment) {
	b.WriteString("<tr>")
	for k := len(labels); k < nLabel; k++ {
		td(b, "")
	}
	for _, c := range labels {
		td(b, cellText(c))
	}
	vals := valueRuns(z.Line)
	used := make([]bool, len(vals))
	for _, col := range seg.cols {
		text := ""
		for k, v := range vals {
			if !used[k] && v.X0 <= col.x1 && v.X1 >= col.x0 {
				text, used[k] = v.Text, true
				break
			}
		}
		td(b, text)
	}
	b.WriteString("</tr>\n")
}

// writeHeader writes a header band: its runs merged into cells, the cells
// in rows by vertical overlap, each cell in the figure column under it (the
// label columns for cells left of the figures).
func writeHeader(b *strings.Builder, runs []Run, nLabel int, seg *segment) {
	cells := stackCells(runs)
	type hcell struct {
		text           string
		x0, y0, x1, y1 float64
	}
	hs := make([]hcell, 0, len(cells))
	for _, c := range cells {
		x0, y0, x1, y1 := bounds(c)
		hs = append(hs, hcell{cellText(c), x0, y0, x1, y1})
	}
	slices.SortStableFunc(hs, func(a, b hcell) int { return cmp.Compare(a.y0, b.y0) })
	var rows [][]hcell
	lo := -1e18
	for _, h := range hs {
		if n := len(rows); n > 0 && h.y0 < lo {
			rows[n-1] = append(rows[n-1], h)
			lo = max(lo, h.y1)
			continue
		}
		rows = append(rows, []hcell{h})
		lo = h.y1
	}
	var cols []column
	if seg != nil {
		cols = seg.cols
	}
	for _, row := range rows {
		slices.SortStableFunc(row, func(a, b hcell) int { return cmp.Compare(a.x0, b.x0) })
		slots := make([]string, nLabel+len(cols))
		var label []string
		last := make(map[int]*hcell)
		for _, h := range row {
			c := (h.x0 + h.x1) / 2
			if len(cols) == 0 || c < cols[0].x0-4 && h.x1 < cols[0].x0+2 {
				label = append(label, h.text)
				continue
			}
			k := nearestColumn(cols, c)
			// Two parts of one header over the same column (总 计, 本年收费金额
			// （单位： 万元）) are one cell; another header there moves right.
			if at := last[k]; at != nil && h.y0 < at.y1 && at.y0 < h.y1 && h.x0-at.x1 < 1.5*max(h.y1-h.y0, 6) {
				slots[nLabel+k] += h.text
				at.x1 = h.x1
				continue
			}
			for k < len(cols) && slots[nLabel+k] != "" {
				k++
			}
			if k == len(cols) {
				slots = append(slots, h.text)
				continue
			}
			slots[nLabel+k] = h.text
			last[k] = &h
		}
		// Label-area cells fill the label columns from the right; more
		// of them than columns share the first.
		for len(label) > nLabel {
			label[1] = label[0] + " " + label[1]
			label = label[1:]
		}
		copy(slots[nLabel-len(label):], label)
		b.WriteString("<tr>")
		for _, s := range slots {
			td(b, s)
		}
		b.WriteString("</tr>\n")
	}
}

func nearestColumn(cols []column, x float64) int {
	best, bd := 0, 1e18
	for k, c := range cols {
		if d := abs((c.x0+c.x1)/2 - x); d < bd {
			best, bd = k, d
		}
	}
	return best
}
