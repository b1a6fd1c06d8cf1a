package tables

import (
	"github.com/PuerkitoBio/goquery"
)

// FromHTML finds the standard tables among the <table> elements under root
// (rowspan/colspan grids, explicit empty cells, Word-exported HTML, one
// table or one <table> per section). Rows and columns are located by their
// normalized labels. A page without the standard tables gives a Result with
// an empty Template and no Tables, not an error; the error is for a nil root.
func FromHTML(root *goquery.Selection) (Result, error) {
	return fromHTML(root)
}

// FromText reads the tables from text where every cell is a line of its own,
// in the order a browser lays the table out (the corpus texts, pages with no
// <table>, text extracted from DOCX). Blank cells are empty or
// whitespace-only lines.
func FromText(lines []string) (Result, error) {
	return fromText(lines)
}

// RunChecks runs the four consistency checks of report-format.md on t.
// It flags, never corrects. The result always holds the four checks, in
// the order requests.balance, requests.total, requests.columns,
// review_litigation.totals.
func RunChecks(t Tables, template string) []Check {
	return runChecks(t, template)
}
