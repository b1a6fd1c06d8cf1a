package main

import (
	"strings"
	"testing"
)

func TestReparse(t *testing.T) {
	ta := newTestArchive(t) // its first reparse extracted all 8 payloads
	before := mustCrawl(t, ta.dir, "export", "--db", ta.db, "--format", "jsonl", "--kind", "all").stdout

	r := mustCrawl(t, ta.dir, "reparse", "--db", ta.db)
	if !strings.Contains(r.stdout, "8 URLs, 8 versions, 0 extracted, 8 already up to date, 0 failed") {
		t.Errorf("second reparse: %s", r.stdout)
	}
	r = mustCrawl(t, ta.dir, "reparse", "--db", ta.db, "--all")
	if !strings.Contains(r.stdout, "8 URLs, 8 versions, 8 extracted, 0 already up to date, 0 failed") ||
		!strings.Contains(r.stdout, "records: 6 report, 1 copy, 1 not_report") {
		t.Errorf("reparse --all: %s", r.stdout)
	}
	after := mustCrawl(t, ta.dir, "export", "--db", ta.db, "--format", "jsonl", "--kind", "all").stdout
	if before != after || strings.Count(after, "\n") != 8 {
		t.Errorf("reparse changed the export: %d lines before, %d after", strings.Count(before, "\n"), strings.Count(after, "\n"))
	}
}
