package publication

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/extract/tables"
)

// Info is what the export record adds for a grouped publication: every
// file that carries the report, where the tables came from, and the cells
// the files disagree on. Its JSON fields sit beside the record's own.
type Info struct {
	TablesURL string     `json:"tables_url,omitempty"` // the file the record's tables were read from
	Files     []File     `json:"files,omitempty"`      // the page first, then its attachments
	Conflicts []Conflict `json:"conflicts,omitempty"`  // cells the files publish differently
}

// File is one file of a publication.
type File struct {
	Role         string `json:"role"` // page | attachment
	URL          string `json:"url"`
	SHA256       string `json:"sha256"`
	ContentType  string `json:"content_type,omitempty"`
	TablesSource string `json:"tables_source"` // html | text | docx | pdf | none
	Cells        int    `json:"cells"`         // table cells read from this file
}

// Conflict is one cell two files publish with different values.
type Conflict struct {
	Cell   string      `json:"cell"` // table.row.column
	Values []CellValue `json:"values"`
}

// CellValue is one file's text of a conflicting cell ("" when absent).
type CellValue struct {
	URL          string `json:"url"`
	TablesSource string `json:"tables_source"`
	Raw          string `json:"raw"`
}

// Roles of a file.
const (
	RolePage       = "page"
	RoleAttachment = "attachment"
)

// TablesNone is tables_source of a file with no table read.
const TablesNone = "none"

// Merge makes the one record of a publication from the record of its page
// and the records of the attachments that carry the same report. The rule:
//
//   - Metadata (索引号, 发布机构, dates, URL, title) is the page's; what the
//     page lacks (a wrapper page's year, template, sections, legacy
//     figures) is taken from the attachments.
//   - Tables come from the file with the most cells, so the HTML table when
//     it is complete and the attachment when the page has none or only
//     part; on a tie the page wins, then DOCX (its cells are structure),
//     then PDF (its cells are rebuilt from glyph positions). Checks and
//     the text come with the tables.
//   - Every cell two files publish differently (by value; a blank against
//     a number counts) is a Conflict, and the record gets one warning
//     naming the cells, the files and which one the tables came from:
//     nothing is picked silently.
//
// The records are not modified; atts may be empty.
func Merge(page *extract.Record, atts []*extract.Record) (*extract.Record, *Info) {
	out := *page
	out.Warnings = append([]string(nil), page.Warnings...)
	info := &Info{}
	files := []*extract.Record{page}
	files = append(files, atts...)
	for i, r := range files {
		role := RoleAttachment
		if i == 0 {
			role = RolePage
		}
		info.Files = append(info.Files, File{Role: role, URL: r.URL, SHA256: r.SHA256,
			ContentType: r.ContentType, TablesSource: tablesSource(r), Cells: countCells(r.Tables)})
	}
	best := chooseTables(files, info.Files)
	if best >= 0 {
		src := files[best]
		info.TablesURL = src.URL
		out.Tables, out.TablesSource, out.Checks = src.Tables, tablesSource(src), src.Checks
		if src.Template != "" {
			out.Template = src.Template
		}
		if best > 0 {
			out.Text = src.Text
		}
	} else if out.TablesSource == "" {
		out.TablesSource = TablesNone
	}
	for _, a := range atts {
		fillMissing(&out, a)
		for _, w := range a.Warnings {
			out.Warnings = append(out.Warnings, a.URL+": "+w)
		}
	}
	if best >= 0 {
		info.Conflicts = conflicts(files, best)
		if w := conflictWarning(info.Conflicts, files[best]); w != "" {
			out.Warnings = append(out.Warnings, w)
		}
	}
	return &out, info
}

// chooseTables is the index of the file the tables come from, -1 if none
// has any: most cells, then page, DOCX, PDF, others.
func chooseTables(files []*extract.Record, meta []File) int {
	best := -1
	for i := range files {
		if meta[i].Cells == 0 {
			continue
		}
		if best < 0 || meta[i].Cells > meta[best].Cells ||
			meta[i].Cells == meta[best].Cells && rank(i, meta[i].TablesSource) < rank(best, meta[best].TablesSource) {
			best = i
		}
	}
	return best
}

func rank(i int, source string) int {
	switch {
	case i == 0:
		return 0
	case source == "docx":
		return 1
	case source == "pdf":
		return 2
	}
	return 3
}

func tablesSource(r *extract.Record) string {
	if r.TablesSource != "" {
		return r.TablesSource
	}
	if len(r.Tables) > 0 {
		return "html"
	}
	return TablesNone
}

func countCells(t tables.Tables) int {
	n := 0
	for _, rows := range t {
		for _, cols := range rows {
			n += len(cols)
		}
	}
	return n
}

// fillMissing takes from an attachment what the page record lacks.
func fillMissing(out, a *extract.Record) {
	if out.Year == 0 {
		out.Year = a.Year
	}
	if out.Template == "" {
		out.Template = a.Template
	}
	if out.Agency == "" {
		out.Agency = a.Agency
	}
	if out.Title == "" {
		out.Title = a.Title
	}
	if out.Sections == (extract.Sections{}) {
		out.Sections = a.Sections
	}
	if len(out.LegacyFigures) == 0 {
		out.LegacyFigures = a.LegacyFigures
	}
}

// conflicts lists the cells where a file with tables differs from the file
// the tables were taken from, in cell id order.
func conflicts(files []*extract.Record, best int) []Conflict {
	chosen := files[best]
	var out []Conflict
	byCell := map[string]*Conflict{}
	for i, f := range files {
		if i == best || len(f.Tables) == 0 {
			continue
		}
		for _, id := range unionIDs(chosen.Tables, f.Tables) {
			a, aok := cell(chosen.Tables, id)
			b, bok := cell(f.Tables, id)
			if !bok || aok && sameValue(a, b) {
				continue // a file that lacks a cell is incomplete, not in conflict
			}
			c := byCell[id]
			if c == nil {
				c = &Conflict{Cell: strings.ReplaceAll(id, "\x00", "."), Values: []CellValue{{URL: chosen.URL, TablesSource: tablesSource(chosen), Raw: a.Raw}}}
				byCell[id] = c
			}
			c.Values = append(c.Values, CellValue{URL: f.URL, TablesSource: tablesSource(f), Raw: b.Raw})
		}
	}
	for _, c := range byCell {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Cell < out[j].Cell })
	return out
}

// sameValue: both blank, or the same number (the raw text may differ:
// "1,268" and "1268", full-width digits).
func sameValue(a, b tables.Cell) bool {
	if a.Value == nil || b.Value == nil {
		return a.Value == nil && b.Value == nil
	}
	return *a.Value == *b.Value
}

func cell(t tables.Tables, id string) (tables.Cell, bool) {
	parts := strings.SplitN(id, "\x00", 3)
	c, ok := t[parts[0]][parts[1]][parts[2]]
	return c, ok
}

// unionIDs lists the cells of a and b as "table\x00row\x00column".
func unionIDs(a, b tables.Tables) []string {
	seen := map[string]bool{}
	var ids []string
	for _, t := range []tables.Tables{a, b} {
		for table, rows := range t {
			for row, cols := range rows {
				for col := range cols {
					id := table + "\x00" + row + "\x00" + col
					if !seen[id] {
						seen[id] = true
						ids = append(ids, id)
					}
				}
			}
		}
	}
	return ids
}

// conflictWarning is the record's warning about conflicts, naming up to
// ten cells.
func conflictWarning(cs []Conflict, chosen *extract.Record) string {
	if len(cs) == 0 {
		return ""
	}
	var parts []string
	for i, c := range cs {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("and %d more", len(cs)-10))
			break
		}
		var vs []string
		for _, v := range c.Values {
			raw := v.Raw
			if raw == "" {
				raw = "(blank)"
			}
			vs = append(vs, v.TablesSource+" "+raw)
		}
		parts = append(parts, c.Cell+": "+strings.Join(vs, " ≠ "))
	}
	return fmt.Sprintf("tables: the files of this report disagree on %d cells (%s); tables kept from %s %s",
		len(cs), strings.Join(parts, "; "), tablesSource(chosen), chosen.URL)
}
