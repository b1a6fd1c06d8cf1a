package main

import (
	"context"
	"encoding/json"
	"os"
	"path"
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
		// A page whose report is in its attachment and the attachment are
		// one publication: one record, at the page, tables from the file.
		u := sv.URL
		if sv.InAttachment && len(byURL[sv.Attachments[0]]) > 0 {
			t.Errorf("%s: the attachment of %s is exported apart from its page", sv.Attachments[0], u)
		}
		got := byURL[u]
		if sv.InAttachment && len(got) == 1 {
			if want := strings.TrimPrefix(path.Ext(sv.Attachments[0]), "."); got[0].TablesSource != want {
				t.Errorf("%s: tables_source %q, want %s (the attachment's tables)", u, got[0].TablesSource, want)
			}
		}
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
		if !sv.InAttachment && sv.Charset != "" && rec.Charset != sv.Charset && !gbkOK { // a PDF has no charset
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
		"the portal published 11 reports", "11 reports and", "crawl history --agency", "crawl export --format jsonl", "crawl serve",
		"the portal revised 新前街道's 2020 report (version 2", "(2 versions)", "checks skipped", "(?, gbk)",
		"    2019  2019    utf-8", "    2020  2019    gb18030"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	// A page whose report is its DOCX attachment is one report, its tables
	// from the DOCX.
	if n := strings.Count(r.stdout, "    2022  2021    utf-8    (http-header)  docx  FAILED review_litigation.totals"); n != 1 {
		t.Errorf("清河市东城区人民政府's 2022 report (page + DOCX) listed %d times, want once with tables from docx:\n%s", n, r.stdout)
	}
	// PDF reports: the 2023 PDF linked straight from the list, its tables
	// read from the PDF and failing review_litigation.totals as published;
	// the 2024 wrapper page and its PDF, once, tables from the PDF.
	for _, want := range []string{"    2023  2021    utf-8    (meta)         pdf   FAILED review_litigation.totals",
		"    2024  2021    utf-8    (http-header)  pdf   checks ok"} {
		if n := strings.Count(r.stdout, want); n != 1 {
			t.Errorf("demo output has %q %d times, want once:\n%s", want, n, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "    2024  2021"); n != 1 {
		t.Errorf("淮安市洪泽区人民政府's 2024 report (wrapper page + PDF) listed %d times, want once", n)
	}
	// A report whose checks all skipped is not "checks ok".
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.Contains(l, "2020  2019    gb18030  (sniffed)") && !strings.Contains(l, "checks skipped") {
			t.Errorf("康川街道's report has no figures but reads %q", l)
		}
	}
	// Two years, the revision and what changed.
	history := func() string {
		h := mustCrawl(t, dir, "history", "--agency", "新前街道")
		for _, want := range []string{"新前街道 (", "): 2 report years\n", "\n2019\n", "\n2020\n", "v1 ", "v2 ", "changed: text changed",
			"key figures", "template 2019", "2020 requests.carried_in: ok"} {
			if !strings.Contains(h.stdout, want) {
				t.Errorf("history lacks %q:\n%s", want, h.stdout)
			}
		}
		return h.stdout
	}
	first := history()
	var hj struct {
		Years []struct {
			Year    int
			Reports []struct {
				Versions []struct {
					Change *struct {
						TextChanged bool `json:"text_changed"`
						Cells       []any
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(mustCrawl(t, dir, "history", "--agency", "新前街道", "--json").stdout), &hj); err != nil {
		t.Fatal(err)
	}
	if len(hj.Years) != 2 || len(hj.Years[1].Reports) != 1 || len(hj.Years[1].Reports[0].Versions) != 2 ||
		hj.Years[1].Reports[0].Versions[1].Change == nil || !hj.Years[1].Reports[0].Versions[1].Change.TextChanged ||
		len(hj.Years[1].Reports[0].Versions[1].Change.Cells) != 0 {
		t.Errorf("history --json: %+v", hj)
	}

	// Run twice: a fresh archive, not the same reports again under new ports.
	r = mustCrawl(t, dir, "demo")
	if !strings.Contains(r.stdout, "replaced the previous demo archive archive.db") {
		t.Errorf("second demo run:\n%s", r.stdout)
	}
	if again := history(); strings.Count(again, "新前街道2020年度") != strings.Count(first, "新前街道2020年度") {
		t.Errorf("the second demo run changed the history:\n%s\nwas\n%s", again, first)
	}
	// An archive of real sites is never replaced.
	ta := newTestArchive(t)
	wantError(t, crawl(t, ta.dir, "demo", "--db", ta.db), 2, "holds crawls of real sites")
	s := mustCrawl(t, dir, "stats")
	for _, want := range []string{"parsed records by year × template × kind", "2022  2021      report", "requests.balance",
		"reports by year × template × kind (a page and its PDF/DOCX attachment once)"} {
		if !strings.Contains(s.stdout, want) {
			t.Errorf("stats lacks %q:\n%s", want, s.stdout)
		}
	}
	demoPublications(t, dir)
}

// demoPublications: on the demo's archive, 洪泽区's 2024 wrapper page and
// its PDF are one report in the wide and panel CSV (its tables from the
// PDF, both files named) and in crawl stats, as in the JSONL.
func demoPublications(t *testing.T, dir string) {
	const agency = "淮安市洪泽区人民政府"
	rows := func(args ...string) []map[string]string {
		out := filepath.Join(dir, "out.csv")
		mustCrawl(t, dir, append([]string{"export", "--agency", agency, "--out", out}, args...)...)
		recs := readCSVFile(t, out)
		var m []map[string]string
		for _, r := range recs[1:] {
			row := map[string]string{}
			for i, h := range recs[0] {
				row[h] = r[i]
			}
			m = append(m, row)
		}
		return m
	}
	for _, format := range [][]string{{"--format", "csv", "--wide"}, {"--format", "panel"}} {
		byYear := map[string][]map[string]string{}
		for _, r := range rows(format...) {
			byYear[r["year"]] = append(byYear[r["year"]], r)
		}
		w24, w23 := byYear["2024"], byYear["2023"]
		if len(w24) != 1 || len(w23) != 1 {
			t.Fatalf("%v: %d rows for 2024 (wrapper + PDF) and %d for 2023 (PDF alone), want one each", format, len(w24), len(w23))
		}
		r := w24[0]
		files := strings.Split(r["files"], ";")
		if r["tables_source"] != "pdf" || !strings.HasSuffix(r["url"], ".html") || !strings.HasSuffix(r["tables_url"], ".pdf") ||
			len(files) != 2 || files[0] != r["url"] || files[1] != r["tables_url"] || r["failed_checks"] != "" {
			t.Errorf("%v 2024: %v, want the page's row with the PDF's tables and both files", format, r)
		}
		if r := w23[0]; r["tables_source"] != "pdf" || !strings.HasSuffix(r["url"], ".pdf") || r["tables_url"] != r["url"] ||
			r["files"] != "" || r["failed_checks"] != "review_litigation.totals" {
			t.Errorf("%v 2023: %v, want the PDF alone failing review_litigation.totals", format, r)
		}
		// The PDFs' figures as printed (../shared/corpus/pdf/*.truth.json:
		// requests.received.total 95 and granted 50 in 2024, 21 and 0 in 2023).
		if w24[0]["received"] != "95" || w24[0]["granted"] != "50" || w23[0]["received"] != "21" || w23[0]["granted"] != "0" {
			t.Errorf("%v: received/granted %s/%s in 2024, %s/%s in 2023; want 95/50 and 21/0", format,
				w24[0]["received"], w24[0]["granted"], w23[0]["received"], w23[0]["granted"])
		}
	}
	var st struct {
		Reports      []struct{ Year, Count int }
		Publications []struct {
			Year, Reports, Versions int
			Template, Kind          string
			WithAttachments         int `json:"with_attachments"`
			Failed                  int
			TablesSource            map[string]int `json:"tables_source"`
		}
	}
	if err := json.Unmarshal([]byte(mustCrawl(t, dir, "stats", "--json").stdout), &st); err != nil {
		t.Fatal(err)
	}
	parsed, reports, with, pdf, failed23 := 0, 0, 0, 0, 0
	for _, r := range st.Reports {
		if r.Year == 2024 {
			parsed += r.Count
		}
	}
	for _, p := range st.Publications {
		if p.Year == 2023 {
			failed23 += p.Failed
		}
		if p.Year == 2024 {
			reports += p.Reports
			with += p.WithAttachments
			pdf += p.TablesSource["pdf"]
		}
	}
	if reports != 1 || with != 1 || pdf != 1 {
		t.Errorf("stats 2024: %d reports, %d with attachments, %d from PDF; want the wrapper and its PDF once: %+v", reports, with, pdf, st.Publications)
	}
	if failed23 < 1 {
		t.Errorf("stats 2023: %d reports failing a check, want 洪泽区's PDF (review_litigation.totals as published)", failed23)
	}
	if parsed < 2 {
		t.Errorf("stats 2024: %d parsed records, want the page's and the PDF's", parsed)
	}
}
