package export

import (
	"slices"
	"strconv"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/extract/tables"
)

// CellRef is one table cell of a record with its position.
type CellRef struct {
	Table, Row, Column string
	Cell               extract.Cell
}

// Cells lists every cell of t in the printed order of the template's
// layouts; rows or columns the layout does not know (a parser that found
// more) follow in id order, so nothing the record holds is dropped.
func Cells(t extract.Tables, template string) []CellRef {
	var out []CellRef
	done := map[string]bool{}
	for _, l := range tables.Layouts(template) {
		done[l.ID] = true
		out = appendTable(out, l.ID, t[l.ID], &l)
	}
	for _, id := range sortedKeys(t) {
		if !done[id] {
			out = appendTable(out, id, t[id], nil)
		}
	}
	return out
}

func appendTable(out []CellRef, table string, rows map[string]map[string]extract.Cell, l *tables.Layout) []CellRef {
	if len(rows) == 0 {
		return out
	}
	var rowOrder []string
	seen := map[string]bool{}
	if l != nil {
		for _, r := range l.Rows {
			if _, ok := rows[r.ID]; ok {
				rowOrder = append(rowOrder, r.ID)
				seen[r.ID] = true
			}
		}
	}
	for _, r := range sortedKeys(rows) {
		if !seen[r] {
			rowOrder = append(rowOrder, r)
		}
	}
	for _, r := range rowOrder {
		cols := rows[r]
		var colOrder []string
		cseen := map[string]bool{}
		if l != nil {
			for _, c := range l.ColumnsOf(r) {
				if _, ok := cols[c]; ok {
					colOrder = append(colOrder, c)
					cseen[c] = true
				}
			}
		}
		for _, c := range sortedKeys(cols) {
			if !cseen[c] {
				colOrder = append(colOrder, c)
			}
		}
		for _, c := range colOrder {
			out = append(out, CellRef{Table: table, Row: r, Column: c, Cell: cols[c]})
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Value returns the cell of table/row/column, if the record has it.
func Value(t extract.Tables, table, row, column string) (extract.Cell, bool) {
	c, ok := t[table][row][column]
	return c, ok
}

// FormatValue prints a cell value for CSV and tables: "" for a blank cell,
// the shortest exact decimal otherwise.
func FormatValue(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
