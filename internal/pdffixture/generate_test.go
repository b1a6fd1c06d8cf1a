package pdffixture

import (
	"context"
	"flag"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/corpus"
)

var update = flag.Bool("update", false, "render testdata/*.pdf again with chromium and soffice and rewrite their truth")

// TestRegenerate renders reports with both programs. With -update it
// renders every report and rewrites testdata/; without, it renders one
// 2021-template report in each variant (about 8 s instead of 35) and reads
// what the installed programs make now back as TestReadBack reads the
// committed fixtures.
func TestRegenerate(t *testing.T) {
	if testing.Short() && !*update {
		t.Skip("PDF regeneration skipped in -short mode")
	}
	if !*update {
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
	readCheck(t, fixtures)
}
