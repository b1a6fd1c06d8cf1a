package extract

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// TestPDFNotReadable: PDFs without a usable text layer (made by
// ghostscript and qpdf from the corpus, see testdata/pdf/README) give a
// record with tables_source "none" and a warning saying why, never an
// error or a table.
func TestPDFNotReadable(t *testing.T) {
	for _, c := range []struct{ file, warn string }{
		{"scanned.pdf", WarnPDFScanned},
		{"encrypted.pdf", WarnPDFEncrypted},
		{"truncated.pdf", WarnPDFUnreadable},
		{"garbage.pdf", WarnPDFUnreadable},
	} {
		t.Run(c.file, func(t *testing.T) {
			body := readTestdata(t, "pdf/"+c.file)
			rec, err := Extract(context.Background(), Input{URL: "http://www.hongze.gov.cn/2023年政府信息公开工作年度报告.pdf", Body: body})
			if err != nil {
				t.Fatal(err)
			}
			if rec.TablesSource != "none" || len(rec.Tables) != 0 || len(rec.Checks) != 0 {
				t.Errorf("tables_source %q, %d tables, %d checks; want none", rec.TablesSource, len(rec.Tables), len(rec.Checks))
			}
			if !hasWarningPrefix(rec.Warnings, c.warn+": ") {
				t.Errorf("warnings %q lack %q", rec.Warnings, c.warn)
			}
			// What the file name says is still known.
			if rec.Year != 2023 || rec.Kind != KindReport || rec.ContentType != "application/pdf" {
				t.Errorf("year %d kind %q content type %q", rec.Year, rec.Kind, rec.ContentType)
			}
		})
	}
}

// TestPDFOwnerPassword: a PDF encrypted with an empty user password (only
// printing or copying restricted) is read like any other.
func TestPDFOwnerPassword(t *testing.T) {
	rec, err := Extract(context.Background(), Input{URL: "http://x.gov.cn/a.pdf", Body: readTestdata(t, "pdf/owner-only.pdf")})
	if err != nil {
		t.Fatal(err)
	}
	// Page 4 of hongze_2023.pdf: the end of the requests table and table 四.
	c := rec.Tables["review_litigation"]["review"]["upheld"]
	if rec.TablesSource != "pdf" || c.Raw != "10" || c.Value == nil || *c.Value != 10 {
		t.Errorf("tables_source %q review.upheld %+v; warnings %q", rec.TablesSource, c, rec.Warnings)
	}
}

func hasWarningPrefix(ws []string, prefix string) bool {
	for _, w := range ws {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPDFLegacy: a legacy (pre-2019) report printed to PDF gives the same
// sentence figures as the corpus truth.
func TestPDFLegacy(t *testing.T) {
	r, err := corpus.ReportByID("004")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Extract(context.Background(), Input{URL: "http://www.fanwen.example/gongzuobaogao/12345.pdf", Body: readTestdata(t, "pdf/legacy_004.pdf")})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Template != TemplateLegacy || rec.TablesSource != "none" {
		t.Errorf("template %q tables_source %q", rec.Template, rec.TablesSource)
	}
	got := map[string]float64{}
	for _, f := range rec.LegacyFigures {
		got[f.Name] = f.Value
	}
	for _, f := range r.Legacy {
		if v, ok := got[f.Name]; !ok || v != f.Value {
			t.Errorf("%s: got %v (found %v), want %v", f.Name, v, ok, f.Value)
		}
	}
	if len(got) != len(r.Legacy) {
		t.Errorf("figures %v, want %d", got, len(r.Legacy))
	}
}
