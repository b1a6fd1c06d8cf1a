package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/demoportal"
)

// TestEndToEnd crawls the demo portal with the real binary, exports JSONL
// and compares every cell of every report the portal served with the
// truth it knows.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal")
	}
	ctx := context.Background()
	p, err := demoportal.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	dir := t.TempDir()
	seedFile := filepath.Join(dir, "demo.csv")
	if err := os.WriteFile(seedFile, p.SeedCSV(), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "e2e.db")
	r := crawl(t, dir, "run", "--quiet", "--allow-private", "--rate", "0", "--seeds", seedFile, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "crawl done") {
		t.Fatalf("run: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if lines := r.stderrLines(); len(lines) > 0 {
		t.Errorf("run --quiet wrote to stderr: %q", lines)
	}
	// Incremental: a second run stores nothing new, and exports the same.
	again := crawl(t, dir, "run", "--allow-private", "--rate", "0", "--seeds", seedFile, "--db", db)
	if again.code != 0 || !strings.Contains(again.stdout, " 0 new payloads") {
		t.Errorf("second run: exit %d\n%s", again.code, again.stdout)
	}
	out := mustCrawl(t, dir, "export", "--db", db, "--format", "jsonl", "--kind", "all").stdout
	recs := readJSONL(t, out)
	byURL := map[string][]extract.Record{}
	for _, rec := range recs {
		byURL[rec.URL] = append(byURL[rec.URL], rec)
	}
	checked := 0
	for _, sv := range p.Truth() {
		u := sv.URL
		if sv.InAttachment && len(sv.Attachments) > 0 {
			u = sv.Attachments[0]
		}
		got := byURL[u]
		if sv.Disallowed {
			if len(got) > 0 {
				t.Errorf("%s is disallowed by robots.txt but was fetched", u)
			}
			continue
		}
		if len(got) != 1 {
			t.Errorf("%s (%s %s %d): %d records, want 1", u, sv.Kind, sv.Agency, sv.Year, len(got))
			continue
		}
		rec := got[0]
		label := sv.Kind + " " + u
		if rec.Kind != sv.Kind {
			t.Errorf("%s: kind %q", label, rec.Kind)
			continue
		}
		if sv.Kind == demoportal.KindNotReport {
			continue
		}
		if rec.Year != sv.Year || rec.Template != sv.Template {
			t.Errorf("%s: year %d template %s, want %d %s", label, rec.Year, rec.Template, sv.Year, sv.Template)
		}
		if sv.Kind == demoportal.KindReport && (rec.Agency != sv.Agency || rec.Region != sv.Region) {
			t.Errorf("%s: agency %q region %q, want %q %q", label, rec.Agency, rec.Region, sv.Agency, sv.Region)
		}
		// GB18030 is a superset of GBK: GBK bytes read as GB18030 give the
		// same text, so either name is right for a GBK page.
		gbkOK := sv.Charset == "gbk" && rec.Charset == "gb18030"
		if !sv.InAttachment && rec.Charset != sv.Charset && !gbkOK {
			t.Errorf("%s: charset %s, want %s", label, rec.Charset, sv.Charset)
		}
		if len(rec.CapturedAt) == 0 {
			t.Errorf("%s: no capture time", label)
		}
		compareCells(t, label, sv.Report.Tables, rec.Tables)
		checked++
	}
	if checked < 8 {
		t.Errorf("only %d reports and copies compared", checked)
	}
}

// TestDemo runs `crawl demo` as a newcomer would, then the commands it
// suggests, on the archive it wrote.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal")
	}
	dir := t.TempDir()
	r := mustCrawl(t, dir, "demo")
	if _, err := os.Stat(filepath.Join(dir, "archive.db")); err != nil {
		t.Fatalf("demo wrote no archive.db in the working directory: %v", err)
	}
	for _, want := range []string{"新前街道", "清河市东城区人民政府", "2021  ", "gb18030", "FAILED requests.balance",
		"the portal published 7 reports", "7 reports and", "crawl history --agency", "crawl export --format jsonl", "crawl serve"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	h := mustCrawl(t, dir, "history", "--agency", "新前街道")
	for _, want := range []string{"新前街道 (", "): 1 report year\n", "\n2020\n", "v1 ", "key figures", "template 2019"} {
		if !strings.Contains(h.stdout, want) {
			t.Errorf("history lacks %q:\n%s", want, h.stdout)
		}
	}
	s := mustCrawl(t, dir, "stats")
	for _, want := range []string{"parsed records by year × template × kind", "2022  2021      report      1", "requests.balance"} {
		if !strings.Contains(s.stdout, want) {
			t.Errorf("stats lacks %q:\n%s", want, s.stdout)
		}
	}
}
