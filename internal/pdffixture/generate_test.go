package pdffixture

import (
	"context"
	"flag"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/testenv"
)

var update = flag.Bool("update", false, "render testdata/*.pdf again with chromium and soffice and rewrite their truth")

// TestRegenerate renders reports with both programs. With -update it
// renders every report and rewrites testdata/; without, it renders one
// 2021-template report in each variant (about 8 s instead of 35) and
// requires the reader to read what the installed programs make now as well
// as the committed fixtures of that report.
func TestRegenerate(t *testing.T) {
	if testing.Short() && !*update {
		t.Skip("PDF regeneration skipped in -short mode")
	}
	if !*update {
		testenv.SkipUnlessSlow(t, "renders a report with Chromium and LibreOffice")
		t.Parallel() // beside TestReadBack: the programs run out of process
	}
	progs := FindPrograms()
	if m := progs.Missing(); len(m) > 0 {
		if *update {
			t.Fatalf("-update needs %s", strings.Join(m, " and "))
		}
		t.Skipf("PDF regeneration skipped: %s not installed (apt-get install chromium libreoffice-writer-nogui fonts-noto-cjk; .ci/run does this)", strings.Join(m, " and "))
	}
	reports, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	if !*update {
		reports = slices.DeleteFunc(reports, func(r corpus.Report) bool { return r.ID != "syn2021-a" })
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	fixtures, err := Render(ctx, progs, reports)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d PDFs rendered in %v", len(fixtures), time.Since(start).Round(time.Millisecond))
	want := 0
	for _, r := range reports {
		for _, v := range Variants {
			if v.AppliesTo(r) {
				want++
			}
		}
	}
	if len(fixtures) != want {
		t.Fatalf("%d PDFs, want %d", len(fixtures), want)
	}
	for _, f := range fixtures {
		if !strings.HasPrefix(string(f.Bytes), "%PDF-") {
			t.Errorf("%s: not a PDF", f.Name)
		}
	}
	if *update {
		if err := Write("testdata", fixtures); err != nil {
			t.Fatal(err)
		}
		return
	}
	// Compare with the committed fixtures of the same reports: the programs
	// installed here must make PDFs the reader reads as well (within 2
	// points: another Chromium or LibreOffice version lays text out a
	// little differently).
	committed, err := All()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range fixtures {
		names[f.Name] = true
	}
	committed = slices.DeleteFunc(committed, func(f Fixture) bool { return !names[f.Name] })
	now, before := readBack(t, fixtures), readBack(t, committed)
	for r, s := range now {
		was := 1.0 // a renderer with no committed fixture of these reports
		if b := before[r]; b != nil {
			was = b.share()
		}
		t.Logf("%s: %d of %d cells exact (%.2f%%) rendered now, %.2f%% committed", r, s.exact, s.cells, 100*s.share(), 100*was)
		if s.share() < was-0.02 {
			sort.Strings(s.missed)
			t.Errorf("%s: rendered now reads %.2f%% exact, the committed fixtures %.2f%%; missed:\n%s", r, 100*s.share(), 100*was, strings.Join(s.missed, "\n"))
		}
	}
}
