package export

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/export/warctest"
)

func TestWACZReadsBack(t *testing.T) {
	m, bodies := fixtureArchive()
	var buf bytes.Buffer
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	n, err := WACZ(context.Background(), m, &buf, WACZOptions{TempDir: t.TempDir(), Title: "新前街道 reports", Now: now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, err := warctest.ReadWACZ(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if n.WARC.Responses != 5 || n.WARC.Revisits != 2 || n.WARC.NotModified != 1 || len(w.Records) != 9 || len(w.Index) != 8 {
		t.Errorf("counts %+v; %d records, %d index lines", n, len(w.Records), len(w.Index))
	}
	for _, f := range []string{"archive/data.warc.gz", "indexes/index.cdxj", "pages/pages.jsonl", "datapackage.json", "datapackage-digest.json"} {
		if _, ok := w.Files[f]; !ok {
			t.Errorf("no %s", f)
		}
	}
	if w.Package["title"] != "新前街道 reports" || w.Package["created"] != "2026-12-01T08:00:00Z" || w.Package["software"] != "gongkai crawl export" {
		t.Errorf("datapackage %v", w.Package)
	}
	// Pages: the report versions and the copy (a19, a v1, a v2, the mirror of
	// v1, the essay copy), each with its title and first capture; not the
	// news page.
	got := map[string]string{}
	for _, p := range w.Pages {
		title, _ := p["title"].(string) // absent when the page has none
		got[p["url"].(string)+" "+p["ts"].(string)] = title
	}
	const a = "http://www.xq.gov.cn/xxgk/ndbg/2021/t20210125_1.html"
	want := map[string]string{
		"http://www.xq.gov.cn/xxgk/ndbg/2020/t20200120_9.html 2026-11-20T01:00:13Z": "新前街道2020年度政府信息公开年度报告",
		a + " 2026-11-20T02:00:13Z":                                              "新前街道2020年度政府信息公开年度报告",
		a + " 2026-11-22T02:00:13Z":                                              "新前街道2020年度政府信息公开年度报告",
		"http://www.xq.gov.cn/mirror/a.html 2026-11-20T02:04:13Z":                "新前街道2020年度政府信息公开年度报告",
		"https://essay.example.com/fanwen/123.html?b=2&a=1 2026-11-20T02:01:13Z": "",
	}
	if n.Pages != len(want) || len(got) != len(want) {
		t.Errorf("%d pages %v, want %v", n.Pages, got, want)
	}
	for k, title := range want {
		if g, ok := got[k]; !ok || g != title {
			t.Errorf("page %s: %q (listed %v)", k, g, ok)
		}
	}
	if w.Package["mainPageUrl"] == "" {
		t.Error("no mainPageUrl")
	}
	// The bytes of a v2 are in the WARC at the index line of its capture.
	found := false
	for _, il := range w.Index {
		if il.Fields["url"] == a && il.Timestamp == "20261122020013" {
			found = bytes.HasSuffix(il.Record.Block, bodies["a2"])
		}
	}
	if !found {
		t.Error("the index does not lead to the bytes of v2")
	}
}

// A filtered WACZ holds only that agency-year's captures and pages.
func TestWACZFiltered(t *testing.T) {
	m, _ := fixtureArchive()
	var buf bytes.Buffer
	f := Filter{Year: 2019, Kinds: []string{"report"}}
	if _, err := WACZ(context.Background(), m, &buf, WACZOptions{Filtered: true, Filter: f, TempDir: t.TempDir()}, nil); err != nil {
		t.Fatal(err)
	}
	w, err := warctest.ReadWACZ(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Pages) != 1 || len(w.Index) != 1 || !strings.Contains(w.Pages[0]["url"].(string), "t20200120_9") {
		t.Errorf("pages %v, %d index lines", w.Pages, len(w.Index))
	}
}

// The reader catches a package whose listed digest is wrong.
func TestReadWACZCatchesDamage(t *testing.T) {
	m, _ := fixtureArchive()
	var buf bytes.Buffer
	if _, err := WACZ(context.Background(), m, &buf, WACZOptions{TempDir: t.TempDir()}, nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	// Flip one byte inside the stored WARC (the first member's body).
	i := bytes.Index(data, []byte("archive/data.warc.gz")) + 200
	data[i] ^= 0xff
	if _, err := warctest.ReadWACZ(data); err == nil {
		t.Error("a damaged WARC inside the package was not noticed")
	}
}
