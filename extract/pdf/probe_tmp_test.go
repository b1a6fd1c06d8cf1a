package pdf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestProbeRules(t *testing.T) {
	dir := os.Getenv("PROBE_DIR")
	if dir == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(dir + "/*.pdf")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		doc, err := testEngine(t).Read(context.Background(), b, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		err = AddRules(context.Background(), b, doc)
		d := time.Since(t0)
		n := 0
		for _, p := range doc.Pages {
			n += len(p.Rules)
		}
		fmt.Printf("%s: %d rules, %v, err %v\n", filepath.Base(f), n, d, err)
	}
}

func TestProbeTables(t *testing.T) {
	f := os.Getenv("PROBE_FILE")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	doc, _ := testEngine(t).Read(context.Background(), b, Limits{})
	lines, tabs := layout(doc)
	for _, tb := range tabs {
		fmt.Printf("table p%d x %.1f-%.1f y %.1f-%.1f off %.0f cols %d rows %d\n", tb.page, tb.x0(), tb.x1(), tb.y0(), tb.y1(), tb.offset, len(tb.xs)-1, len(tb.ys)-1)
		for _, c := range tb.cells {
			fmt.Printf("   r%d c%d %dx%d %q\n", c.row, c.col, c.rowspan, c.colspan, glyphText(c.glyphs, 1))
		}
	}
	for _, l := range lines {
		fmt.Printf("line p%d y %.1f-%.1f %s\n", l.Page, l.Y0, l.Y1, l.Text())
	}
}
