// Package pdffixture holds PDF fixtures of every corpus and synthetic report,
// rendered two ways as real agencies' PDFs are made: headless Chromium
// printing the HTML fixture of the report (a page "saved as PDF"), and
// LibreOffice converting its DOCX fixture (a Word document exported to PDF).
// Each PDF sits in testdata/ beside its truth: the cells of the source
// report, keyed as in report-format.md. The PDFs are committed, so tests
// that read them need neither program; `go test ./internal/pdffixture
// -run TestRegenerate -update` renders them again (see generate_test.go).
package pdffixture

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gongkai/gongkai/extract/tables"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// Renderers.
const (
	Chromium    = "chromium"    // headless Chromium, Page.printToPDF of the HTML fixture
	LibreOffice = "libreoffice" // soffice --headless --convert-to pdf of the DOCX fixture
)

// Variant is one way of rendering a report to PDF.
type Variant struct {
	Name     string        // part of the file name: "chromium-grid", "libreoffice-docx"
	Renderer string        // Chromium | LibreOffice
	HTML     fixture.Style // the HTML fixture's table style (Chromium only)
	// Borders, when set, names a border style laid over the page's own
	// (Borderless, ThreeLine): the tables lose their ruling lines, so the
	// reader must place cells from glyph positions alone. Such variants are
	// scored apart from the ruled ones (readback_test.go).
	Borders string
	// Reports, when set, limits the variant to these report ids (the
	// borderless renderings are a sample: each Chromium PDF is ~0.7 MB).
	Reports []string
}

// Border styles of the borderless variants.
const (
	Borderless = "borderless" // no ruling line at all
	ThreeLine  = "three-line" // 三线表: rules above and below the table and under the first header row only
)

// borderCSS is the style sheet appended to a page for each border style.
// !important beats the tables' border attributes and inline styles.
var borderCSS = map[string]string{
	Borderless: `table, tr, td, th { border: none !important; }`,
	ThreeLine: `table, tr, td, th { border: none !important; }
table { border-top: 1.5pt solid #000 !important; border-bottom: 1.5pt solid #000 !important; }
table tr:first-child > td, table tr:first-child > th { border-bottom: 0.75pt solid #000 !important; }`,
}

// borderlessSample is the reports rendered without borders: two corpus
// reports of the 2019 template (003 has the hardest labels) and two
// synthetic 2021 ones (syn2021-a is the one TestRegenerate re-renders).
var borderlessSample = []string{"001", "003", "syn2021-a", "syn2021-b"}

// Variants are the renderings made of every report: Chromium prints the
// official grid and the Word-exported page (labels broken by <br>, as in
// real PDFs), LibreOffice converts the DOCX.
var Variants = []Variant{
	{Name: "chromium-grid", Renderer: Chromium, HTML: fixture.StyleGrid},
	{Name: "chromium-word", Renderer: Chromium, HTML: fixture.StyleWord},
	{Name: "libreoffice-docx", Renderer: LibreOffice},
	{Name: "chromium-borderless", Renderer: Chromium, HTML: fixture.StyleGrid, Borders: Borderless, Reports: borderlessSample},
	{Name: "chromium-threeline", Renderer: Chromium, HTML: fixture.StyleGrid, Borders: ThreeLine, Reports: borderlessSample},
}

// ScoreGroup is the group a fixture's read-back is scored in: its
// renderer for ruled tables, the variant's name for a border style.
func ScoreGroup(t Truth) string {
	for _, v := range Variants {
		if v.Name == t.Variant && v.Borders != "" {
			return v.Name
		}
	}
	return t.Renderer
}

// AppliesTo says whether v renders r differently from the other variants:
// a legacy report has no tables, so its table styles print the same page.
func (v Variant) AppliesTo(r corpus.Report) bool {
	if v.Reports != nil && !slices.Contains(v.Reports, r.ID) {
		return false
	}
	return r.Template != corpus.TemplateLegacy || v.HTML == "" || v.HTML == fixture.StyleGrid
}

// Truth is a fixture's *.truth.json: the shape of the corpus PDFs' truth
// (corpus.PDFTruth: cells with a value as numbers, the checks) plus what a
// generated fixture knows besides: the source report, the renderer and the
// raw text of every cell, blank ones included.
type Truth struct {
	corpus.PDFTruth
	Report   string            `json:"report"`   // corpus.Report ID
	Variant  string            `json:"variant"`  // Variant.Name
	Renderer string            `json:"renderer"` // Chromium | LibreOffice
	Raw      map[string]string `json:"raw"`      // every cell "table.row.column" → text as printed ("" blank)
	// Legacy is the figures in sentences of a legacy report (no tables).
	Legacy []corpus.LegacyFigure `json:"legacy,omitempty"`
}

// Fixture is one generated PDF with its truth.
type Fixture struct {
	Name  string // file name in testdata/, e.g. "001.chromium-grid.pdf"
	Bytes []byte
	Truth Truth
}

//go:embed testdata/*.pdf testdata/*.truth.json
var testdata embed.FS

// All returns the committed fixtures in name order.
func All() ([]Fixture, error) {
	entries, err := testdata.ReadDir("testdata")
	if err != nil {
		return nil, fmt.Errorf("pdffixture: list testdata: %w", err)
	}
	var out []Fixture
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".pdf") {
			continue
		}
		b, err := testdata.ReadFile("testdata/" + name)
		if err != nil {
			return nil, fmt.Errorf("pdffixture: read %s: %w", name, err)
		}
		tb, err := testdata.ReadFile("testdata/" + strings.TrimSuffix(name, ".pdf") + ".truth.json")
		if err != nil {
			return nil, fmt.Errorf("pdffixture: truth of %s: %w", name, err)
		}
		f := Fixture{Name: name, Bytes: b}
		if err := json.Unmarshal(tb, &f.Truth); err != nil {
			return nil, fmt.Errorf("pdffixture: truth of %s: %w", name, err)
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// FileName is the testdata name of report id rendered as variant v.
func FileName(id string, v Variant) string { return id + "." + v.Name + ".pdf" }

// TruthOf is the truth of report r rendered as variant v: its metadata, its
// cells and the outcome of the checks on them.
func TruthOf(r corpus.Report, v Variant) Truth {
	t := Truth{
		PDFTruth: corpus.PDFTruth{
			File: FileName(r.ID, v), Title: r.Title, Agency: r.Agency, Year: r.Year,
			Template: r.Template, Cells: map[string]float64{}, Checks: map[string]string{},
		},
		Report: r.ID, Variant: v.Name, Renderer: v.Renderer, Raw: map[string]string{},
		Legacy: r.Legacy,
	}
	for table, rows := range r.Tables {
		for row, cols := range rows {
			for col, c := range cols {
				id := table + "." + row + "." + col
				t.Raw[id] = c.Raw
				if c.Value != nil {
					t.Cells[id] = *c.Value
				}
			}
		}
	}
	if len(r.Tables) > 0 {
		for _, ck := range tables.RunChecks(r.Tables, r.Template) {
			t.Checks[ck.ID] = ck.Status
		}
	}
	return t
}
