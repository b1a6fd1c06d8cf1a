package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestErrors: a crawl of a site with a dead link and a failing server
// page; crawl errors names each with its kind, status, attempts and the
// page that links to it; a page that recovers leaves the list.
func TestErrors(t *testing.T) {
	var broken atomic.Bool
	broken.Store(true)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<html><body><a href="/xxgk/">政府信息公开</a></body></html>`)
		case "/xxgk/":
			fmt.Fprint(w, `<html><body><a href="/xxgk/ndbg/2021.html">2021年政府信息公开工作年度报告</a>
<a href="/xxgk/ndbg/2020.html">2020年政府信息公开工作年度报告</a></body></html>`)
		case "/xxgk/ndbg/2021.html":
			if broken.Load() {
				http.Error(w, "busy", http.StatusInternalServerError)
				return
			}
			fmt.Fprint(w, `<html><body><h1>2021年政府信息公开工作年度报告</h1></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	seedFile := filepath.Join(dir, "seeds.csv")
	if err := os.WriteFile(seedFile, []byte("url,agency\n"+site.URL+"/,测试县\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func() {
		t.Helper()
		r := crawl(t, dir, "run", "--db", db, "--seeds", seedFile, "--allow-private", "--rate", "0", "--retries", "1")
		if r.code != 0 {
			t.Fatalf("run: exit %d: %s", r.code, r.stderr)
		}
	}
	run()
	r := mustCrawl(t, dir, "errors", "--db", db)
	for _, want := range []string{
		site.URL + "/xxgk/ndbg/2020.html\n  http_4xx, HTTP 404, 1 attempt, last ",
		"linked from " + site.URL + "/xxgk/\n",
		site.URL + "/xxgk/ndbg/2021.html\n  http_5xx, HTTP 500, 2 attempts, last ",
		"2 failed URLs: http_4xx 1, http_5xx 1\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("crawl errors lacks %q:\n%s", want, r.stdout)
		}
	}
	r = mustCrawl(t, dir, "errors", "--db", db, "--kind", "http_4xx", "--json")
	var f struct {
		URL, Kind, Referer, Seed string
		Status, Attempts, Failed int
	}
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 1 {
		t.Fatalf("--kind http_4xx --json: %d lines:\n%s", len(lines), r.stdout)
	}
	if err := json.Unmarshal([]byte(r.stdout), &f); err != nil {
		t.Fatal(err)
	}
	if f.URL != site.URL+"/xxgk/ndbg/2020.html" || f.Kind != "http_4xx" || f.Status != 404 || f.Attempts != 1 ||
		f.Referer != site.URL+"/xxgk/" || f.Seed != site.URL+"/" || f.Failed != 1 {
		t.Errorf("json: %+v", f)
	}
	if r := mustCrawl(t, dir, "errors", "--db", db, "--seed", "http://elsewhere.gov.cn/"); !strings.HasPrefix(r.stdout, "0 failed URLs: none") {
		t.Errorf("--seed elsewhere: %s", r.stdout)
	}

	// The server recovers: the next run fetches 2021 again with success
	// and it leaves the list; the dead link stays, failed twice now.
	broken.Store(false)
	run()
	r = mustCrawl(t, dir, "errors", "--db", db, "--seed", site.URL)
	if strings.Contains(r.stdout, "2021.html") || !strings.Contains(r.stdout, "failed 2×") || !strings.Contains(r.stdout, "1 failed URLs: http_4xx 1") {
		t.Errorf("after the server recovered:\n%s", r.stdout)
	}
}

// TestAgencies: the agencies of the test archive with their report
// counts, filtered by region; history without a match points to it.
func TestAgencies(t *testing.T) {
	ta := newTestArchive(t)
	r := mustCrawl(t, ta.dir, "agencies", "--db", ta.db)
	for _, want := range []string{"    3  新前街道  (台州市)\n", "    1  同江市同江镇  (佳木斯市)\n", "    1  清河市自然资源和规划局  (清河市)\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("agencies lacks %q:\n%s", want, r.stdout)
		}
	}
	r = mustCrawl(t, ta.dir, "agencies", "--db", ta.db, "--region", "佳木斯", "--json")
	var rows []agencyRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Agency != "同江市同江镇" || rows[1].Agency != "同江市城市社区" || rows[1].Reports != 1 {
		t.Errorf("--region 佳木斯: %+v", rows)
	}
	wantError(t, crawl(t, ta.dir, "agencies", "--db", ta.db, "--region", "广州"), 1, `no agency in `+ta.db+` has a region containing "广州"`)
	wantError(t, crawl(t, ta.dir, "history", "--db", ta.db, "--agency", "广州"), 1, "crawl agencies lists")
}
