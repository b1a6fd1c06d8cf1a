package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/demoportal"
)

// writeSeeds writes a seed CSV of some of the portal's seeds.
func writeSeeds(t *testing.T, path string, list []demoportal.Seed) {
	t.Helper()
	var b strings.Builder
	b.WriteString("url,agency,region,level\n")
	for _, s := range list {
		b.WriteString(strings.Join([]string{s.URL, s.Agency, s.Region, s.Level}, ",") + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// exportLines exports db and returns its lines sorted; for jsonl the
// capture times (which differ between any two crawls) are dropped.
func exportLines(t *testing.T, dir, db, format string) []string {
	t.Helper()
	out := mustCrawl(t, dir, "export", "--db", db, "--format", format, "--kind", "all").stdout
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if format == "jsonl" {
		for i, l := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("export line %d: %v", i, err)
			}
			delete(m, "captured_at")
			b, _ := json.Marshal(m)
			lines[i] = string(b)
		}
	}
	slices.Sort(lines)
	return lines
}

// TestMergeShardsOfACrawl crawls the demo portal two nights, split
// between two worker archives (each seed to a different worker on each
// night, so one URL's versions are spread over both), and the same two
// nights into one archive. The merged shards export the same reports,
// cell for cell, and the same records; history shows the revision; a
// second merge adds nothing.
func TestMergeShardsOfACrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal four times")
	}
	p, err := demoportal.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	dir := t.TempDir()
	all, a, b := filepath.Join(dir, "all.csv"), filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	sd := p.Seeds()
	writeSeeds(t, all, sd)
	writeSeeds(t, a, sd[:len(sd)/2])
	writeSeeds(t, b, sd[len(sd)/2:])
	single, s1, s2, merged := filepath.Join(dir, "single.db"), filepath.Join(dir, "shard-1.db"), filepath.Join(dir, "shard-2.db"), filepath.Join(dir, "merged.db")
	run := func(db, seeds string) {
		mustCrawl(t, dir, "run", "--allow-private", "--rate", "0", "--seeds", seeds, "--db", db)
	}
	run(single, all)
	run(s1, a)
	run(s2, b)
	// Night two: one report revised, and the workers swap halves.
	var revised demoportal.Served
	for _, sv := range p.Truth() {
		if sv.Kind == demoportal.KindReport && !sv.InAttachment && slices.ContainsFunc(sd[:len(sd)/2], func(s demoportal.Seed) bool { return s.URL == sv.Seed }) {
			revised = sv
			break
		}
	}
	if revised.URL == "" {
		t.Fatal("no report page under the first half of the seeds")
	}
	if err := p.Revise(revised.Report.ID); err != nil {
		t.Fatal(err)
	}
	run(single, all)
	run(s1, b)
	run(s2, a)

	r := mustCrawl(t, dir, "merge", "--db", merged, s1, s2)
	if !strings.Contains(r.stdout, "merged 2 shards") || !strings.Contains(r.stdout, "0 captures were already merged") {
		t.Errorf("merge said %q", r.stdout)
	}
	for _, format := range []string{"csv", "jsonl"} {
		want, got := exportLines(t, dir, single, format), exportLines(t, dir, merged, format)
		if len(want) < 10 {
			t.Fatalf("single-archive %s export has only %d lines", format, len(want))
		}
		if !slices.Equal(want, got) {
			for _, l := range want {
				if !slices.Contains(got, l) {
					t.Errorf("%s: merged export lacks %.300s", format, l)
					break
				}
			}
			for _, l := range got {
				if !slices.Contains(want, l) {
					t.Errorf("%s: merged export has extra %.300s", format, l)
					break
				}
			}
			t.Errorf("%s export: %d lines merged, %d single", format, len(got), len(want))
		}
	}
	// The revised report has two versions in the merged history, one from
	// each shard.
	h := mustCrawl(t, dir, "history", "--db", merged, "--agency", revised.Agency, "--json").stdout
	if n := strings.Count(h, revised.URL); n < 2 {
		t.Errorf("history of %s names the revised %s %d times, want both versions:\n%.2000s", revised.Agency, revised.URL, n, h)
	}

	again := mustCrawl(t, dir, "merge", "--db", merged, s2, s1)
	if !strings.Contains(again.stdout, "0 runs, 0 payloads, 0 captures, 0 parsed records added") {
		t.Errorf("second merge: %q", again.stdout)
	}
	if got := exportLines(t, dir, merged, "csv"); !slices.Equal(exportLines(t, dir, single, "csv"), got) {
		t.Error("second merge changed the export")
	}
}

// TestMergeUsage checks the merge command's bad input: exit 2, one line.
func TestMergeUsage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	seeds := filepath.Join(dir, "s.txt")
	if err := os.WriteFile(seeds, []byte("http://127.0.0.1:1/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	crawl(t, dir, "run", "--allow-private", "--retries", "0", "--seeds", seeds, "--db", db) // an archive with one failed capture
	wantError(t, crawl(t, dir, "merge", "--db", db, db), 2, "is the --db archive itself")
	wantError(t, crawl(t, dir, "merge", "--db", db), 2, "name at least one shard")
	wantError(t, crawl(t, dir, "merge", "--db", db, filepath.Join(dir, "missing.db")), 2, "no archive at")
	notArchive := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(notArchive, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantError(t, crawl(t, dir, "merge", "--db", db, notArchive), 2, "junk.db")
}
