package pdf

import (
	"cmp"
	"slices"
)

// Ruled tables: a table drawn with borders has its cell grid in its rules.
// The rules of a page are joined into groups that touch (a table), each
// group's horizontal and vertical rules give the row and column lines, and
// a cell spans the grid squares no rule separates (rowspan/colspan, the
// vertical 三、本年度办理结果 column). Glyphs are then placed in the cell
// under their centre. A table without enough rules (a three-line table, a
// borderless one) is left to the position-only method of grid.go.

// snapTol is how far apart two rules may be and still be one line: cell
// borders drawn per cell are offset by a fraction of a point, double lines
// are two or three points apart, and no cell that holds text is this thin.
const snapTol = 3.0

// line is a rule reduced to its centre line: at pos (y of a horizontal
// rule, x of a vertical one), from lo to hi along it.
type line struct{ pos, lo, hi float64 }

// gridCell is one cell of a ruled table: its grid square and spans, and
// its box in page coordinates.
type gridCell struct {
	row, col, rowspan, colspan int
	x0, y0, x1, y1             float64
	glyphs                     []Glyph
}

// ruledTable is a table found from rules on one page.
type ruledTable struct {
	page   int
	xs, ys []float64 // column and row lines, ascending
	cells  []gridCell
	// at[r][c] is the index in cells of the cell over grid square (r, c).
	at [][]int
}

func (t *ruledTable) x0() float64 { return t.xs[0] }
func (t *ruledTable) x1() float64 { return t.xs[len(t.xs)-1] }
func (t *ruledTable) y0() float64 { return t.ys[0] }
func (t *ruledTable) y1() float64 { return t.ys[len(t.ys)-1] }

// ruledTables finds the ruled tables of a page.
func ruledTables(p Page) []*ruledTable {
	var hs, vs []line
	for _, r := range p.Rules {
		if r.Horizontal() {
			hs = append(hs, line{(r.Y0 + r.Y1) / 2, r.X0, r.X1})
		} else {
			vs = append(vs, line{(r.X0 + r.X1) / 2, r.Y0, r.Y1})
		}
	}
	if len(hs) < 2 || len(vs) < 2 || len(hs)+len(vs) > 8000 {
		return nil
	}
	hs, vs = mergeLines(hs), mergeLines(vs)
	var out []*ruledTable
	for _, g := range touchingGroups(hs, vs) {
		if t := gridFrom(g.h, g.v); t != nil {
			t.page = p.Number
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b *ruledTable) int { return cmp.Compare(a.y0(), b.y0()) })
	return out
}

// mergeLines joins rules on one line (positions within snapTol) whose
// extents overlap or nearly touch: a border drawn per cell becomes one line.
func mergeLines(ls []line) []line {
	slices.SortFunc(ls, func(a, b line) int {
		return cmp.Or(cmp.Compare(a.pos, b.pos), cmp.Compare(a.lo, b.lo))
	})
	// Cluster positions, then merge extents within each cluster.
	var out []line
	for i := 0; i < len(ls); {
		j := i + 1
		for j < len(ls) && ls[j].pos-ls[j-1].pos <= snapTol/2 {
			j++
		}
		group := slices.Clone(ls[i:j])
		pos := 0.0
		for _, l := range group {
			pos += l.pos
		}
		pos /= float64(len(group))
		slices.SortFunc(group, func(a, b line) int { return cmp.Compare(a.lo, b.lo) })
		cur := line{pos, group[0].lo, group[0].hi}
		for _, l := range group[1:] {
			if l.lo <= cur.hi+snapTol {
				cur.hi = max(cur.hi, l.hi)
				continue
			}
			out = append(out, cur)
			cur = line{pos, l.lo, l.hi}
		}
		out = append(out, cur)
		i = j
	}
	return out
}

type lineGroup struct{ h, v []line }

// touchingGroups splits the lines into groups that touch one another:
// each group is one table (or one box, which gridFrom then rejects).
func touchingGroups(hs, vs []line) []lineGroup {
	n := len(hs) + len(vs)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, h := range hs {
		for j, v := range vs {
			if v.pos >= h.lo-snapTol && v.pos <= h.hi+snapTol && h.pos >= v.lo-snapTol && h.pos <= v.hi+snapTol {
				parent[find(i)] = find(len(hs) + j)
			}
		}
	}
	groups := map[int]*lineGroup{}
	var order []int
	for i := 0; i < n; i++ {
		r := find(i)
		g := groups[r]
		if g == nil {
			g = &lineGroup{}
			groups[r] = g
			order = append(order, r)
		}
		if i < len(hs) {
			g.h = append(g.h, hs[i])
		} else {
			g.v = append(g.v, vs[i-len(hs)])
		}
	}
	out := make([]lineGroup, 0, len(order))
	for _, r := range order {
		out = append(out, *groups[r])
	}
	return out
}

// positions clusters line positions (within snapTol) into ascending grid lines.
func positions(ls []line) []float64 {
	ps := make([]float64, 0, len(ls))
	for _, l := range ls {
		ps = append(ps, l.pos)
	}
	slices.Sort(ps)
	var out []float64
	for i := 0; i < len(ps); {
		j := i + 1
		for j < len(ps) && ps[j]-ps[j-1] <= snapTol {
			j++
		}
		out = append(out, (ps[i]+ps[j-1])/2)
		i = j
	}
	return out
}

// gridFrom builds a table from one group of touching lines, or nil when
// they do not make at least two columns and one row (a box round a
// paragraph, an underline, a three-line table's rules).
func gridFrom(hs, vs []line) *ruledTable {
	if len(hs) < 2 || len(vs) < 2 {
		return nil
	}
	xs, ys := positions(vs), positions(hs)
	// A table drawn without its outer side borders (or top and bottom)
	// still ends where its other lines end.
	lo, hi := extent(hs)
	if lo < xs[0]-snapTol {
		xs = append([]float64{lo}, xs...)
	}
	if hi > xs[len(xs)-1]+snapTol {
		xs = append(xs, hi)
	}
	lo, hi = extent(vs)
	if lo < ys[0]-snapTol {
		ys = append([]float64{lo}, ys...)
	}
	if hi > ys[len(ys)-1]+snapTol {
		ys = append(ys, hi)
	}
	if len(xs) < 3 || len(ys) < 2 || len(xs) > 64 || len(ys) > 400 {
		return nil
	}
	nr, nc := len(ys)-1, len(xs)-1
	// vbar(r, k): a vertical line at xs[k] along row r; hbar(k, c): a
	// horizontal line at ys[k] along column c. The outer edges always are.
	vat, hat := linesAt(vs, xs), linesAt(hs, ys)
	vbar := func(r, k int) bool {
		return k == 0 || k == nc || covered(vat[k], ys[r], ys[r+1])
	}
	hbar := func(k, c int) bool {
		return k == 0 || k == nr || covered(hat[k], xs[c], xs[c+1])
	}
	t := &ruledTable{xs: xs, ys: ys, at: make([][]int, nr)}
	for r := range t.at {
		t.at[r] = make([]int, nc)
		for c := range t.at[r] {
			t.at[r][c] = -1
		}
	}
	for r := 0; r < nr; r++ {
		for c := 0; c < nc; c++ {
			if t.at[r][c] >= 0 {
				continue
			}
			cs := 1
			for c+cs < nc && !vbar(r, c+cs) && t.at[r][c+cs] < 0 {
				cs++
			}
			rs := 1
		down:
			for r+rs < nr {
				for k := c; k < c+cs; k++ {
					if hbar(r+rs, k) || t.at[r+rs][k] >= 0 {
						break down
					}
				}
				rs++
			}
			idx := len(t.cells)
			t.cells = append(t.cells, gridCell{row: r, col: c, rowspan: rs, colspan: cs,
				x0: xs[c], y0: ys[r], x1: xs[c+cs], y1: ys[r+rs]})
			for i := r; i < r+rs; i++ {
				for k := c; k < c+cs; k++ {
					t.at[i][k] = idx
				}
			}
		}
	}
	return t
}

func extent(ls []line) (lo, hi float64) {
	lo, hi = 1e18, -1e18
	for _, l := range ls {
		lo, hi = min(lo, l.lo), max(hi, l.hi)
	}
	return lo, hi
}

// linesAt groups the lines by the grid line they lie on.
func linesAt(ls []line, ps []float64) [][]line {
	out := make([][]line, len(ps))
	for _, l := range ls {
		k, _ := slices.BinarySearch(ps, l.pos-snapTol)
		if k < len(ps) && abs(ps[k]-l.pos) <= snapTol {
			out[k] = append(out[k], l)
		}
	}
	return out
}

// covered reports whether the lines cover most of [lo, hi].
func covered(ls []line, lo, hi float64) bool {
	n := 0.0
	for _, l := range ls {
		n += max(0, min(hi, l.hi)-max(lo, l.lo))
	}
	return n >= 0.6*(hi-lo)
}

// place puts each glyph whose centre lies in the table into its cell and
// returns the glyphs left outside.
func (t *ruledTable) place(gs []Glyph) (rest []Glyph) {
	for _, g := range gs {
		x, y := (g.X0+g.X1)/2, (g.Y0+g.Y1)/2
		if x < t.x0() || x > t.x1() || y < t.y0() || y > t.y1() {
			rest = append(rest, g)
			continue
		}
		c, _ := slices.BinarySearch(t.xs, x)
		r, _ := slices.BinarySearch(t.ys, y)
		c, r = min(max(c-1, 0), len(t.xs)-2), min(max(r-1, 0), len(t.ys)-2)
		i := t.at[r][c]
		t.cells[i].glyphs = append(t.cells[i].glyphs, g)
	}
	return rest
}
