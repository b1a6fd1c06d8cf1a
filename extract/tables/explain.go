package tables

import "math"

// Failure is one equation of a check that does not hold, with the cells on
// each side, so a reader can be shown the figures in words and the cells
// can be highlighted where the table is drawn.
type Failure struct {
	Check string // check id: requests.balance, ...
	// Name is what the equation is about: the column (requests.balance,
	// requests.total), the row (requests.columns) or the group
	// (review_litigation.totals).
	Name              string
	Left, Right       []Term
	LeftSum, RightSum float64
}

// Term is one cell of a side of an equation.
type Term struct {
	Table, Row, Column string
	Value              *float64 // nil for a blank cell (counted as 0)
	Present            bool     // the table has the cell
}

// Explain lists every failing equation of the checks RunChecks reports as
// failed, in check order, with the cells on both sides. It judges exactly as
// RunChecks does: an equation with no figure on one side is not a failure.
func Explain(t Tables, template string) []Failure {
	var out []Failure
	for _, c := range comparisons(t, template) {
		for _, cmp := range c.cmps {
			if !cmp.left.hasValue() || !cmp.right.hasValue() {
				continue
			}
			l, r := cmp.left.sum(), cmp.right.sum()
			if math.Abs(l-r) <= 1e-6 {
				continue
			}
			out = append(out, Failure{Check: c.id, Name: cmp.name, Left: terms(c.table, cmp.left), Right: terms(c.table, cmp.right), LeftSum: l, RightSum: r})
		}
	}
	return out
}

func terms(table string, s side) []Term {
	out := make([]Term, len(s))
	for i, t := range s {
		out[i] = Term{Table: table, Row: t.row, Column: t.col, Value: t.value, Present: t.ok}
	}
	return out
}
