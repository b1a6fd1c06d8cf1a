package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/corpus"
)

// TestURLListAttachments: a URL list of report pages at --max-depth 0. The
// page is a wrapper whose tables are only in its PDF (a real report,
// ../shared/corpus/pdf/hongze_2024.pdf). Without --attachments the PDF is
// not fetched and the summary counts it and names the flag; with it the
// PDF is archived and the page's exported record carries its tables, as
// after a full crawl. The page's other links are followed in neither.
func TestURLListAttachments(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls twice and reads a real PDF")
	}
	src, err := corpus.PDFByName("hongze_2024.pdf")
	if err != nil {
		t.Fatal(err)
	}
	doc := src.Bytes
	const title = "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"
	page := `<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + title + `</title></head><body>
<table class="xxgk-meta"><tr><td>发布机构：</td><td>淮安市洪泽区人民政府</td><td>发布日期：</td><td>2025-01-20</td></tr></table>
<h1>` + title + `</h1><div class="content"><p>详见附件。</p>
<p>附件：<a href="/up/P020250120hongze.pdf">附件1.pdf</a></p></div>
<p><a href="/ndbg/2023.html">淮安市洪泽区人民政府2023年政府信息公开工作年度报告</a> <a href="/zwgk/">政务公开</a></p>
</body></html>`
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		switch r.URL.Path {
		case "/ndbg/2024.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page))
		case "/up/P020250120hongze.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			w.Write(doc)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	pageURL, pdfURL := srv.URL+"/ndbg/2024.html", srv.URL+"/up/P020250120hongze.pdf"

	for _, on := range []bool{false, true} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "urls.txt"), []byte(pageURL+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		clear(hits)
		mu.Unlock()
		args := []string{"run", "--seeds", "urls.txt", "--max-depth", "0", "--allow-private", "--rate", "0", "--quiet"}
		if on {
			args = append(args, "--attachments")
		}
		out := mustCrawl(t, dir, args...).stdout
		mu.Lock()
		pdfHits, others := hits["/up/P020250120hongze.pdf"], hits["/ndbg/2023.html"]+hits["/zwgk/"]
		mu.Unlock()
		hint := strings.Contains(out, "1 attachment (PDF, DOC...) of a report page at the depth limit was not fetched") &&
			strings.Contains(out, "--attachments")
		if others != 0 {
			t.Errorf("attachments %v: the page's other links were followed (%d requests)", on, others)
		}

		exported := mustCrawl(t, dir, "export", "--format", "jsonl", "--kind", "all").stdout
		var recs []extract.Record
		var tablesURL string
		for _, l := range strings.Split(strings.TrimSpace(exported), "\n") {
			var r extract.Record
			var pub struct {
				TablesURL string `json:"tables_url"`
			}
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("export: %v\n%s", err, exported)
			}
			json.Unmarshal([]byte(l), &pub)
			if r.URL == pageURL {
				tablesURL = pub.TablesURL
			}
			recs = append(recs, r)
		}
		if len(recs) != 1 || recs[0].URL != pageURL {
			t.Fatalf("attachments %v: exported %d records (%s), want the page's alone", on, len(recs), exported)
		}
		rec := recs[0]
		if !on {
			if pdfHits != 0 || !hint || rec.TablesSource != "none" {
				t.Errorf("without --attachments: PDF fetched %d times, hint %v, tables_source %q; want 0, a hint, none\n%s",
					pdfHits, hint, rec.TablesSource, out)
			}
			continue
		}
		if pdfHits != 1 || hint {
			t.Errorf("with --attachments: PDF fetched %d times, hint %v; want once and no hint\n%s", pdfHits, hint, out)
		}
		// The PDF's figures as printed (../shared/corpus/pdf/hongze_2024.truth.json).
		received := rec.Tables["requests"]["received"]["natural_person"]
		licensing := rec.Tables["proactive"]["licensing"]["decisions"]
		if rec.TablesSource != "pdf" || tablesURL != pdfURL || rec.Year != 2024 ||
			received.Value == nil || *received.Value != 95 || licensing.Value == nil || *licensing.Value != 9487 {
			t.Errorf("with --attachments: tables_source %q from %q, year %d, received %+v, licensing %+v; want the PDF's tables (95, 9487)",
				rec.TablesSource, tablesURL, rec.Year, received, licensing)
		}
	}
}
