package tables

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// errNoRoot is returned for a nil selection.
var errNoRoot = errors.New("tables: no document to read")

// colPos is a column of a header: its id and where it sits in the grid.
// start < 0 means "position unknown" (template order only).
type colPos struct {
	id    string
	start int
	span  int
	unit  unitScale
}

// htmlReader walks the grid rows of a document in order. Header rows set
// the columns of the table they head; data rows are found by their labels.
type htmlReader struct {
	b          *builder
	prevHeader string // table id of the previous row when it was a header row

	proCols []colPos
	reqCols []colPos

	reviewSeen, reviewDone bool
	reviewLeaves           []*gcell
	reviewGroups           []*gcell
}

func fromHTML(root *goquery.Selection) (Result, error) {
	if root == nil {
		return Result{}, errNoRoot
	}
	var rows []grow
	lim := &gridLimits{}
	for i, t := range collectTables(root.Nodes) {
		rows = append(rows, buildGrid(t, i, lim)...)
	}
	tmpl := detectTemplate(func(yield func(label) bool) {
		for _, r := range rows {
			for _, c := range r.cells {
				if !yield(c.lab) {
					return
				}
			}
		}
	})
	b := newBuilder(tmpl)
	if lim.truncated {
		b.warnf("tables: grid larger than %d slots; the rest was not read", maxTotalSlots)
	}
	if tmpl == "" {
		return b.finish("html"), nil
	}
	h := &htmlReader{b: b}
	for _, r := range rows {
		h.row(r)
	}
	return b.finish("html"), nil
}

// isLabelCell says whether a cell can start a data row: a row or group
// label, or 总计/其他 (decided by context).
func isLabelCell(c *gcell) bool {
	return c.lab.kind == kindRow || c.lab.kind == kindGroup || c.lab.ambiguous
}

// anyFigure reports whether some cell holds a figure (not a blank).
func anyFigure(cells []*gcell) bool {
	for _, c := range cells {
		if isValueCell(c) && !isBlankCell(c) {
			return true
		}
	}
	return false
}

func isBlankCell(c *gcell) bool { return isBlankText(trimCell(c.text)) }

// isValueCell says whether a cell reads as a figure or a blank.
func isValueCell(c *gcell) bool {
	t := trimCell(c.text)
	if isBlankText(t) {
		return true
	}
	_, _, ok := parseNumber(t)
	return ok
}

func (h *htmlReader) row(r grow) {
	cells := r.cells
	// The label prefix: leading cells that are labels or blank fillers.
	last := -1
	for i, c := range cells {
		if isLabelCell(c) {
			last = i
			continue
		}
		// Blank fillers, a left column of 第二十条第（一）项 spanning down,
		// and text that is no label (a group label wrapped over the rows
		// of a PDF's table, 三、本年度办 / 理结果) come before the row's
		// label; the first figure ends the labels.
		if isValueCell(c) && !isBlankCell(c) {
			break
		}
	}
	if last >= 0 {
		var buf [4]label // a row's label path is short: no allocation
		path := buf[:0]
		for _, c := range cells[:last+1] {
			if isLabelCell(c) {
				path = append(path, c.lab)
			}
		}
		if table, row, ok := h.b.resolveRow(path); ok && !h.b.otherGroup(table, row, anyFigure(cells[last+1:])) {
			h.prevHeader = ""
			h.dataRow(table, row, cells[last+1:])
			return
		}
		for _, l := range path {
			h.b.noteLabel(l)
		}
	}
	if h.reviewGroupRow(cells) {
		return
	}
	if h.headerRow(cells) {
		return
	}
	h.prevHeader = ""
	if h.reviewSeen && !h.reviewDone {
		h.reviewRow(cells)
	}
}

// dataRow stores the values of a proactive or requests row.
func (h *htmlReader) dataRow(table, row string, values []*gcell) {
	want := h.b.columnsFor(table, row)
	var header []colPos
	switch table {
	case Proactive:
		header = h.proCols
	case Requests:
		header = h.reqCols
	}
	if !hasAll(header, want) {
		header = defaultCols(want)
	}
	mapped, note := mapValues(values, header)
	if note != "" {
		h.b.warnf("%s/%s: %s", table, row, note)
	}
	out := make([]Cell, len(want))
	for i, id := range want {
		j := indexOf(header, id)
		if mapped[j] == nil {
			h.b.warnf("%s/%s/%s: no cell", table, row, id)
			continue
		}
		out[i] = makeCell(mapped[j].text, isMoney(table, row, id), header[j].unit)
	}
	h.b.putRow(table, row, want, out)
}

// headerRow recognises a header row and records its columns.
func (h *htmlReader) headerRow(cells []*gcell) bool {
	tableIDs := [...]string{Proactive, Requests, ReviewLitigation}
	var count [len(tableIDs)]int // header cells per table, in tableIDs order
	for _, c := range cells {
		l := c.lab
		if l.kind == kindSection {
			h.b.noteLabel(l)
			h.proCols, h.reqCols = nil, nil
			h.prevHeader = ""
			return true
		}
		if (l.kind == kindColumn || l.kind == kindHeaderOnly) && l.table != "" {
			for i, t := range tableIDs {
				if l.table == t {
					count[i]++
				}
			}
		}
	}
	best, n := "", 0
	for i, t := range tableIDs {
		if count[i] > n {
			best, n = t, count[i]
		}
	}
	if best == "" {
		return false
	}
	switch best {
	case Proactive:
		h.proCols = nil
		for _, c := range cells {
			if c.lab.kind == kindColumn && c.lab.table == Proactive {
				h.proCols = append(h.proCols, colPos{id: c.lab.id, start: c.start, span: c.span, unit: unitOf(c.text)})
			}
		}
	case Requests:
		if h.prevHeader != Requests {
			h.reqCols = nil
		}
		for _, c := range cells {
			if c.lab.kind != kindColumn || (c.lab.table != Requests && !c.lab.ambiguous) {
				continue
			}
			id := c.lab.id
			if indexOf(h.reqCols, id) < 0 {
				h.reqCols = append(h.reqCols, colPos{id: id, start: c.start, span: c.span})
			}
		}
		slices.SortStableFunc(h.reqCols, byStart)
	case ReviewLitigation:
		if h.prevHeader != ReviewLitigation {
			h.reviewLeaves, h.reviewGroups = nil, nil
			h.reviewDone = false
		}
		h.reviewSeen = true
		h.b.noteLabel(label{kind: kindColumn, table: ReviewLitigation})
		for _, c := range cells {
			if c.lab.kind != kindColumn {
				continue
			}
			if len(c.lab.id) > 6 && c.lab.id[:6] == "group:" {
				h.reviewGroups = appendCell(h.reviewGroups, c)
			} else if c.lab.table == ReviewLitigation || c.lab.id == "total" {
				h.reviewLeaves = appendCell(h.reviewLeaves, c)
			}
		}
	}
	h.prevHeader = best
	return true
}

// byStart orders columns by their grid position (stable sorts keep equal
// positions in header order).
func byStart(a, b colPos) int { return cmp.Compare(a.start, b.start) }

func appendCell(list []*gcell, c *gcell) []*gcell {
	for _, x := range list {
		if x == c {
			return list
		}
	}
	return append(list, c)
}

// reviewGroupRow reads table 四 laid out with one row per group (行政复议,
// 未经复议直接起诉, 复议后起诉) under a header of the five result columns.
func (h *htmlReader) reviewGroupRow(cells []*gcell) bool {
	i := 0
	for i < len(cells) && isBlankCell(cells[i]) {
		i++
	}
	// 行政诉讼 may head the two suit rows in a cell of its own.
	for i < len(cells) && cells[i].lab.kind == kindHeaderOnly && cells[i].lab.table == ReviewLitigation {
		i++
	}
	if i >= len(cells) || !strings.HasPrefix(cells[i].lab.id, "group:") || !h.reviewSeen {
		return false
	}
	vals := cells[i+1:]
	if len(vals) < 4 {
		return false
	}
	for _, c := range vals {
		if !isValueCell(c) {
			return false
		}
	}
	var cols []colPos
	for _, l := range h.reviewLeaves {
		if indexOf(cols, l.lab.id) >= 0 {
			return false // a header with the leaves of several groups
		}
		cols = append(cols, colPos{id: l.lab.id, start: l.start, span: l.span})
	}
	slices.SortStableFunc(cols, byStart)
	if len(cols) != len(reviewLeaves) {
		return false
	}
	group := cells[i].lab.id[len("group:"):]
	mapped, note := mapValues(vals, cols)
	if note != "" {
		h.b.warnf("%s/%s: %s", ReviewLitigation, group, note)
	}
	out := make([]Cell, len(reviewLeaves))
	for k, leaf := range reviewLeaves {
		if j := indexOf(cols, leaf); mapped[j] != nil {
			out[k] = makeCell(mapped[j].text, false, unitNone)
		}
	}
	h.b.putRow(ReviewLitigation, group, reviewLeaves, out)
	h.reviewDone = true
	h.prevHeader = ""
	return true
}

// reviewRow reads the fifteen figures of table 四 from the row under its header.
func (h *htmlReader) reviewRow(cells []*gcell) {
	vals := cells
	if len(vals) > 0 && !isValueCell(vals[0]) && vals[0].lab.kind == kindNone {
		vals = vals[1:] // a row caption such as 数量
	}
	nonBlank := 0
	for _, c := range vals {
		if !isValueCell(c) {
			return
		}
		if !isBlankCell(c) {
			nonBlank++
		}
	}
	if len(vals) < 5 {
		return
	}
	h.reviewDone = true
	cols := h.reviewCols()
	mapped, note := mapValues(vals, cols)
	if note != "" {
		h.b.warnf("%s: %s", ReviewLitigation, note)
	}
	cells2 := make(map[string][]Cell)
	for i, cp := range cols {
		group, leaf := splitID(cp.id)
		_ = leaf
		var c Cell
		if mapped[i] != nil {
			c = makeCell(mapped[i].text, false, unitNone)
		} else {
			h.b.warnf("%s/%s: no cell", ReviewLitigation, cp.id)
		}
		cells2[group] = append(cells2[group], c)
	}
	for _, g := range reviewGroups {
		var leaves []string
		for _, cp := range cols {
			if gg, leaf := splitID(cp.id); gg == g {
				leaves = append(leaves, leaf)
			}
		}
		h.b.putRow(ReviewLitigation, g, leaves, cells2[g])
	}
}

// reviewCols orders the 15 leaf columns of table 四 by the header: each leaf
// belongs to the group whose header cell covers it; when the header spans
// do not line up, the leaves are grouped by order (5, 5, 5).
func (h *htmlReader) reviewCols() []colPos {
	leaves := append([]*gcell(nil), h.reviewLeaves...)
	slices.SortStableFunc(leaves, func(a, b *gcell) int { return cmp.Compare(a.start, b.start) })
	if len(leaves) != 15 {
		h.b.warnf("%s: header has %d result columns, not 15; read in template order", ReviewLitigation, len(leaves))
		return defaultReviewCols()
	}
	cols := make([]colPos, 15)
	byCover := true
	seen := map[string]bool{}
	for i, l := range leaves {
		g := ""
		for _, gc := range h.reviewGroups {
			if gc.start <= l.start && l.start < gc.start+gc.span {
				g = gc.lab.id[len("group:"):]
			}
		}
		id := g + "." + l.lab.id
		if g == "" || seen[id] {
			byCover = false
		}
		seen[id] = true
		cols[i] = colPos{id: id, start: l.start, span: l.span}
	}
	if !byCover {
		seen = map[string]bool{}
		for i, l := range leaves {
			id := reviewGroups[i/5] + "." + l.lab.id
			if seen[id] {
				h.b.warnf("%s: header repeats %s; read in template order", ReviewLitigation, id)
				return defaultReviewCols()
			}
			seen[id] = true
			cols[i].id = id
		}
	}
	return cols
}

func defaultReviewCols() []colPos {
	var cols []colPos
	for _, g := range reviewGroups {
		for _, l := range reviewLeaves {
			cols = append(cols, colPos{id: g + "." + l, start: -1})
		}
	}
	return cols
}

func splitID(id string) (string, string) {
	for i := 0; i < len(id); i++ {
		if id[i] == '.' {
			return id[:i], id[i+1:]
		}
	}
	return id, ""
}

func defaultCols(ids []string) []colPos {
	cols := make([]colPos, len(ids))
	for i, id := range ids {
		cols[i] = colPos{id: id, start: -1}
	}
	return cols
}

func indexOf(cols []colPos, id string) int {
	for i, c := range cols {
		if c.id == id {
			return i
		}
	}
	return -1
}

func hasAll(cols []colPos, ids []string) bool {
	if len(cols) == 0 {
		return false
	}
	for _, id := range ids {
		if indexOf(cols, id) < 0 {
			return false
		}
	}
	return true
}

// mapValues assigns a row's value cells to header columns. When the row
// has as many cells as the header has columns, they map by order (the
// spec's rule for header spans that do not line up with the data); else by
// grid position when the header's positions are known; else leading and
// trailing blank fillers are dropped and the rest maps by order.
func mapValues(values []*gcell, cols []colPos) ([]*gcell, string) {
	n := len(cols)
	out := make([]*gcell, n)
	if len(values) == n {
		copy(out, values)
		return out, ""
	}
	if byPosition(values, cols, out) {
		return out, ""
	}
	clear(out)
	vs := values
	for len(vs) > n && isBlankCell(vs[0]) {
		vs = vs[1:]
	}
	for len(vs) > n && isBlankCell(vs[len(vs)-1]) {
		vs = vs[:len(vs)-1]
	}
	note := ""
	if len(vs) > n {
		note = fmt.Sprintf("%d cells for %d columns; extra cells dropped", len(values), n)
		vs = vs[:n]
	} else if len(vs) < n {
		note = fmt.Sprintf("%d cells for %d columns", len(values), n)
	}
	copy(out, vs)
	return out, note
}

func byPosition(values []*gcell, cols []colPos, out []*gcell) bool {
	used := map[*gcell]bool{}
	for i, c := range cols {
		if c.start < 0 {
			return false
		}
		var hit *gcell
		for _, v := range values {
			if v.start <= c.start && c.start < v.start+v.span {
				hit = v
				break
			}
		}
		if hit == nil || used[hit] {
			return false
		}
		used[hit] = true
		out[i] = hit
	}
	return true
}
