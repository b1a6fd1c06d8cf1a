package pdf

import (
	"cmp"
	"slices"
	"strings"

	"github.com/gongkai/gongkai/extract/tables"
)

// Tables without a grid of borders (three-line tables, borderless ones;
// ruled.go takes the others) are rebuilt from positions alone. A value line is a line whose
// last run is a figure (or a blank mark such as — or /). Lines with two runs
// far apart, and value lines, are tabular; a zone of the document runs
// from one tabular line to the next until a wide line of running text ends
// it. Inside a zone:
//
//   - value lines are data rows; their runs right of the labels are cells;
//   - a line with text over the figures' columns is a header line; header
//     lines in a row are one header band, whose runs are merged into cells
//     where one sits right under another (商业 / 企业, 结果 / 维持);
//   - a line with text only left of the figures holds labels: each of its
//     runs goes to the nearest data row of its segment (a label broken
//     over two or three lines, a group label centred on its rows,
//     vertical text), and a row's label runs are merged into cells by x;
//   - the figures' columns are the overlapping x-ranges of the value runs
//     of a segment (the rows between two header bands), so a row missing a
//     figure gets a blank cell in the right place.
//
// The zone is written as an HTML table, one <tr> per header band row and
// per data row; the tables stage then finds the labels, ids and columns
// exactly as it does for a web page.

// zoneLine is a line of a zone with what it was recognised as.
type zoneLine struct {
	Line
	value  bool // a data row
	header bool // text over the figures
	labels []Run
}

// isValueText reports a figure or a blank mark: digits (half- or
// full-width) with . , % and a unit, or — - / alone.
func isValueText(s string) bool {
	s = strings.TrimSpace(s)
	switch s {
	case "—", "——", "-", "－", "/", "／", "─", "–":
		return true
	}
	for _, u := range []string{"万元", "元", "件", "个", "条", "项", "%", "％"} {
		if strings.HasSuffix(s, u) && len(s) > len(u) {
			s = strings.TrimSuffix(s, u)
			break
		}
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９':
			digits++
		case r == '.' || r == ',' || r == '．' || r == '，':
		default:
			return false
		}
	}
	return digits > 0
}

func isValueLine(l Line) bool {
	return len(l.Runs) > 0 && isValueText(l.Runs[len(l.Runs)-1].Text) && !l.Runs[len(l.Runs)-1].Vertical
}

// isTabular: a value line, or runs far apart on one line.
func isTabular(l Line, width float64) bool {
	if isValueLine(l) {
		return true
	}
	if isProse(l, width) {
		return false
	}
	for i := 1; i < len(l.Runs); i++ {
		if l.Runs[i].X0-l.Runs[i-1].X1 > 1.5*max(l.em(), 6) {
			return true
		}
	}
	return false
}

// textWidth is the width of the text block of the lines' pages: the
// widest extent of any line.
func textWidth(lines []Line) float64 {
	lo, hi := 1e9, -1e9
	for _, l := range lines {
		lo, hi = min(lo, l.x0()), max(hi, l.x1())
	}
	return max(hi-lo, 1)
}

// isProse: running text across more than 60% of the text block, its runs
// covering most of the line (justified CJK text leaves gaps around
// punctuation, a table row leaves wide ones between its cells).
func isProse(l Line, width float64) bool {
	if isValueLine(l) || l.Runs[0].Vertical {
		return false
	}
	extent := l.x1() - l.x0()
	if extent <= 0.6*width {
		return false
	}
	covered := 0.0
	for _, r := range l.Runs {
		covered += r.X1 - r.X0
	}
	return covered > 0.75*extent
}

// zones returns the [start, end) ranges of tabular zones among lines.
func zones(lines []Line) [][2]int {
	width := textWidth(lines)
	var out [][2]int
	start, last := -1, -1
	for i, l := range lines {
		switch {
		case isTabular(l, width):
			if start < 0 {
				start = i
			}
			last = i
		case isProse(l, width) && start >= 0:
			out = append(out, [2]int{start, last + 1})
			start, last = -1, -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, last + 1})
	}
	return out
}

// column is the x-range of one column of figures.
type column struct{ x0, x1 float64 }

// segment is data rows between two header bands, with their columns.
type segment struct {
	rows []int // indexes into the zone's lines
	cols []column
}

// buildZone classifies the lines of one zone and returns them with the
// segments of data rows.
func buildZone(lines []Line) ([]zoneLine, []segment) {
	zl := make([]zoneLine, len(lines))
	for i, l := range lines {
		zl[i] = zoneLine{Line: l, value: isValueLine(l)}
	}
	// The left edge of the figures: the first value run of each data row;
	// text right of the nearest data row's edge is header text.
	valueX0 := func(i int) float64 {
		for _, r := range zl[i].Runs {
			if isValueText(r.Text) {
				return r.X0
			}
		}
		return zl[i].x1()
	}
	nearestValue := func(i int) int {
		best, bd := -1, 1e18
		for j := range zl {
			if zl[j].value {
				if d := abs((zl[j].Y0 + zl[j].Y1) - (zl[i].Y0 + zl[i].Y1)); d < bd {
					best, bd = j, d
				}
			}
		}
		return best
	}
	for i := range zl {
		if zl[i].value {
			continue
		}
		j := nearestValue(i)
		if j < 0 {
			zl[i].header = true
			continue
		}
		edge := valueX0(j)
		for _, r := range zl[i].Runs {
			if r.X1 > edge+2 && !r.Vertical {
				zl[i].header = true
			}
		}
	}
	// Segments: data rows between header lines.
	var segs []segment
	cur := segment{}
	for i := range zl {
		switch {
		case zl[i].header:
			if len(cur.rows) > 0 {
				segs = append(segs, cur)
			}
			cur = segment{}
		case zl[i].value:
			cur.rows = append(cur.rows, i)
		}
	}
	if len(cur.rows) > 0 {
		segs = append(segs, cur)
	}
	// Label lines: each run to the nearest data row of its segment.
	segOf := make(map[int]int)
	for si, s := range segs {
		for _, r := range s.rows {
			segOf[r] = si
		}
	}
	for i := range zl {
		if zl[i].value || zl[i].header {
			continue
		}
		j := nearestInSegment(zl, i)
		if j < 0 || tables.IsHeading(zl[i].Text()) {
			zl[i].header = true // a caption line with no row near it
			continue
		}
		zl[j].labels = append(zl[j].labels, zl[i].Runs...)
	}
	for si := range segs {
		segs[si].cols = columns(zl, segs[si].rows)
		segs[si].cols = addHeaderColumns(segs[si].cols, headerAbove(zl, segs[si].rows[0]), labelEdge(zl, segs[si].rows))
	}
	return zl, segs
}

// headerAbove is the runs of the header lines right above data row i.
func headerAbove(zl []zoneLine, i int) []Run {
	var runs []Run
	j := i - 1
	for j >= 0 && !zl[j].value && !zl[j].header {
		j-- // label lines between the header and the first row
	}
	for ; j >= 0 && zl[j].header; j-- {
		runs = append(runs, zl[j].Runs...)
	}
	return runs
}

// labelEdge is the right edge of the labels of a segment's rows.
func labelEdge(zl []zoneLine, rows []int) float64 {
	edge := -1e18
	for _, i := range rows {
		for _, r := range labelRuns(zl[i]) {
			edge = max(edge, r.X1)
		}
	}
	return edge
}

// addHeaderColumns adds the columns that no row of a segment fills: a
// column left blank in every row (corpus 001's organisation columns) has
// no figure to find it by, but its header still stands over it. A header
// cell counts when nothing of the header sits under it (a leaf: 商业企业,
// not 法人或其他组织), it lies right of the labels and over no column of
// figures.
func addHeaderColumns(cols []column, header []Run, edge float64) []column {
	if len(cols) == 0 || len(header) == 0 {
		return cols
	}
	cells := stackCells(joinWords(header))
	type box struct{ x0, y0, x1, y1 float64 }
	boxes := make([]box, len(cells))
	for i, c := range cells {
		x0, y0, x1, y1 := bounds(c)
		boxes[i] = box{x0, y0, x1, y1}
	}
	added := false
	for i, b := range boxes {
		if b.x0 < edge {
			continue
		}
		leaf := true
		for j, o := range boxes {
			if j != i && o.y0 >= b.y1 && min(o.x1, b.x1)-max(o.x0, b.x0) > 0 {
				leaf = false
			}
		}
		over := false
		for _, c := range cols {
			if c.x0 <= b.x1 && c.x1 >= b.x0 {
				over = true
			}
		}
		if leaf && !over {
			cols = append(cols, column{b.x0, b.x1})
			added = true
		}
	}
	if added {
		slices.SortFunc(cols, func(a, b column) int { return cmp.Compare(a.x0, b.x0) })
	}
	return cols
}

// nearestInSegment is the data row nearest to label line i that no header
// line separates from it, within about two lines (a heading between two
// tables, further away, is no row's label).
func nearestInSegment(zl []zoneLine, i int) int {
	c := zl[i].Y0 + zl[i].Y1
	best, bd := -1, 2*2.2*max(zl[i].em(), 4) // distances are of doubled centres
	for j := i - 1; j >= 0 && !zl[j].header; j-- {
		if zl[j].value {
			if d := c - (zl[j].Y0 + zl[j].Y1); d < bd {
				best, bd = j, d
			}
			break
		}
	}
	for j := i + 1; j < len(zl) && !zl[j].header; j++ {
		if zl[j].value {
			if d := (zl[j].Y0 + zl[j].Y1) - c; d < bd {
				best = j
			}
			break
		}
	}
	return best
}

// columns clusters the value runs of a segment's rows by overlapping x-range.
func columns(zl []zoneLine, rows []int) []column {
	var cs []column
	for _, i := range rows {
		for _, r := range valueRuns(zl[i].Line) {
			cs = append(cs, column{r.X0, r.X1})
		}
	}
	slices.SortFunc(cs, func(a, b column) int { return cmp.Compare(a.x0, b.x0) })
	var out []column
	for _, c := range cs {
		if n := len(out); n > 0 && c.x0 <= out[n-1].x1+1 {
			out[n-1].x1 = max(out[n-1].x1, c.x1)
			continue
		}
		out = append(out, c)
	}
	return out
}

// valueRuns are the runs of a data row from its first figure on.
func valueRuns(l Line) []Run {
	for k, r := range l.Runs {
		if isValueText(r.Text) {
			// Every later run is a cell too, figures or not.
			return l.Runs[k:]
		}
	}
	return nil
}

// labelRuns are the runs of a data row left of its figures, plus the
// label runs given to it from the lines around.
func labelRuns(z zoneLine) []Run {
	var out []Run
	for _, r := range z.Runs {
		if isValueText(r.Text) {
			break
		}
		out = append(out, r)
	}
	return append(out, z.labels...)
}

// cellText joins runs into one cell's text: by line, top to bottom, then
// left to right; lines joined with a space (labels broken over lines are
// joined again by the label normalisation, which drops spaces).
func cellText(rs []Run) string {
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b Run) int {
		// same line when the vertical centres are within half an em
		if abs((a.Y0+a.Y1)-(b.Y0+b.Y1)) < max(a.Em, b.Em) {
			return cmp.Compare(a.X0, b.X0)
		}
		return cmp.Compare(a.Y0+a.Y1, b.Y0+b.Y1)
	})
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(r.Text)
	}
	return b.String()
}

// clusterX merges runs whose x-ranges overlap or nearly touch (less than
// one em apart) into cells, left to right. A run that starts on one of
// edges (labelEdges), right of all the cell so far, begins a cell of its
// own even that close (a run overlapping the cell above it stays): a table
// printed without padding sets a narrow group label (（四）无 / 法提供,
// wrapped) right against the item beside it (2.没有现成信息…).
func clusterX(rs []Run, edges []float64) [][]Run {
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b Run) int { return cmp.Compare(a.X0, b.X0) })
	var out [][]Run
	lo, hi := 0.0, 0.0
	for _, r := range rs {
		em := max(r.Em, 4)
		if n := len(out); n > 0 && r.X0 < hi+em && !(onEdge(r.X0, edges) && r.X0 > lo+em && r.X0 >= hi) {
			out[n-1] = append(out[n-1], r)
			hi = max(hi, r.X1)
			continue
		}
		out = append(out, []Run{r})
		lo, hi = r.X0, r.X1
	}
	return out
}

// edgeTolerance is how far apart (pt) the left ends of two cells' text
// may be and still be one column's edge.
const edgeTolerance = 1.5

// labelEdges are the left edges of the label columns of a zone: x
// positions where label text starts in at least three data rows (every
// row's label cell starts at its column's left edge, flush as a table
// sets it; a word inside a label lands elsewhere).
func labelEdges(zl []zoneLine) []float64 {
	type start struct {
		x   float64
		row int
	}
	var starts []start
	for i := range zl {
		if zl[i].value {
			for _, r := range labelRuns(zl[i]) {
				starts = append(starts, start{r.X0, i})
			}
		}
	}
	slices.SortFunc(starts, func(a, b start) int { return cmp.Compare(a.x, b.x) })
	var edges []float64
	for i := 0; i < len(starts); {
		j, rows := i, map[int]bool{}
		for j < len(starts) && starts[j].x-starts[i].x <= edgeTolerance {
			rows[starts[j].row] = true
			j++
		}
		if len(rows) >= 3 {
			edges = append(edges, starts[i].x)
		}
		i = j
	}
	return edges
}

// onEdge: x is on one of the edges (each the leftmost start of its group).
func onEdge(x float64, edges []float64) bool {
	for _, e := range edges {
		if x >= e-0.1 && x <= e+edgeTolerance+0.1 {
			return true
		}
	}
	return false
}

// stackCells merges the runs of a header band into cells: runs that
// overlap in x and sit one right under the other (less than 0.7 em apart)
// are one cell. It returns the cells, each as its runs.
func stackCells(rs []Run) [][]Run {
	n := len(rs)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a, b := rs[i], rs[j]
			if a.Y0 > b.Y0 {
				a, b = b, a
			}
			em := max(a.Em, b.Em)
			xo := min(a.X1, b.X1) - max(a.X0, b.X0)
			gap := b.Y0 - a.Y1
			if xo > 0 && gap < 0.7*em && gap > -0.3*em {
				parent[find(i)] = find(j)
			}
		}
	}
	groups := map[int][]Run{}
	var order []int
	for i := range rs {
		r := find(i)
		if _, ok := groups[r]; !ok {
			order = append(order, r)
		}
		groups[r] = append(groups[r], rs[i])
	}
	out := make([][]Run, 0, len(order))
	for _, r := range order {
		out = append(out, groups[r])
	}
	return out
}

func bounds(rs []Run) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = 1e18, 1e18, -1e18, -1e18
	for _, r := range rs {
		x0, y0, x1, y1 = min(x0, r.X0), min(y0, r.Y0), max(x1, r.X1), max(y1, r.Y1)
	}
	return
}

// joinWords joins runs that continue each other on a line (总 计 set
// with spaces between its characters to fill the cell): drawn one after
// the other and less than 1.2 em apart.
func joinWords(rs []Run) []Run {
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b Run) int { return cmp.Compare(a.Seq0, b.Seq0) })
	var out []Run
	for _, r := range rs {
		if n := len(out); n > 0 && !r.Vertical && !out[n-1].Vertical && r.follows(out[n-1]) &&
			r.X0 > out[n-1].X0 && r.X0-out[n-1].X1 < 1.2*max(r.Em, out[n-1].Em) &&
			min(r.Y1, out[n-1].Y1)-max(r.Y0, out[n-1].Y0) > 0 {
			p := &out[n-1]
			p.Text += r.Text
			p.X1, p.Y0, p.Y1, p.Seq1 = max(p.X1, r.X1), min(p.Y0, r.Y0), max(p.Y1, r.Y1), r.Seq1
			p.Em = max(p.Em, r.Em)
			continue
		}
		out = append(out, r)
	}
	return out
}
