package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/export/warctest"
)

func TestExportPanelAndCodebook(t *testing.T) {
	ta := newTestArchive(t)
	out := filepath.Join(ta.dir, "panel.csv")
	mustCrawl(t, ta.dir, "export", "--db", ta.db, "--format", "panel", "--out", out)
	rows := readCSVFile(t, out)
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	// 新前街道 2019 and 2020, 同江市城市社区, 同江市同江镇, 清河市自然资源和规划局:
	// the essay-site copy and the news page are not agency-years.
	if len(rows) != 1+5 {
		t.Fatalf("%d panel rows, want 5: %v", len(rows)-1, rows)
	}
	var xq20 []string
	for _, r := range rows[1:] {
		if r[col["agency"]] == "新前街道" && r[col["year"]] == "2020" {
			xq20 = r
		}
	}
	if xq20 == nil {
		t.Fatal("no 新前街道 2020 row")
	}
	want := map[string]string{"region": "台州市", "template": "2019", "versions": "2", "check_carried_in": "ok",
		"sha256": sha(ta.pages[1].page.Body), "failed_checks": "requests.balance;requests.total;requests.columns"}
	for k, w := range want {
		if got := xq20[col[k]]; got != w {
			t.Errorf("新前街道 2020 %s = %q, want %q", k, got, w)
		}
	}

	// The codebook needs no archive and is the file the repository ships.
	cb := filepath.Join(ta.dir, "codebook.csv")
	mustCrawl(t, ta.dir, "export", "--db", filepath.Join(ta.dir, "none.db"), "--format", "codebook", "--out", cb)
	got, err := os.ReadFile(cb)
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile(filepath.Join("..", "..", "docs", "codebook.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, shipped) {
		t.Error("crawl export --format codebook differs from docs/codebook.csv")
	}
}

// One agency's reports as a WACZ: read back whole (digests, index, pages),
// holding the bytes of every version of that agency and nothing else.
func TestExportWACZ(t *testing.T) {
	ta := newTestArchive(t)
	out := filepath.Join(ta.dir, "xq.wacz")
	r := mustCrawl(t, ta.dir, "export", "--db", ta.db, "--format", "wacz", "--agency", "新前街道", "--out", out)
	if !strings.Contains(r.stderr, "3 pages listed") {
		t.Errorf("stderr %q", r.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	w, err := warctest.ReadWACZ(data)
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]bool{}
	for _, rec := range w.Records {
		if rec.Header["WARC-Type"] == "response" {
			bodies[sha(rec.Block[bytes.Index(rec.Block, []byte("\r\n\r\n"))+4:])] = true
		}
	}
	for _, p := range ta.pages {
		if got, want := bodies[sha(p.page.Body)], p.agency == "新前街道" && p.kind == "report"; got != want {
			t.Errorf("%s: in the WACZ %v, want %v", p.url, got, want)
		}
	}
	titles := map[string]bool{}
	for _, p := range w.Pages {
		titles[p["title"].(string)] = true
	}
	if !titles["新前街道2020年度政府信息公开年度报告"] || len(w.Pages) != 3 {
		t.Errorf("pages %v", w.Pages)
	}
	if r := crawl(t, ta.dir, "export", "--db", ta.db, "--format", "wacz", "--agency", "不存在", "--out", out); r.code != 1 || !strings.Contains(r.stderr, "nothing matches") {
		t.Errorf("no match: exit %d, %q", r.code, r.stderr)
	}
}
