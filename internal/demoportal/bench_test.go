package demoportal

import (
	"context"
	"testing"
)

// BenchmarkStart measures building and closing the whole portal (rendering
// every report, DOCX and navigation page, opening five listeners).
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		p, err := Start(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWalk measures the test walker fetching every page within depth
// 4 of every seed: the cost of serving one demo crawl.
func BenchmarkWalk(b *testing.B) {
	p, err := Start(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	pages := 0
	for b.Loop() {
		w := newWalker(4, 2000)
		for _, s := range p.Seeds() {
			if err := w.walk(s.URL); err != nil {
				b.Fatal(err)
			}
		}
		pages = len(w.bodies)
	}
	b.ReportMetric(float64(pages), "pages/walk")
}
