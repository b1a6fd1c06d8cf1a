package demoportal

import (
	"bytes"
	"context"
	"testing"

	"github.com/gongkai/gongkai/seeds"
)

// The portal's seed list is a valid seed list: the seed loader takes every
// row, so `crawl run --seeds` on it crawls every site.
func TestSeedCSVLoads(t *testing.T) {
	p, err := Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	list, errs := seeds.Load(bytes.NewReader(p.SeedCSV()), "demo.csv")
	for _, err := range errs {
		t.Errorf("seed list: %v", err)
	}
	if len(list) != len(p.Seeds()) {
		t.Fatalf("loaded %d seeds, the portal has %d", len(list), len(p.Seeds()))
	}
	for i, s := range p.Seeds() {
		if list[i].URL != s.URL || list[i].Agency != s.Agency || list[i].Region != s.Region || list[i].Level != s.Level {
			t.Errorf("seed %d loaded as %+v, portal says %+v", i, list[i], s)
		}
	}
}
