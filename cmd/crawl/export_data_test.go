package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
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
