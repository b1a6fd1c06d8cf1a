package pdffixture

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/corpus"
)

// targetExact is the share of truth cells the PDF reader is to read
// exactly, per renderer (issue 13: ≥ 99.9%); the test requires it and
// lists every missed cell. Reached on every renderer since the reader
// builds ruled tables from their borders (BENCHMARKS.md: 2,780 of 2,780
// Chromium cells, 1,390 of 1,390 LibreOffice cells).
const targetExact = 0.999

// borderlessFloor is what the reader reaches on the borderless variants,
// where no ruling line draws the grid and cells come from glyph positions
// alone (the position-only method). These are floors against regression,
// not the target: raise them as that method improves. meta is how many
// fixtures may be read with the wrong metadata or no tables (003, the
// 康川街道 report, gives "no standard tables found" in both styles).
var borderlessFloor = map[string]struct {
	exact float64
	meta  int
}{
	"chromium-borderless": {0.997, 1}, // 794 of 796 cells
	"chromium-threeline":  {0.997, 1}, // 794 of 796 cells
}

// readScore is what reading fixtures back found, for one renderer.
type readScore struct {
	cells, exact int
	missed       []string // "fixture cell: got … want …"
	meta         []string // fixtures read with the wrong template or year, or no tables
}

func (s readScore) share() float64 {
	if s.cells == 0 {
		return 0
	}
	return float64(s.exact) / float64(s.cells)
}

// readBack extracts every fixture with the PDF reader (extract.Extract, as
// the crawler does) and scores its cells against the truth, by ScoreGroup
// (the renderer, or the border style of a borderless variant).
// A cell is exact when the record has it with the truth's value (blank for
// a blank or "/" cell), or the truth's cell is blank and the record leaves
// it out; a cell the truth does not have is a miss too.
func readBack(t *testing.T, fixtures []Fixture) map[string]*readScore {
	t.Helper()
	scores := map[string]*readScore{}
	for _, f := range fixtures {
		group := ScoreGroup(f.Truth)
		s := scores[group]
		if s == nil {
			s = &readScore{}
			scores[group] = s
		}
		rec, err := extract.Extract(context.Background(), extract.Input{
			URL: "http://www.example.gov.cn/files/" + f.Name, Body: f.Bytes, ContentType: "application/pdf"})
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if rec.TablesSource != "pdf" && len(f.Truth.Raw) > 0 {
			s.meta = append(s.meta, fmt.Sprintf("%s: tables_source %q, warnings %q", f.Name, rec.TablesSource, rec.Warnings))
		}
		got := map[string]extract.Cell{}
		for table, rows := range rec.Tables {
			for row, cols := range rows {
				for col, c := range cols {
					got[table+"."+row+"."+col] = c
				}
			}
		}
		for id, raw := range f.Truth.Raw {
			s.cells++
			want, hasValue := f.Truth.Cells[id]
			c, ok := got[id]
			delete(got, id)
			switch {
			case !ok && !hasValue && strings.Trim(raw, " \t\u3000\u00a0") == "":
				s.exact++ // a blank cell left out is not a miss (as the HTML path leaves them)
			case !ok:
				s.missed = append(s.missed, fmt.Sprintf("%s %s: absent, want %q", f.Name, id, raw))
			case hasValue != (c.Value != nil) || hasValue && *c.Value != want:
				s.missed = append(s.missed, fmt.Sprintf("%s %s: got %q, want %q", f.Name, id, c.Raw, raw))
			default:
				s.exact++
			}
		}
		for id, c := range got {
			s.cells++ // an invented cell counts against the reader
			s.missed = append(s.missed, fmt.Sprintf("%s %s: extra cell %q", f.Name, id, c.Raw))
		}
		if rec.Template != f.Truth.Template || rec.Year != f.Truth.Year {
			s.meta = append(s.meta, fmt.Sprintf("%s: template %q year %d, want %q %d", f.Name, rec.Template, rec.Year, f.Truth.Template, f.Truth.Year))
		}
		if got, want := legacyText(rec.LegacyFigures), legacyTruth(f.Truth.Legacy); got != want {
			s.meta = append(s.meta, fmt.Sprintf("%s: legacy figures %s, want %s", f.Name, got, want))
		}
	}
	return scores
}

// legacyText and legacyTruth write legacy figures as name=value lists.
func legacyText(figs []extract.LegacyFigure) string {
	var parts []string
	for _, f := range figs {
		parts = append(parts, fmt.Sprintf("%s=%g", f.Name, f.Value))
	}
	return strings.Join(parts, " ")
}

func legacyTruth(figs []corpus.LegacyFigure) string {
	out := make([]extract.LegacyFigure, len(figs))
	for i, f := range figs {
		out[i] = extract.LegacyFigure(f)
	}
	return legacyText(out)
}

// readCheck requires, per score group, the target share of exact cells
// (the floor for a borderless variant), and logs the figures.
func readCheck(t *testing.T, fixtures []Fixture) {
	t.Helper()
	scores := readBack(t, fixtures)
	renderers := make([]string, 0, len(scores))
	for r := range scores {
		renderers = append(renderers, r)
	}
	sort.Strings(renderers)
	for _, r := range renderers {
		s := scores[r]
		sort.Strings(s.missed)
		want, maxMeta := targetExact, 0
		if f, ok := borderlessFloor[r]; ok {
			want, maxMeta = f.exact, f.meta
		}
		t.Logf("%s: %d of %d cells exact (%.2f%%; want ≥ %.2f%%); %d fixtures with wrong metadata or no tables", r, s.exact, s.cells,
			100*s.share(), 100*want, len(s.meta))
		if len(s.meta) > maxMeta {
			t.Errorf("%s: fixtures read with the wrong metadata, legacy figures or no tables:\n%s", r, strings.Join(s.meta, "\n"))
		}
		if s.share() < want {
			t.Errorf("%s: %d of %d cells exact (%.2f%%), want ≥ %.1f%%; missed:\n%s\n%s", r, s.exact, s.cells,
				100*s.share(), 100*want, strings.Join(s.missed, "\n"), strings.Join(s.meta, "\n"))
		} else if testing.Verbose() && len(s.missed)+len(s.meta) > 0 {
			t.Logf("%s: missed:\n%s\n%s", r, strings.Join(s.missed, "\n"), strings.Join(s.meta, "\n"))
		}
	}
}

// TestReadBack reads every committed fixture with the PDF reader (about
// 35 s: Chromium's Type 3 CJK fonts take the reader 1–3 s a file).
func TestReadBack(t *testing.T) {
	if testing.Short() {
		t.Skip("PDF read-back of the rendered fixtures skipped in -short mode")
	}
	fixtures, err := All()
	if err != nil {
		t.Fatal(err)
	}
	readCheck(t, fixtures)
}
