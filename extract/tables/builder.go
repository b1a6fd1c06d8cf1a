package tables

import (
	"fmt"
	"strings"
)

// builder collects the cells of one document and the warnings about them.
// It is shared by the HTML and the text readers; both decide which row a
// label names through resolveRow so the two agree.
type builder struct {
	template string
	tables   Tables
	warnings []string

	// requests rows context: 总计 and 其他 are row labels only inside the
	// requests rows, column headers elsewhere.
	reqRowsStarted bool
	lastReqRow     string
	inOtherGroup   bool // under （六）其他处理 of the 2021 template
}

func newBuilder(template string) *builder {
	return &builder{template: template, tables: Tables{}}
}

func (b *builder) warnf(format string, args ...any) {
	if len(b.warnings) >= maxWarnings {
		return
	}
	b.warnings = append(b.warnings, fmt.Sprintf(format, args...))
}

// maxWarnings bounds the warnings of one document (hostile input can
// produce one per cell).
const maxWarnings = 100

// resolveRow turns the label path of a row (group labels then the leaf, as
// read left to right in a table row or top to bottom in text) into a table
// and row id. ok is false when the leaf is a group, not a row.
func (b *builder) resolveRow(path []label) (table, row string, ok bool) {
	if len(path) == 0 {
		return "", "", false
	}
	leaf := path[len(path)-1]
	inOther := b.inOtherGroup
	for _, l := range path[:len(path)-1] {
		if l.kind == kindRow && l.id == "other" {
			inOther = true
		}
	}
	switch {
	case leaf.ambiguous && leaf.id == "total":
		if leaf.enum || b.reqRowsStarted {
			return Requests, "total", true
		}
		return "", "", false
	case leaf.ambiguous && leaf.id == "other_org":
		if inOther || (leaf.enum && b.template == Template2021) ||
			b.lastReqRow == "other.no_correction" || b.lastReqRow == "other.no_fee" {
			return Requests, "other.other", true
		}
		return "", "", false
	case leaf.kind == kindRow && leaf.id == "other" && b.template == Template2021:
		// （六）其他处理 groups three rows under 2021, but some 2021 reports
		// keep the 2019 row with its own figures: the caller asks
		// otherGroup once it has seen the row's cells.
		return Requests, "other", true
	case leaf.kind == kindRow:
		return leaf.table, leaf.id, true
	}
	return "", "", false
}

// otherGroup reports a resolved row that is only the （六）其他处理 group
// label of the 2021 template: no figure of its own. The caller then treats
// the label as a group (noteLabel), not as a row.
func (b *builder) otherGroup(table, row string, figures bool) bool {
	return table == Requests && row == "other" && b.template == Template2021 && !figures
}

// noteLabel updates the row context after a label was seen.
func (b *builder) noteLabel(l label) {
	switch {
	case l.kind == kindSection:
		b.reqRowsStarted = false
		b.inOtherGroup = false
	case l.kind == kindRow && l.table == Requests:
		b.inOtherGroup = l.id == "other" && b.template == Template2021
	case l.kind == kindGroup:
		b.inOtherGroup = false
	case l.kind == kindColumn && l.table == ReviewLitigation:
		b.reqRowsStarted = false
	}
}

// noteRow records that a row was read, for the context of the next ones.
func (b *builder) noteRow(table, row string) {
	if table != Requests {
		return
	}
	b.lastReqRow = row
	b.reqRowsStarted = row != "carried_out"
	if !strings.HasPrefix(row, "other.") {
		b.inOtherGroup = false
	}
}

// columnsFor returns the template columns of a row.
func (b *builder) columnsFor(table, row string) []string {
	switch table {
	case Requests:
		return requestCols
	case Proactive:
		cols := proactiveCols(b.template, row)
		if cols == nil {
			// other_services / procurement are 2019-only rows; read them
			// with their 2019 columns even on a 2021 page.
			cols = proactiveCols(Template2019, row)
		}
		return cols
	}
	return nil
}

// putRow stores one row. Cells are in the order of cols; a nil entry is a
// cell the page did not have (stored blank, with a warning).
func (b *builder) putRow(table, row string, cols []string, cells []Cell) {
	t := b.tables[table]
	if t == nil {
		t = make(map[string]map[string]Cell, tableRowsHint(table))
		b.tables[table] = t
	}
	if prev, dup := t[row]; dup {
		// A label with no figures (a menu link 规章 or 行政许可 above the
		// article) must not hide the table's row that comes later.
		if nonBlank(prev) > 0 || !anyValue(cells) {
			b.warnf("%s/%s: row appears twice; kept the first", table, row)
			return
		}
		b.warnf("%s/%s: row appears twice; kept the one with figures", table, row)
	}
	r := make(map[string]Cell, len(cols))
	for i, c := range cols {
		r[c] = cells[i]
	}
	t[row] = r
	b.noteRow(table, row)
}

// tableRowsHint is about how many rows a table has (a map size hint).
func tableRowsHint(table string) int {
	switch table {
	case Requests:
		return len(requestRows2021) + 4
	case Proactive:
		return 10
	}
	return 4
}

func nonBlank(r map[string]Cell) int {
	n := 0
	for _, c := range r {
		if c.Raw != "" {
			n++
		}
	}
	return n
}

func anyValue(cells []Cell) bool {
	for _, c := range cells {
		if c.Raw != "" {
			return true
		}
	}
	return false
}

// finish returns the result, warning about rows the tables lack.
func (b *builder) finish(source string) Result {
	for table, rows := range b.tables {
		var want []string
		switch table {
		case Requests:
			want = requestRows(b.template)
		case Proactive:
			want = proactiveRowIDs(b.template)
		case ReviewLitigation:
			want = reviewGroups
		}
		_, loneOther := rows["other"]
		for _, r := range want {
			if loneOther && strings.HasPrefix(r, "other.") {
				continue // （六）其他处理 printed as one row
			}
			if _, ok := rows[r]; !ok {
				b.warnf("%s/%s: row not found", table, r)
			}
		}
	}
	res := Result{Template: b.template, Tables: b.tables, Source: source, Warnings: b.warnings}
	if len(b.tables) == 0 {
		res.Tables, res.Template = nil, ""
	}
	return res
}

// detectTemplate decides 2019 or 2021 from the labels of a document.
func detectTemplate(labels func(yield func(label) bool)) string {
	t := ""
	for l := range labels {
		if l.only2021 {
			return Template2021
		}
		// Table 四 is the same in both templates: alone it reads as 2019.
		if l.kind == kindRow || (l.kind == kindColumn && l.table != "") {
			t = Template2019
		}
	}
	return t
}
