package tables

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// validIDs checks that a result only uses the ids of report-format.md.
func validIDs(t *testing.T, res Result) {
	t.Helper()
	switch res.Template {
	case "", Template2019, Template2021:
	default:
		t.Fatalf("template %q", res.Template)
	}
	for table, rows := range res.Tables {
		for row, cols := range rows {
			var want []string
			switch table {
			case Requests:
				want = requestCols
			case ReviewLitigation:
				want = reviewLeaves
			case Proactive:
				want = proactiveCols(Template2019, row)
				if res.Template == Template2021 && proactiveCols(Template2021, row) != nil {
					want = proactiveCols(Template2021, row)
				}
			default:
				t.Fatalf("table %q", table)
			}
			if len(cols) != len(want) {
				t.Fatalf("%s/%s has %d columns, want %d", table, row, len(cols), len(want))
			}
			for _, c := range want {
				if _, ok := cols[c]; !ok {
					t.Fatalf("%s/%s lacks %s", table, row, c)
				}
			}
		}
	}
	if len(RunChecks(res.Tables, res.Template)) != 4 {
		t.Fatal("RunChecks did not return 4 checks")
	}
}

func seedHTML(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "html", "*.html"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 20000 {
			f.Add(string(b))
		}
	}
	f.Add(reportTable)
	f.Add(`<table><tr><td rowspan=0 colspan=0>规章<td>1<tr><td colspan=-5>（七）总计<td>x`)
}

// FuzzFromHTML: any markup gives a result or an error, never a panic, and
// results only carry the spec's ids.
func FuzzFromHTML(f *testing.F) {
	seedHTML(f)
	f.Fuzz(func(t *testing.T, page string) {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
		if err != nil {
			return // the HTML parser's own limits (e.g. 512 open elements)
		}
		res, err := FromHTML(doc.Selection)
		if err != nil {
			t.Fatalf("FromHTML: %v", err)
		}
		validIDs(t, res)
	})
}

// FuzzFromText: any lines give a result, never a panic.
func FuzzFromText(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "text", "*.txt"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("规章\n1\n\n2\n3\n（七）总计\n\u3000\n1\n结果维持\n总计\n0\n")
	f.Fuzz(func(t *testing.T, text string) {
		res, err := FromText(strings.Split(text, "\n"))
		if err != nil {
			t.Fatalf("FromText: %v", err)
		}
		validIDs(t, res)
	})
}
