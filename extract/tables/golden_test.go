package tables_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	. "github.com/gongkai/gongkai/extract/tables"
	"github.com/gongkai/gongkai/internal/corpus"
)

// golden is a hand-verified expectation: testdata/golden/NNN.json.
//
// How the goldens were verified: the corpus figures were read off a numbered
// listing of each corpus text (every line shown with its blanks, tabs,
// U+3000 and NBSP) and typed into testdata/tools/goldens.py, which writes
// the JSON; they were not copied from the parser's output. The 2021 goldens
// hold our own figures, chosen so that the 勾稽关系 holds (2021a) or the
// per-row 总计 is left blank as many agencies do (2021b).
type golden struct {
	Note     string `json:"note"`
	Template string `json:"template"`
	Tables   Tables `json:"tables"`
}

func loadGolden(t *testing.T, name string) golden {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("golden %s: %v", name, err)
	}
	return g
}

// diffTables lists every cell where got and want differ, in both directions.
func diffTables(got, want Tables) []string {
	var diffs []string
	show := func(c Cell) string {
		if c.Value == nil {
			return fmt.Sprintf("%q/null", c.Raw)
		}
		return fmt.Sprintf("%q/%v", c.Raw, *c.Value)
	}
	for table, rows := range want {
		for row, cols := range rows {
			for col, w := range cols {
				g, ok := got[table][row][col]
				switch {
				case !ok:
					diffs = append(diffs, fmt.Sprintf("%s/%s/%s: missing, want %s", table, row, col, show(w)))
				case g.Raw != w.Raw || (g.Value == nil) != (w.Value == nil) || (g.Value != nil && *g.Value != *w.Value):
					diffs = append(diffs, fmt.Sprintf("%s/%s/%s: got %s, want %s", table, row, col, show(g), show(w)))
				}
			}
		}
	}
	for table, rows := range got {
		for row, cols := range rows {
			for col := range cols {
				if _, ok := want[table][row][col]; !ok {
					diffs = append(diffs, fmt.Sprintf("%s/%s/%s: unexpected cell", table, row, col))
				}
			}
		}
	}
	sort.Strings(diffs)
	return diffs
}

func countCells(t Tables) int {
	n := 0
	for _, rows := range t {
		for _, cols := range rows {
			n += len(cols)
		}
	}
	return n
}

func TestFromTextCorpus(t *testing.T) {
	for _, name := range []string{"000", "001", "002", "003"} {
		t.Run(name, func(t *testing.T) {
			text, err := corpus.TextByPrefix(name)
			if err != nil {
				t.Fatal(err)
			}
			want := loadGolden(t, name)
			res, err := FromText(strings.Split(text.Body, "\n"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Template != want.Template || res.Source != "text" {
				t.Errorf("template %q source %q, want %q text", res.Template, res.Source, want.Template)
			}
			for _, d := range diffTables(res.Tables, want.Tables) {
				t.Error(d)
			}
			// 2019 template: 8 proactive rows (22 cells), 23×7 requests, 15 review.
			if n := countCells(res.Tables); n != 22+23*7+15 {
				t.Errorf("%d cells, want %d", n, 22+23*7+15)
			}
		})
	}
}

// TestFromTextCorpus003Warnings: the published text of 003 lacks one cell in
// 四、结转下年度继续办理 and one in table 四; the reader says so.
func TestFromTextCorpus003Warnings(t *testing.T) {
	text, err := corpus.TextByPrefix("003")
	if err != nil {
		t.Fatal(err)
	}
	res, err := FromText(strings.Split(text.Body, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(res.Warnings, "\n")
	for _, w := range []string{"requests/carried_out: 6 cells for 7 columns", "review_litigation: 14 cells for 15 columns"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings %q lack %q", res.Warnings, w)
		}
	}
}

func TestFromTextLegacyHasNoTables(t *testing.T) {
	text, err := corpus.TextByPrefix("004")
	if err != nil {
		t.Fatal(err)
	}
	res, err := FromText(strings.Split(text.Body, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Template != "" || res.Tables != nil {
		t.Errorf("legacy copy: template %q, %d cells; want none", res.Template, countCells(res.Tables))
	}
}

func parseHTMLFile(t testing.TB, path string) Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := goquery.NewDocumentFromReader(f)
	if err != nil {
		t.Fatal(err)
	}
	res, err := FromHTML(doc.Selection)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestFromHTMLFixtures reads the same reports laid out as portals publish
// them; every cell must equal the golden of the report.
func TestFromHTMLFixtures(t *testing.T) {
	cases := []struct {
		file, golden, layout string
	}{
		{"grid_001.html", "001", "official rowspan/colspan grid, table 二 split per section, NBSP-padded figures"},
		{"empty_003.html", "003", "explicit empty cells instead of spans, U+3000 blanks, 105.46万"},
		{"word_000.html", "000", "Word export: MsoNormal paragraphs, spans, <br> in labels"},
		{"mismatch_002.html", "002", "one big table whose header colspans do not line up with the data"},
		{"2021a.html", "2021a", "official 2021 layout"},
		{"2021b.html", "2021b", "2021, Word export, split tables inside a layout table, 元 and full-width figures"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			want := loadGolden(t, c.golden)
			res := parseHTMLFile(t, filepath.Join("testdata", "html", c.file))
			if res.Template != want.Template || res.Source != "html" {
				t.Errorf("%s: template %q source %q, want %q html", c.layout, res.Template, res.Source, want.Template)
			}
			for _, d := range diffTables(res.Tables, want.Tables) {
				t.Errorf("%s: %s", c.layout, d)
			}
			if len(res.Warnings) > 0 {
				t.Errorf("%s: unexpected warnings %q", c.layout, res.Warnings)
			}
		})
	}
}

// TestCorpus001ChecksFail: 001 as published fails three checks; table 四 adds up.
func TestCorpus001ChecksFail(t *testing.T) {
	text, err := corpus.TextByPrefix("001")
	if err != nil {
		t.Fatal(err)
	}
	res, err := FromText(strings.Split(text.Body, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	html := parseHTMLFile(t, filepath.Join("testdata", "html", "grid_001.html"))
	for _, src := range []Result{res, html} {
		got := map[string]Check{}
		for _, c := range RunChecks(src.Tables, src.Template) {
			got[c.ID] = c
		}
		want := map[string]struct{ status, detail string }{
			CheckRequestsBalance: {CheckFailed, "natural_person: received 16 + carried_in 0 = 16 ≠ total 0 + carried_out 0 = 0"},
			CheckRequestsTotal:   {CheckFailed, "natural_person: total 0 ≠ granted 7 + partial 2 + denied.query_matter 2 + unable.not_held 5 + unable.needs_creation 1 + unable.unclear 1"},
			CheckRequestsColumns: {CheckFailed, "partial: total 8 ≠ natural_person 2 + commercial (blank)"},
			CheckReviewTotals:    {CheckOK, ""},
		}
		for id, w := range want {
			c := got[id]
			if c.Status != w.status || !strings.Contains(c.Detail, w.detail) {
				t.Errorf("%s (%s): %s %q, want %s containing %q", id, src.Source, c.Status, c.Detail, w.status, w.detail)
			}
		}
	}
}

// TestFixtureChecks: the checks on the corpus and the 2021 fixtures.
func TestFixtureChecks(t *testing.T) {
	cases := []struct {
		golden string
		want   [4]string // balance, total, columns, review
	}{
		{"000", [4]string{CheckOK, CheckOK, CheckOK, CheckOK}},
		{"002", [4]string{CheckOK, CheckOK, CheckOK, CheckOK}},
		{"003", [4]string{CheckSkipped, CheckSkipped, CheckSkipped, CheckSkipped}},
		{"2021a", [4]string{CheckOK, CheckOK, CheckOK, CheckOK}},
		{"2021b", [4]string{CheckOK, CheckOK, CheckOK, CheckOK}},
	}
	for _, c := range cases {
		g := loadGolden(t, c.golden)
		checks := RunChecks(g.Tables, g.Template)
		for i, ch := range checks {
			if ch.Status != c.want[i] {
				t.Errorf("%s %s: %s (%s), want %s", c.golden, ch.ID, ch.Status, ch.Detail, c.want[i])
			}
		}
	}
	// 2021b leaves the per-row 总计 blank except on 一, 二, （七）, 四: only
	// those four rows are compared by requests.columns.
	g := loadGolden(t, "2021b")
	if c := RunChecks(g.Tables, g.Template)[2]; c.Detail != "4 of 25 compared" {
		t.Errorf("2021b requests.columns detail %q, want 4 of 25 compared", c.Detail)
	}
}
