package main

import (
	"context"
	"maps"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// served is one page version put into the test archive, with its truth.
type served struct {
	url, seed, agency, region string
	kind                      string         // report | copy | not_report
	report                    *corpus.Report // what it was rendered from (nil for not_report)
	page                      fixture.Page
	at                        []time.Time // capture times of these bytes
}

// testArchive is an archive file filled the way a crawl fills it (captures
// with headers and raw bytes, no parsed records) and then parsed by
// `crawl reparse`.
type testArchive struct {
	dir, db string
	pages   []served
}

var day0 = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

func mustReport(t *testing.T, id string) corpus.Report {
	t.Helper()
	r, err := corpus.ReportByID(id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// cloneTables deep-copies a report's tables so a version can differ.
func cloneTables(tb extract.Tables) extract.Tables {
	out := extract.Tables{}
	for id, rows := range tb {
		out[id] = map[string]map[string]extract.Cell{}
		for r, cols := range rows {
			out[id][r] = maps.Clone(cols)
		}
	}
	return out
}

func render(t *testing.T, r corpus.Report, o fixture.Options) fixture.Page {
	t.Helper()
	p, err := fixture.Render(r, o)
	if err != nil {
		t.Fatalf("render %s: %v", r.ID, err)
	}
	return p
}

// newTestArchive builds the archive: 新前街道 2019 and 2020 (two versions of
// 2020, the first captured twice), two 同江 agencies, a 2021-template
// report, an essay-site copy, a news page, and a seed that timed out.
func newTestArchive(t *testing.T) *testArchive {
	t.Helper()
	dir := t.TempDir()
	ta := &testArchive{dir: dir, db: filepath.Join(dir, "archive.db")}
	const xqSeed = "http://www.zjhy.gov.cn/"
	xq := mustReport(t, "001")

	xq2 := xq
	xq2.Tables = cloneTables(xq.Tables)
	c := xq2.Tables["requests"]["received"]["natural_person"]
	v := *c.Value + 1
	xq2.Tables["requests"]["received"]["natural_person"] = extract.Cell{Raw: formatNum(v), Value: &v}

	xq19 := xq
	xq19.Year, xq19.Title = 2019, strings.Replace(xq.Title, "2020", "2019", 1)
	xq19.Tables = cloneTables(xq.Tables)
	xq19.Tables["requests"]["carried_out"] = maps.Clone(xq.Tables["requests"]["carried_in"])
	xq19.Overview = strings.ReplaceAll(xq.Overview, "2020", "2019")

	tj, tjz, syn := mustReport(t, "000"), mustReport(t, "002"), mustReport(t, "syn2021-a")
	essay := mustReport(t, "004")
	essayPage, err := fixture.EssayCopy(essay, fixture.EncUTF8)
	if err != nil {
		t.Fatal(err)
	}
	var news fixture.Page
	for _, n := range fixture.Negative() {
		if n.Name == "news" {
			news = n.Page
		}
	}
	grid := fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaTable, Encoding: fixture.EncGBK, Label: fixture.LabelCorrect, Chrome: true}
	xqURL := "http://www.zjhy.gov.cn/art/2021/1/25/art_1229_3654.html"
	ta.pages = []served{
		{url: xqURL, seed: xqSeed, agency: "新前街道", region: "台州市", kind: "report", report: &xq,
			page: render(t, xq, grid), at: []time.Time{day0, day0.Add(24 * time.Hour)}},
		{url: xqURL, seed: xqSeed, agency: "新前街道", region: "台州市", kind: "report", report: &xq2,
			page: render(t, xq2, grid), at: []time.Time{day0.Add(48 * time.Hour)}},
		{url: "http://www.zjhy.gov.cn/art/2020/1/20/art_1229_2001.html", seed: xqSeed, agency: "新前街道", region: "台州市", kind: "report", report: &xq19,
			page: render(t, xq19, fixture.Options{Style: fixture.StyleFlat, Meta: fixture.MetaInline, Encoding: fixture.EncUTF8, Label: fixture.LabelCorrect}),
			at:   []time.Time{day0.Add(time.Hour)}},
		{url: "http://www.tongjiang.gov.cn/xxgk/ndbg/202101/t20210120_1.html", seed: "http://www.tongjiang.gov.cn/", agency: "同江市城市社区", region: "佳木斯市", kind: "report", report: &tj,
			page: render(t, tj, fixture.Options{Style: fixture.StyleWord, Meta: fixture.MetaDL, Encoding: fixture.EncGB18030, Label: fixture.LabelWrongHeader, Chrome: true}),
			at:   []time.Time{day0.Add(2 * time.Hour)}},
		{url: "http://www.tongjiang.gov.cn/xxgk/ndbg/202101/t20210121_2.html", seed: "http://www.tongjiang.gov.cn/", agency: "同江市同江镇", region: "佳木斯市", kind: "report", report: &tjz,
			page: render(t, tjz, fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaTable, Encoding: fixture.EncUTF8, Label: fixture.LabelWrongMeta}),
			at:   []time.Time{day0.Add(3 * time.Hour)}},
		{url: "http://zrzyj.qinghe.gov.cn/zfxxgk/ndbg/2022/t20220110_5.html", seed: "http://zrzyj.qinghe.gov.cn/", agency: "清河市自然资源和规划局", region: "清河市", kind: "report", report: &syn,
			page: render(t, syn, fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaTable, Encoding: fixture.EncUTF8, Label: fixture.LabelCorrect}),
			at:   []time.Time{day0.Add(4 * time.Hour)}},
		{url: "http://www.fanwen.example/gongzuobaogao/12345.html", seed: "http://www.fanwen.example/", kind: "copy", report: &essay,
			page: essayPage, at: []time.Time{day0.Add(5 * time.Hour)}},
		{url: "http://www.tongjiang.gov.cn/news/2021/0110/1.html", seed: "http://www.tongjiang.gov.cn/", agency: "同江市城市社区", region: "佳木斯市", kind: "not_report",
			page: news, at: []time.Time{day0.Add(6 * time.Hour)}},
	}

	s, err := archive.Open(ta.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, p := range ta.pages {
		for _, at := range p.at {
			c := archive.Capture{URL: p.url, FinalURL: p.url, Seed: p.seed, Agency: p.agency, Region: p.region, FetchedAt: at,
				Status: 200, Proto: "HTTP/1.1",
				Header: http.Header{"Content-Type": {p.page.ContentType}, "Server": {"TRS WCM"}, "Etag": {`"5f2b-1a"`}}}
			if _, err := s.AddCapture(ctx, c, p.page.Body); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, err = s.AddCapture(ctx, archive.Capture{URL: "http://www.unreach.gov.cn/", Seed: "http://www.unreach.gov.cn/", Agency: "不可达县",
		FetchedAt: day0.Add(7 * time.Hour), ErrKind: "timeout", Err: "dial tcp: i/o timeout"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r := mustCrawl(t, dir, "reparse", "--db", ta.db)
	if !strings.Contains(r.stdout, "8 extracted, 0 already up to date, 0 failed") {
		t.Fatalf("first reparse: %s", r.stdout)
	}
	return ta
}

func formatNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
