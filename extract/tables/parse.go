package tables

import (
	"errors"

	"github.com/PuerkitoBio/goquery"
)

// errNotImplemented marks the contract before the implementation lands.
var errNotImplemented = errors.New("tables: not implemented yet")

// FromHTML finds the standard tables among the <table> elements under root
// (rowspan/colspan grids, explicit empty cells, Word-exported HTML).
func FromHTML(root *goquery.Selection) (Result, error) {
	return Result{}, errNotImplemented
}

// FromText reads the tables from text where every cell is a line of its own,
// in the order a browser lays the table out (the corpus texts, pages with no
// <table>, text extracted from DOCX).
func FromText(lines []string) (Result, error) {
	return Result{}, errNotImplemented
}

// RunChecks runs the four consistency checks of report-format.md on t.
// It flags, never corrects.
func RunChecks(t Tables, template string) []Check {
	return nil
}
