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
