package extract_test

// Hand-made pages under testdata/: negative pages, a GBK legacy report laid
// out with nested tables and no known article container, an essay-site copy.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
)

func extractFile(t *testing.T, name, url string) *extract.Record {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := extract.Extract(context.Background(), extract.Input{URL: url, Body: b})
	if err != nil {
		t.Fatalf("extract %s: %v", name, err)
	}
	return rec
}

func TestNegativePages(t *testing.T) {
	for _, name := range []string{"news.html", "list.html", "guide.html"} {
		t.Run(name, func(t *testing.T) {
			rec := extractFile(t, name, "http://www.qinghe.gov.cn/xxgk/"+name)
			if rec.Kind != extract.KindNotReport {
				t.Errorf("kind = %q, want not_report (title %q)", rec.Kind, rec.Title)
			}
			if rec.Year != 0 || rec.Template != "" || len(rec.Tables) != 0 || len(rec.LegacyFigures) != 0 {
				t.Errorf("a not_report page got report fields: year %d template %q tables %d legacy %d",
					rec.Year, rec.Template, len(rec.Tables), len(rec.LegacyFigures))
			}
		})
	}
}

func TestLegacyGBKPage(t *testing.T) {
	rec := extractFile(t, "legacy_gbk.html", "http://www.qinghe.gov.cn/xxgk/ndbg/t20160302_1.html")
	if rec.Charset != "gbk" && rec.Charset != "gb18030" && rec.Charset != "gb2312" {
		t.Errorf("charset = %q, want the GB family", rec.Charset)
	}
	want := map[string]any{
		"kind": extract.KindReport, "year": 2015, "template": extract.TemplateLegacy,
		"agency": "清河县人民政府", "title": "清河县人民政府2015年政府信息公开工作年度报告",
		"tables_source": "none",
	}
	got := map[string]any{
		"kind": rec.Kind, "year": rec.Year, "template": rec.Template, "agency": rec.Agency,
		"title": rec.Title, "tables_source": rec.TablesSource,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %v, want %v", k, got[k], w)
		}
	}
	wantMeta := extract.Meta{
		IndexNo: "QH-2016-000123", DocNo: "清政办〔2016〕3号", Publisher: "清河县人民政府",
		WrittenDate: "2016-03-01", PublishedDate: "2016-03-02", Topic: "综合政务",
	}
	if rec.Meta != wantMeta {
		t.Errorf("meta = %+v\nwant %+v", rec.Meta, wantMeta)
	}
	figs := map[string]float64{}
	for _, f := range rec.LegacyFigures {
		figs[f.Name] = f.Value
	}
	wantFigs := map[string]float64{"proactive_total": 1234, "requests_received": 12, "review": 1}
	if len(figs) != len(wantFigs) {
		t.Errorf("legacy figures %+v, want %v (litigation is not stated: absent)", rec.LegacyFigures, wantFigs)
	}
	for k, v := range wantFigs {
		if g, ok := figs[k]; !ok || g != v {
			t.Errorf("legacy %s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	wantAtt := []string{
		"http://www.qinghe.gov.cn/xxgk/ndbg/files/2015report.pdf",
		"http://www.qinghe.gov.cn/download.jsp?filename=%E7%BB%9F%E8%AE%A1%E8%A1%A8.docx",
		"http://www.qinghe.gov.cn/attach/123",
	}
	if len(rec.Attachments) != len(wantAtt) {
		t.Fatalf("attachments %+v, want %v", rec.Attachments, wantAtt)
	}
	for i, w := range wantAtt {
		if rec.Attachments[i].URL != w {
			t.Errorf("attachment %d = %s, want %s", i, rec.Attachments[i].URL, w)
		}
	}
	if strings.Contains(rec.Text, "打印本页") || strings.Contains(rec.Text, "办事服务") || strings.Contains(rec.Text, "主办：") {
		t.Errorf("page furniture left in the text:\n%s", rec.Text)
	}
	if !strings.Contains(rec.Text, "全年主动公开政府信息1234条") {
		t.Errorf("article text lost:\n%s", rec.Text)
	}
	if rec.Sections.Overview != "2015年，我县认真贯彻落实《条例》，政府信息公开工作稳步推进。" {
		t.Errorf("overview = %q", rec.Sections.Overview)
	}
	if rec.Sections.Problems != "公开内容还不够全面，下一步将进一步加强。" {
		t.Errorf("problems = %q", rec.Sections.Problems)
	}
}

func TestEssayCopyPage(t *testing.T) {
	rec := extractFile(t, "essay.html", "https://www.fanwendaquan.example.com/gongzuobaogao/1234.html")
	if rec.Kind != extract.KindCopy {
		t.Errorf("kind = %q, want copy", rec.Kind)
	}
	if rec.Year != 2012 || rec.Template != extract.TemplateLegacy || rec.Agency != "" {
		t.Errorf("year %d template %q agency %q, want 2012 legacy and no agency", rec.Year, rec.Template, rec.Agency)
	}
	figs := map[string]float64{}
	for _, f := range rec.LegacyFigures {
		figs[f.Name] = f.Value
	}
	want := map[string]float64{"proactive_total": 856, "requests_received": 0, "review": 0, "litigation": 0}
	for k, v := range want {
		if g, ok := figs[k]; !ok || g != v {
			t.Errorf("legacy %s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	// The same page on a government host is the agency's own report.
	rec = extractFile(t, "essay.html", "http://www.example.gov.cn/1234.html")
	if rec.Kind != extract.KindReport {
		t.Errorf("on a .gov.cn host kind = %q, want report", rec.Kind)
	}
}
