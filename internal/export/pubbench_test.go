package export

import (
	"context"
	"testing"

	"github.com/gongkai/gongkai/internal/publication"
)

// BenchmarkBuildIndex: the grouping pass every export makes before it
// writes (publication.BuildIndex over the whole archive).
func BenchmarkBuildIndex(b *testing.B) {
	s := benchArchive(b, 4000)
	for b.Loop() {
		if _, err := publication.BuildIndex(context.Background(), s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(4000*float64(b.N)/b.Elapsed().Seconds(), "versions/s")
}

// BenchmarkStats: crawl stats on the 4,000-version bench archive, whole
// and the part that counts publications (a walk like the JSONL export's,
// decoding every report version).
func BenchmarkStats(b *testing.B) {
	s := benchArchive(b, 4000)
	for _, bc := range []struct {
		name string
		run  func() error
	}{
		{"all", func() error { _, err := BuildStats(context.Background(), s); return err }},
		{"publications", func() error { _, err := countPublications(context.Background(), s); return err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if err := bc.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(4000*float64(b.N)/b.Elapsed().Seconds(), "versions/s")
		})
	}
}
