package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/gongkai/gongkai/extract/tables"
)

// CodebookPath is where the repository ships the codebook, relative to its
// root (kept current by TestCodebookFileIsCurrent; `crawl export --format
// codebook` writes the same bytes).
const CodebookPath = "docs/codebook.csv"

// CodebookEntry describes one cell id of the export: what the templates
// print for it, in which templates it exists, its unit and an English gloss.
type CodebookEntry struct {
	Table, Row, Column string
	Templates          []string // "2019", "2021": the templates whose layout has this cell
	TableLabel         string   // 二、主动公开政府信息情况 ...
	// Official labels per template ("" when the template has no such row or
	// column): 规范性文件 (2019) became 行政规范性文件 (2021).
	RowLabel2019, RowLabel2021       string
	ColumnLabel2019, ColumnLabel2021 string
	Unit                             string // 件, 项, 万元
	Gloss                            string // English
}

// CodebookHeader is the header of the codebook CSV.
var CodebookHeader = []string{"table", "row", "column", "templates", "table_label_zh",
	"row_label_zh_2019", "row_label_zh_2021", "column_label_zh_2019", "column_label_zh_2021", "unit", "gloss_en"}

// Codebook lists every cell id the table parser can emit
// (tables.KnownCells), in printed order, with its labels, unit and gloss.
func Codebook() []CodebookEntry {
	var out []CodebookEntry
	for _, id := range tables.KnownCells() {
		e := CodebookEntry{Table: id.Table, Row: id.Row, Column: id.Column, Unit: Unit(id.Table, id.Row, id.Column)}
		for _, tmpl := range []string{tables.Template2019, tables.Template2021} {
			l, _ := tables.LayoutOf(tmpl, id.Table)
			e.TableLabel = l.Title
			// A column label only where this row has the column: 采购总金额
			// is procurement's amount, not the fees'.
			row, col := rowLabel(l, id.Row), ""
			if row != "" && hasColumn(l, id.Row, id.Column) {
				col = l.ColumnLabel(id.Column)
				e.Templates = append(e.Templates, tmpl)
			}
			if tmpl == tables.Template2019 {
				e.RowLabel2019, e.ColumnLabel2019 = row, col
			} else {
				e.RowLabel2021, e.ColumnLabel2021 = row, col
			}
		}
		e.Gloss = gloss(id.Table, id.Row, id.Column)
		out = append(out, e)
	}
	return out
}

// WriteCodebook writes the codebook as CSV (UTF-8 with a BOM, like the
// other CSV exports).
func WriteCodebook(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return fmt.Errorf("write codebook: %w", err)
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(CodebookHeader); err != nil {
		return fmt.Errorf("write codebook: %w", err)
	}
	for _, e := range Codebook() {
		row := []string{e.Table, e.Row, e.Column, strings.Join(e.Templates, ";"), e.TableLabel,
			e.RowLabel2019, e.RowLabel2021, e.ColumnLabel2019, e.ColumnLabel2021, e.Unit, e.Gloss}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write codebook: %w", err)
		}
	}
	return finishCSV(cw, bw, nil)
}

// LabelZH is the official label of a cell under a template: the row label
// and the column label joined by " / " (一、本年新收政府信息公开申请数量 / 自然人).
// A row or column the template lacks is labelled as the other template
// prints it; an id no template knows gives "".
func LabelZH(template, table, row, column string) string {
	other := tables.Template2021
	if template == tables.Template2021 {
		other = tables.Template2019
	}
	var r, c string
	for _, tmpl := range []string{template, other} {
		l, _ := tables.LayoutOf(tmpl, table)
		if r == "" {
			r = rowLabel(l, row)
		}
		if c == "" {
			c = l.ColumnLabel(column)
		}
	}
	if r == "" || c == "" {
		return ""
	}
	return r + " / " + c
}

func rowLabel(l tables.Layout, row string) string {
	for _, r := range l.Rows {
		if r.ID == row {
			return r.Label
		}
	}
	return ""
}

func hasColumn(l tables.Layout, row, col string) bool {
	for _, c := range l.ColumnsOf(row) {
		if c == col {
			return true
		}
	}
	return false
}

// Unit is the unit of a cell's value: 万元 for money (normalized by the
// parser), 项 for counts of licensing/fee items, 件 for documents,
// decisions, applications and cases.
func Unit(table, row, column string) string {
	switch {
	case table == tables.Proactive && column == "amount":
		return "万元"
	case table == tables.Proactive && (column == "prev_items" || column == "change" || column == "projects"):
		return "项"
	}
	return "件"
}

// Glosses of rows and columns; a cell's gloss is "row: column".
var (
	proactiveRowGloss = map[string]string{
		"rules":          "Departmental rules",
		"normative_docs": "Normative documents",
		"licensing":      "Administrative licensing",
		"other_services": "Other external administrative services",
		"penalty":        "Administrative penalties",
		"enforcement":    "Administrative coercion",
		"fees":           "Administrative fees",
		"procurement":    "Centralised government procurement",
	}
	proactiveColGloss = map[string]string{
		"made":       "newly made this year",
		"published":  "newly published this year",
		"total":      "total publicly available",
		"prev_items": "items in the previous year",
		"change":     "increase/decrease of items this year",
		"decisions":  "decisions made this year",
		"projects":   "procurement projects",
		"amount":     "amount (10,000 yuan)",
		"issued":     "issued this year",
		"repealed":   "repealed this year",
		"in_force":   "currently in force",
	}
	requestRowGloss = map[string]string{
		"received":                 "Applications received this year",
		"carried_in":               "Applications carried over from last year",
		"granted":                  "Outcome: disclosed in full",
		"partial":                  "Outcome: disclosed in part",
		"denied.state_secret":      "Outcome: withheld, state secret",
		"denied.prohibited_by_law": "Outcome: withheld, other laws forbid disclosure",
		"denied.three_safeties":    "Outcome: withheld, endangers the 'three safeties and one stability'",
		"denied.third_party":       "Outcome: withheld, protects a third party's lawful rights",
		"denied.internal_affairs":  "Outcome: withheld, internal affairs information",
		"denied.process_info":      "Outcome: withheld, process information",
		"denied.enforcement_file":  "Outcome: withheld, administrative enforcement file",
		"denied.query_matter":      "Outcome: withheld, administrative query matter",
		"unable.not_held":          "Outcome: cannot provide, the agency does not hold it",
		"unable.needs_creation":    "Outcome: cannot provide, would have to be newly made",
		"unable.unclear":           "Outcome: cannot provide, still unclear after correction",
		"rejected.petition":        "Outcome: not handled, petition/complaint",
		"rejected.repeat":          "Outcome: not handled, repeated application",
		"rejected.publication":     "Outcome: not handled, asks for a publication",
		"rejected.mass_repeat":     "Outcome: not handled, mass repeated applications without good reason",
		"rejected.confirm":         "Outcome: not handled, asks to confirm or reissue information already held",
		"other":                    "Outcome: other handling",
		"other.no_correction":      "Outcome: other, applicant did not correct in time",
		"other.no_fee":             "Outcome: other, applicant did not pay the fee in time",
		"other.other":              "Outcome: other, other",
		"total":                    "Total applications handled",
		"carried_out":              "Applications carried over to next year",
	}
	requestColGloss = map[string]string{
		"natural_person": "natural persons",
		"commercial":     "commercial enterprises",
		"research":       "research institutions",
		"social_welfare": "social welfare organisations",
		"legal_service":  "legal service institutions",
		"other_org":      "other organisations",
		"total":          "all applicants",
	}
	reviewRowGloss = map[string]string{
		"review":            "Administrative reconsideration",
		"suit_direct":       "Lawsuit without prior reconsideration",
		"suit_after_review": "Lawsuit after reconsideration",
	}
	reviewColGloss = map[string]string{
		"upheld":    "decision upheld",
		"corrected": "decision corrected",
		"other":     "other outcome",
		"pending":   "not yet concluded",
		"total":     "total",
	}
)

func gloss(table, row, col string) string {
	var r, c string
	switch table {
	case tables.Proactive:
		r, c = proactiveRowGloss[row], proactiveColGloss[col]
	case tables.Requests:
		r, c = requestRowGloss[row], requestColGloss[col]
	case tables.ReviewLitigation:
		r, c = reviewRowGloss[row], reviewColGloss[col]
	}
	if r == "" || c == "" {
		return ""
	}
	return r + ": " + c
}
