package tables

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Check ids (report-format.md, Checks).
const (
	CheckRequestsBalance = "requests.balance"         // received + carried_in = total + carried_out, per column
	CheckRequestsTotal   = "requests.total"           // total = sum of the result rows, per column
	CheckRequestsColumns = "requests.columns"         // total = natural_person + the five organisations, per row
	CheckReviewTotals    = "review_litigation.totals" // total = upheld + corrected + other + pending, per group
)

// term is one cell on one side of a comparison: its value only (nil for
// a blank cell), which is all a check reads. It is named by its row, or by
// its column when byCol.
type term struct {
	value *float64
	ok    bool // the cell exists in the table
	byCol bool
	// row and col locate the cell in its check's table, for Explain.
	row, col string
}

func (t term) name() string {
	if t.byCol {
		return t.col
	}
	return t.row
}

// side is a sum of terms. Blank cells count as 0, but a side with no
// non-blank cell at all is not compared.
type side []term

func (s side) hasValue() bool {
	for _, t := range s {
		if t.ok && t.value != nil {
			return true
		}
	}
	return false
}

func (s side) sum() float64 {
	v := 0.0
	for _, t := range s {
		if t.ok && t.value != nil {
			v += *t.value
		}
	}
	return v
}

// String renders "received 16 + carried_in 0 = 16"; blank cells read
// "(blank)". Long sides (the result rows) list only their non-zero cells.
func (s side) String() string {
	var parts []string
	omitted := 0
	for _, t := range s {
		switch {
		case !t.ok || t.value == nil:
			if len(s) > 6 {
				omitted++
				continue
			}
			parts = append(parts, t.name()+" (blank)")
		case len(s) > 6 && *t.value == 0:
			omitted++
		default:
			parts = append(parts, t.name()+" "+num(*t.value))
		}
	}
	out := strings.Join(parts, " + ")
	if omitted > 0 {
		if out != "" {
			out += " + "
		}
		out += fmt.Sprintf("%d more zero or blank", omitted)
	}
	if len(s) == 1 {
		return out
	}
	return out + " = " + num(s.sum())
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// comparison is one equation of a check, named by its column, row or group.
type comparison struct {
	name        string
	left, right side
}

// judge turns a check's comparisons into its outcome.
func judge(id string, cmps []comparison) Check {
	var failed []string
	compared := 0
	for _, c := range cmps {
		if !c.left.hasValue() || !c.right.hasValue() {
			continue
		}
		compared++
		if math.Abs(c.left.sum()-c.right.sum()) > 1e-6 {
			failed = append(failed, fmt.Sprintf("%s: %s ≠ %s", c.name, c.left, c.right))
		}
	}
	switch {
	case len(failed) > 0:
		return Check{ID: id, Status: CheckFailed, Detail: strings.Join(failed, "; ")}
	case compared == 0:
		return Check{ID: id, Status: CheckSkipped, Detail: "no comparison had figures on both sides"}
	}
	return Check{ID: id, Status: CheckOK, Detail: fmt.Sprintf("%d of %d compared", compared, len(cmps))}
}

// cellIn is one cell of a row map as a term named by its row.
func cellIn(r map[string]Cell, row, col string) term {
	c, ok := r[col]
	return term{value: c.Value, ok: ok, row: row, col: col}
}

// colIn is cellIn named by its column.
func colIn(r map[string]Cell, row, col string) term {
	t := cellIn(r, row, col)
	t.byCol = true
	return t
}

// termSlab holds the terms of one call of comparisons in one allocation;
// each side is a piece of it (a slab that had to grow leaves the earlier
// sides in the old array, still whole).
type termSlab []term

// side appends t and returns it as a side.
func (ts *termSlab) side(t ...term) side {
	start := len(*ts)
	*ts = append(*ts, t...)
	return ts.since(start)
}

// since returns the terms appended from start on as a side.
func (ts termSlab) since(start int) side { return side(ts[start:len(ts):len(ts)]) }

// resultRows are the rows summed into （七）总计: both templates' variants,
// so a table is checked by the rows it has.
var resultRows = []string{
	"granted", "partial",
	"denied.state_secret", "denied.prohibited_by_law", "denied.three_safeties", "denied.third_party",
	"denied.internal_affairs", "denied.process_info", "denied.enforcement_file", "denied.query_matter",
	"unable.not_held", "unable.needs_creation", "unable.unclear",
	"rejected.petition", "rejected.repeat", "rejected.publication", "rejected.mass_repeat", "rejected.confirm",
	"other", "other.no_correction", "other.no_fee", "other.other",
}

// requestRowsUnion is, per template, the request rows the columns check
// looks at: the template's own, then those of 2019 and 2021 (a page may mix
// them), each once.
var requestRowsUnion = map[bool][]string{
	false: unionRows(requestRows(Template2019), requestRows2019, requestRows2021),
	true:  unionRows(requestRows(Template2021), requestRows2019, requestRows2021),
}

func unionRows(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, r := range l {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return out
}

func runChecks(t Tables, template string) []Check {
	all := comparisons(t, template)
	out := make([]Check, len(all))
	for i, c := range all {
		out[i] = judge(c.id, c.cmps)
	}
	return out
}

// checkComparisons is one check with every equation it compares, all of
// them between cells of one table.
type checkComparisons struct {
	id, table string
	cmps      []comparison
}

// comparisons builds the equations of the four checks, in check order.
func comparisons(t Tables, template string) []checkComparisons {
	req := t[Requests]
	received, carriedIn, total, carriedOut := req["received"], req["carried_in"], req["total"], req["carried_out"]
	// The result rows the table has, looked up once for all columns.
	var results []string
	var resultMaps []map[string]Cell
	for _, r := range resultRows {
		if m, ok := req[r]; ok {
			results = append(results, r)
			resultMaps = append(resultMaps, m)
		}
	}
	rows := requestRowsUnion[template == Template2021]
	present := 0
	for _, r := range rows {
		if _, ok := req[r]; ok {
			present++
		}
	}
	ts := make(termSlab, 0, len(requestCols)*(5+len(results))+present*7+len(reviewGroups)*5)
	bal := make([]comparison, 0, len(requestCols))
	tot := make([]comparison, 0, len(requestCols))
	for _, col := range requestCols {
		bal = append(bal, comparison{
			name:  col,
			left:  ts.side(cellIn(received, "received", col), cellIn(carriedIn, "carried_in", col)),
			right: ts.side(cellIn(total, "total", col), cellIn(carriedOut, "carried_out", col)),
		})
		left := ts.side(cellIn(total, "total", col))
		start := len(ts)
		for i, r := range results {
			ts = append(ts, cellIn(resultMaps[i], r, col))
		}
		tot = append(tot, comparison{name: col, left: left, right: ts.since(start)})
	}
	cols := make([]comparison, 0, len(rows))
	for _, r := range rows {
		m, ok := req[r]
		if !ok {
			continue
		}
		left := ts.side(colIn(m, r, "total"))
		start := len(ts)
		for _, c := range requestCols[:6] {
			ts = append(ts, colIn(m, r, c))
		}
		cols = append(cols, comparison{name: r, left: left, right: ts.since(start)})
	}
	rev := make([]comparison, 0, len(reviewGroups))
	for _, g := range reviewGroups {
		m := t[ReviewLitigation][g]
		left := ts.side(colIn(m, g, "total"))
		start := len(ts)
		for _, l := range reviewLeaves[:4] {
			ts = append(ts, colIn(m, g, l))
		}
		rev = append(rev, comparison{name: g, left: left, right: ts.since(start)})
	}
	return []checkComparisons{
		{CheckRequestsBalance, Requests, bal},
		{CheckRequestsTotal, Requests, tot},
		{CheckRequestsColumns, Requests, cols},
		{CheckReviewTotals, ReviewLitigation, rev},
	}
}
