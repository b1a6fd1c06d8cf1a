package tables

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits that keep hostile markup from blowing memory: spans are capped
// and so is the number of grid slots a document may expand to.
const (
	maxRowspan     = 1000
	maxColspan     = 100
	maxTableSlots  = 200_000   // grid slots of one <table>
	maxTotalSlots  = 2_000_000 // grid slots of one document
	maxCellText    = 64 << 10  // bytes of text kept per cell
	maxTableCount  = 20_000    // <table> elements looked at per document
	maxRowsPerGrid = 50_000
	maxSharedRows  = 4096 // grid slots allocated up front for one table
)

// gcell is one <td>/<th> as placed in the grid.
type gcell struct {
	text  string
	lab   label
	start int // first grid column
	span  int // columns covered
	row   int // grid row where the cell starts
}

// grow is one grid row: the distinct cells covering it, left to right,
// including cells spanning down from rows above.
type grow struct {
	cells []*gcell
	table int // index of the <table> in document order
}

// gridLimits tracks the slots spent so far in one document.
type gridLimits struct {
	slots     int
	truncated bool
}

// collectTables returns the <table> elements under the given nodes in
// document order, without recursion (5,000 nested tables are a test case).
func collectTables(roots []*html.Node) []*html.Node {
	var out []*html.Node
	stack := make([]*html.Node, 0, 64)
	for i := len(roots) - 1; i >= 0; i-- {
		stack = append(stack, roots[i])
	}
	for len(stack) > 0 && len(out) < maxTableCount {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.Type == html.ElementNode && n.DataAtom == atom.Table {
			out = append(out, n)
		}
		// push children last-first so the walk is in document order
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
	return out
}

// tableRows returns the <tr> of a table (directly or via thead/tbody/tfoot),
// never those of nested tables.
func tableRows(t *html.Node) []*html.Node {
	var rows []*html.Node
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Tr:
			rows = append(rows, c)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for r := c.FirstChild; r != nil; r = r.NextSibling {
				if r.Type == html.ElementNode && r.DataAtom == atom.Tr {
					rows = append(rows, r)
				}
			}
		}
		if len(rows) >= maxRowsPerGrid {
			break
		}
	}
	return rows
}

// spanAttr reads rowspan/colspan, clamped to [1, max].
func spanAttr(n *html.Node, name string, max int) int {
	for _, a := range n.Attr {
		if a.Key == name {
			v, err := strconv.Atoi(strings.TrimSpace(a.Val))
			if err != nil || v < 1 {
				if err == nil && v == 0 && name == "rowspan" {
					return max // rowspan=0: to the end of the table
				}
				return 1
			}
			if v > max {
				return max
			}
			return v
		}
	}
	return 1
}

// buildGrid expands one table's row/col spans into grid rows.
func buildGrid(t *html.Node, tableIdx int, lim *gridLimits) []grow {
	trs := tableRows(t)
	if len(trs) == 0 {
		return nil
	}
	grid := make([][]*gcell, len(trs))
	// The cells live in one slab (the grid points into it): one allocation
	// per table instead of one per cell. The rows share one backing array
	// as wide as the widest row's own cells (a row that grows wider, with
	// cells spanning down from above, gets its own).
	n, width := 0, 0
	for _, tr := range trs {
		w := 0
		for td := tr.FirstChild; td != nil; td = td.NextSibling {
			if td.Type == html.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
				n++
				w += spanAttr(td, "colspan", maxColspan)
			}
		}
		width = max(width, w)
	}
	if len(trs)*width <= maxSharedRows {
		rows := make([]*gcell, len(trs)*width)
		for i := range grid {
			grid[i] = rows[i*width : i*width : (i+1)*width]
		}
	}
	slab := make([]gcell, 0, n)
	slots := 0
	for r, tr := range trs {
		c := 0
		for td := tr.FirstChild; td != nil; td = td.NextSibling {
			if td.Type != html.ElementNode || (td.DataAtom != atom.Td && td.DataAtom != atom.Th) {
				continue
			}
			for c < len(grid[r]) && grid[r][c] != nil {
				c++
			}
			rs := spanAttr(td, "rowspan", maxRowspan)
			if rs > len(trs)-r {
				rs = len(trs) - r
			}
			cs := spanAttr(td, "colspan", maxColspan)
			if slots+rs*cs > maxTableSlots || lim.slots+rs*cs > maxTotalSlots {
				lim.truncated = true
				return finishGrid(grid[:r], tableIdx)
			}
			slots += rs * cs
			lim.slots += rs * cs
			text := cellText(td)
			slab = append(slab, gcell{text: text, lab: classifyCell(text), start: c, span: cs, row: r})
			cell := &slab[len(slab)-1]
			for i := r; i < r+rs; i++ {
				if need := c + cs - len(grid[i]); need > 0 {
					grid[i] = append(grid[i], make([]*gcell, need)...)
				}
				for j := c; j < c+cs; j++ {
					if grid[i][j] == nil {
						grid[i][j] = cell
					}
				}
			}
			c += cs
		}
	}
	return finishGrid(grid, tableIdx)
}

// finishGrid lists each row's distinct cells left to right.
func finishGrid(grid [][]*gcell, tableIdx int) []grow {
	out := make([]grow, 0, len(grid))
	total := 0
	for _, slots := range grid {
		total += len(slots)
	}
	all := make([]*gcell, 0, total) // every row's cells, one allocation
	for _, slots := range grid {
		start := len(all)
		for _, c := range slots {
			if c == nil || (len(all) > start && all[len(all)-1] == c) {
				continue
			}
			all = append(all, c)
		}
		var cells []*gcell
		if len(all) > start {
			cells = all[start:len(all):len(all)]
		}
		out = append(out, grow{cells: cells, table: tableIdx})
	}
	return out
}

// cellText is the text of a cell without nested tables, scripts or
// styles; <br> and block ends become line breaks. It is capped at
// maxCellText bytes.
func cellText(td *html.Node) string {
	if c := td.FirstChild; c != nil && c.NextSibling == nil && c.Type == html.TextNode && len(c.Data) <= maxCellText {
		return collapseBreaks(c.Data) // most cells: one text node, nothing to build
	}
	var b strings.Builder
	var buf [16]*html.Node
	stack := buf[:0]
	for c := td.LastChild; c != nil; c = c.PrevSibling {
		stack = append(stack, c)
	}
	for len(stack) > 0 && b.Len() < maxCellText {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == nil { // marker: end of a block element
			b.WriteByte('\n')
			continue
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			continue
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Table, atom.Script, atom.Style, atom.Template:
				continue
			case atom.Br:
				b.WriteByte('\n')
				continue
			case atom.P, atom.Div, atom.Li:
				stack = append(stack, nil)
			}
		}
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
	s := b.String()
	if len(s) > maxCellText {
		s = s[:maxCellText]
		for len(s) > 0 && !utf8.RuneStart(s[len(s)-1]) { // drop a cut rune
			s = s[:len(s)-1]
		}
		if len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return collapseBreaks(s)
}

// collapseBreaks turns whitespace runs that contain a line break into one
// space, so a value split by <br> reads as one line.
func collapseBreaks(s string) string {
	if !strings.ContainsAny(s, "\n\r") {
		return s
	}
	var b strings.Builder
	inBreak := false
	for _, r := range s {
		if r == '\n' || r == '\r' {
			inBreak = true
			continue
		}
		if inBreak {
			if r == ' ' || r == '\t' {
				continue
			}
			b.WriteByte(' ')
			inBreak = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
