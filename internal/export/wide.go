package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/extract/tables"
)

// wideHead are the leading columns of the wide CSV, before the figures.
var wideHead = []string{"url", "agency", "region", "year", "template", "kind", "sha256", "first_captured"}

// wideCells are the figure columns after the key figures, from the codebook:
// the 总计 column of every requests row, every review/litigation cell and
// every proactive cell of either template, named table.row.column.
func wideCells() []tables.CellID {
	var out []tables.CellID
	for _, pass := range []string{tables.Requests, tables.ReviewLitigation, tables.Proactive} {
		for _, e := range Codebook() {
			if e.Table != pass || e.Table == tables.Requests && e.Column != "total" {
				continue
			}
			out = append(out, tables.CellID{Table: e.Table, Row: e.Row, Column: e.Column})
		}
	}
	return out
}

// WideHeader is the header of the wide CSV: the leading columns, the key
// figures and failed_checks (as before), then title, published_date,
// tables_source, one column per figure of wideCells, and FileColumns.
func WideHeader() []string {
	h := append([]string(nil), wideHead...)
	for _, k := range KeyFigures {
		h = append(h, k.Name)
	}
	h = append(h, "failed_checks", "title", "published_date", "tables_source")
	for _, c := range wideCells() {
		h = append(h, c.Table+"."+c.Row+"."+c.Column)
	}
	return append(h, FileColumns...)
}

// CSVWide writes the report-level table: one row per report version with
// its metadata, every figure a researcher compares across agencies (the
// published values; blank when the report left the cell blank, integers
// without a decimal point) and its failed checks, ";"-separated. Without a
// --kind filter only kind report is written: copies on other sites would
// count one report twice. A report page and the attachments carrying the
// same report are one row (EachVersion), its tables from the file that
// has them and the files named in FileColumns.
func CSVWide(ctx context.Context, src Source, w io.Writer, f Filter, progress Progress) (Counts, error) {
	if len(f.Kinds) == 0 {
		f.Kinds = []string{extract.KindReport}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return Counts{}, fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(WideHeader()); err != nil {
		return Counts{}, fmt.Errorf("write csv: %w", err)
	}
	cells := wideCells()
	c, err := EachVersion(ctx, src, f, progress, func(rv ReportVersion) error {
		r := rv.Record
		first := ""
		if len(r.CapturedAt) > 0 {
			first = r.CapturedAt[0]
		}
		row := []string{r.URL, r.Agency, r.Region, yearString(r.Year), r.Template, r.Kind, r.SHA256, first}
		for _, k := range KeyFigures {
			cell, _ := Value(r.Tables, k.Table, k.Row, k.Column)
			row = append(row, FormatValue(cell.Value))
		}
		row = append(row, strings.Join(FailedCheckIDs(r), ";"), r.Title, r.Meta.PublishedDate, r.TablesSource)
		for _, id := range cells {
			cell, _ := Value(r.Tables, id.Table, id.Row, id.Column)
			row = append(row, FormatValue(cell.Value))
		}
		row = append(row, filesOf(r, rv.Publication).columns()...)
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		return nil
	})
	return c, finishCSV(cw, bw, err)
}

// FailedCheckIDs lists the ids of the record's failed checks in order.
func FailedCheckIDs(r *extract.Record) []string {
	var ids []string
	for _, ch := range r.Checks {
		if ch.Status == extract.CheckFailed {
			ids = append(ids, ch.ID)
		}
	}
	return ids
}

// FailedChecks joins the ids of the record's failed checks with spaces.
func FailedChecks(r *extract.Record) string {
	return strings.Join(FailedCheckIDs(r), " ")
}
