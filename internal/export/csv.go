package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// utf8BOM makes Excel read the file as UTF-8 instead of the local code page.
const utf8BOM = "\ufeff"

// LongHeader is the header of the long CSV format: the nine columns of the
// interface spec, then sha256 so two versions of one URL can be told apart,
// then what a researcher needs without a join: the report's region, kind,
// title and published date, the cell's official label (docs/codebook.csv)
// and its unit; then where the cell was read: the report's tables_source
// and tables_url (the attachment's, for a page given with the PDF or DOCX
// carrying its report) and conflict, what the report's other files publish
// in this cell when they differ ("pdf 58"; ";"-separated). Columns are only
// ever added at the end.
var LongHeader = []string{"url", "agency", "year", "template", "table", "row", "column", "raw", "value", "sha256",
	"region", "kind", "title", "published_date", "label_zh", "unit", "tables_source", "tables_url", "conflict"}

// CSV writes the long format: one row per report version × table cell,
// UTF-8 with a BOM.
func CSV(ctx context.Context, src Source, w io.Writer, f Filter, progress Progress) (Counts, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return Counts{}, fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(LongHeader); err != nil {
		return Counts{}, fmt.Errorf("write csv: %w", err)
	}
	c, err := EachVersion(ctx, src, f, progress, func(rv ReportVersion) error {
		r := rv.Record
		year := yearString(r.Year)
		tablesURL := filesOf(r, rv.Publication).TablesURL
		conflicts := cellConflicts(rv.Publication)
		for _, cell := range Cells(r.Tables, r.Template) {
			row := []string{r.URL, r.Agency, year, r.Template, cell.Table, cell.Row, cell.Column,
				cell.Cell.Raw, FormatValue(cell.Cell.Value), r.SHA256,
				r.Region, r.Kind, r.Title, r.Meta.PublishedDate,
				LabelZH(r.Template, cell.Table, cell.Row, cell.Column), Unit(cell.Table, cell.Row, cell.Column),
				r.TablesSource, tablesURL, conflicts[cell.Table+"."+cell.Row+"."+cell.Column]}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
		return nil
	})
	return c, finishCSV(cw, bw, err)
}

// KeyFigure is one column of the wide CSV: a cell every report has.
type KeyFigure struct {
	Name               string // column header
	Table, Row, Column string
}

// KeyFigures are the figures a spreadsheet user asks for first, in the
// order of the wide CSV and the history table.
var KeyFigures = []KeyFigure{
	{"received", "requests", "received", "total"},       // 本年新收申请
	{"carried_in", "requests", "carried_in", "total"},   // 上年结转
	{"granted", "requests", "granted", "total"},         // 予以公开
	{"total", "requests", "total", "total"},             // （七）总计: requests handled
	{"carried_out", "requests", "carried_out", "total"}, // 结转下年度继续办理
	{"review.total", "review_litigation", "review", "total"},
	{"suit_direct.total", "review_litigation", "suit_direct", "total"},
	{"suit_after_review.total", "review_litigation", "suit_after_review", "total"},
}

func yearString(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

func finishCSV(cw *csv.Writer, bw *bufio.Writer, err error) error {
	cw.Flush()
	if werr := cw.Error(); err == nil && werr != nil {
		err = fmt.Errorf("write csv: %w", werr)
	}
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write csv: %w", ferr)
	}
	return err
}
