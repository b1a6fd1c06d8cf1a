package extract

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/corpus"
)

// flatCells lists a record's cells as table.row.column → value (blank cells left out).
func flatCells(t Tables) map[string]float64 {
	out := map[string]float64{}
	for table, rows := range t {
		for row, cols := range rows {
			for col, c := range cols {
				if c.Value != nil {
					out[table+"."+row+"."+col] = *c.Value
				}
			}
		}
	}
	return out
}

// TestPDFCorpusCells reads both real PDF reports through Extract and
// compares every cell, the metadata and the checks with the hand-checked
// truth.
func TestPDFCorpusCells(t *testing.T) {
	pdfs, err := corpus.PDFs()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pdfs {
		t.Run(p.Name, func(t *testing.T) {
			rec, err := Extract(context.Background(), Input{URL: "http://www.hongze.gov.cn/" + p.Name, Body: p.Bytes})
			if err != nil {
				t.Fatal(err)
			}
			tr := p.Truth
			if rec.TablesSource != "pdf" || rec.Kind != KindReport {
				t.Fatalf("tables_source %q kind %q; warnings %q", rec.TablesSource, rec.Kind, rec.Warnings)
			}
			if rec.Title != tr.Title || rec.Agency != tr.Agency || rec.Year != tr.Year || rec.Template != tr.Template {
				t.Errorf("metadata: title %q agency %q year %d template %q; want %q %q %d %q",
					rec.Title, rec.Agency, rec.Year, rec.Template, tr.Title, tr.Agency, tr.Year, tr.Template)
			}
			got := flatCells(rec.Tables)
			var bad []string
			for k, want := range tr.Cells {
				if v, ok := got[k]; !ok || v != want {
					bad = append(bad, fmt.Sprintf("%s: got %v (present %v), want %v", k, v, ok, want))
				}
			}
			for k, v := range got {
				if _, ok := tr.Cells[k]; !ok {
					bad = append(bad, fmt.Sprintf("%s: extra cell %v", k, v))
				}
			}
			sort.Strings(bad)
			if len(bad) > 0 {
				t.Errorf("%d of %d cells wrong:\n%s\nwarnings: %q", len(bad), len(tr.Cells), strings.Join(bad, "\n"), rec.Warnings)
			}
			checks := map[string]string{}
			for _, c := range rec.Checks {
				checks[c.ID] = c.Status
			}
			for id, want := range tr.Checks {
				if checks[id] != want {
					t.Errorf("check %s: %s, want %s", id, checks[id], want)
				}
			}
		})
	}
}
