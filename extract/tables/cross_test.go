package tables_test

import (
	"bytes"
	"testing"

	"github.com/PuerkitoBio/goquery"

	. "github.com/gongkai/gongkai/extract/tables"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// TestGoldensAgreeWithCorpusTruth compares two independent hand
// transcriptions of the corpus tables: ours (testdata/golden) and the
// fixtures package's truth (internal/corpus/truth).
func TestGoldensAgreeWithCorpusTruth(t *testing.T) {
	for _, id := range []string{"000", "001", "002", "003"} {
		r, err := corpus.ReportByID(id)
		if err != nil {
			t.Fatal(err)
		}
		g := loadGolden(t, id)
		if r.Template != g.Template {
			t.Errorf("%s: truth template %q, golden %q", id, r.Template, g.Template)
		}
		for _, d := range diffTables(r.Tables, g.Tables) {
			t.Errorf("%s: truth vs golden: %s", id, d)
		}
	}
}

// TestFixtureRenders parses every report of internal/corpus rendered by
// internal/fixture in every table style that has a <table>, and its text
// lines, and compares every cell with the truth.
func TestFixtureRenders(t *testing.T) {
	reports, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if r.Tables == nil {
			continue
		}
		for _, style := range []fixture.Style{fixture.StyleGrid, fixture.StyleFlat, fixture.StyleWord, fixture.StyleMismatch} {
			page, err := fixture.Render(r, fixture.Options{Style: style, Chrome: true})
			if err != nil {
				t.Fatalf("%s %s: %v", r.ID, style, err)
			}
			doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page.Body))
			if err != nil {
				t.Fatal(err)
			}
			res, err := FromHTML(doc.Selection)
			if err != nil {
				t.Fatalf("%s %s: %v", r.ID, style, err)
			}
			if res.Template != r.Template {
				t.Errorf("%s %s: template %q, want %q", r.ID, style, res.Template, r.Template)
			}
			for _, d := range diffTables(res.Tables, r.Tables) {
				t.Errorf("%s %s: %s", r.ID, style, d)
			}
			if len(res.Warnings) > 0 {
				t.Errorf("%s %s: warnings %q", r.ID, style, res.Warnings)
			}
		}
		res, err := FromText(r.Lines)
		if err != nil {
			t.Fatal(err)
		}
		if res.Template != r.Template {
			t.Errorf("%s text: template %q, want %q", r.ID, res.Template, r.Template)
		}
		for _, d := range diffTables(res.Tables, r.Tables) {
			t.Errorf("%s text: %s", r.ID, d)
		}
	}
}
