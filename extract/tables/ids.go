package tables

import (
	"cmp"
	"slices"
)

// CellID names one cell the parser can emit: table, row and column id.
type CellID struct {
	Table, Row, Column string
}

// KnownCells lists every cell id the parser can put into Tables, in the
// printed order of the 2019 layouts then the ids only 2021 has. It is built
// from the same layouts the parser reads by, plus the rows the label
// dictionary knows (a 2019-only proactive row is read with its 2019 columns
// on a 2021 page), so a codebook built from it covers all the parser emits.
func KnownCells() []CellID {
	var out []CellID
	seen := map[CellID]bool{}
	add := func(id CellID) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, tmpl := range []string{Template2019, Template2021} {
		for _, l := range Layouts(tmpl) {
			for _, r := range l.Rows {
				if l.ID == ReviewLitigation {
					for _, c := range l.Columns {
						add(CellID{l.ID, r.ID, c.ID})
					}
					continue
				}
				for _, c := range l.ColumnsOf(r.ID) {
					add(CellID{l.ID, r.ID, c})
				}
			}
		}
	}
	// Rows the label dictionary names: under either template's columns.
	for _, row := range labelRows() {
		b := newBuilder(Template2019)
		cols := b.columnsFor(row.table, row.id)
		b.template = Template2021
		cols = append(cols, b.columnsFor(row.table, row.id)...)
		for _, c := range cols {
			add(CellID{row.table, row.id, c})
		}
	}
	return out
}

// labelRows is every row label of the dictionary (exact labels and prefixes),
// sorted for a stable order.
func labelRows() []label {
	var rows []label
	for _, l := range exact {
		if l.kind == kindRow {
			rows = append(rows, l)
		}
	}
	for _, p := range prefixes {
		if p.l.kind == kindRow {
			rows = append(rows, p.l)
		}
	}
	// 其他 under （六）其他处理 of 2021 and 总计 are ambiguous labels that
	// resolveRow turns into these rows.
	rows = append(rows, label{table: Requests, id: "other.other"}, label{table: Requests, id: "total"})
	slices.SortFunc(rows, func(a, b label) int {
		return cmp.Or(cmp.Compare(a.table, b.table), cmp.Compare(a.id, b.id))
	})
	return rows
}
