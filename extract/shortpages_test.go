package extract

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// shortPage is a page with a title, the metadata block and a line or two.
func shortPage(title, body string) []byte {
	return []byte(fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s_某县人民政府</title></head><body>
<div class="header"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div>
<table class="xxgk-meta"><tr><td>索引号：</td><td>11330000-2022-00012</td><td>发布机构：</td><td>某县人民政府办公室</td></tr>
<tr><td>发布日期：</td><td>2022-01-20</td><td>公开方式：</td><td>主动公开</td></tr></table>
<h1 class="title">%s</h1><div class="content">%s</div>
<div class="footer">主办：某县人民政府办公室</div></body></html>`, title, title, body))
}

// A page whose title is one agency's annual report for a year is a report
// however short; pages about reports are not.
func TestShortReportPages(t *testing.T) {
	attach := `<p>详见附件。</p><p>附件：<a href="/upload/2022/nb2021.pdf">某县人民政府2021年政府信息公开工作年度报告.pdf</a></p>`
	for _, c := range []struct {
		name, url, title, body string
		kind                   string
		agency                 string
		year                   int
		warnings               []string
	}{
		{"wrapper", "http://www.mx.gov.cn/art/2022/1/20/art_1_1.html", "某县人民政府2021年政府信息公开工作年度报告", attach,
			KindReport, "某县人民政府", 2021, []string{WarnNoTables, WarnAttachmentOnly}},
		{"lead words", "http://www.mx.gov.cn/a.html", "关于某县人民政府2019年政府信息公开工作年度报告", attach,
			KindReport, "某县人民政府", 2019, []string{WarnNoTables, WarnAttachmentOnly}},
		{"embed", "http://www.mx.gov.cn/b.html", "某县财政局2020年度政府信息公开工作年报（全文）", `<embed src="/upload/cz2020.pdf" type="application/pdf">`,
			KindReport, "某县人民政府办公室", 2020, []string{WarnNoTables}}, // the metadata's 发布机构 first
		{"one sentence", "http://www.mx.gov.cn/c.html", "某县人民政府2022年政务公开工作年度报告", `<p>2022年，我县认真贯彻落实《条例》。</p>`,
			KindReport, "某县人民政府", 2022, []string{WarnNoTables}},
		{"news", "http://www.mx.gov.cn/n.html", "县政府召开会议部署2021年度政府信息公开工作年度报告编制工作", `<p>1月8日，县政府召开会议。</p>`,
			KindNotReport, "", 0, nil},
		{"notice", "http://www.mx.gov.cn/t.html", "关于做好2021年政府信息公开工作年度报告编制发布工作的通知", `<p>各乡镇、各部门：</p>`,
			KindNotReport, "", 0, nil},
		{"notice ending in 报告", "http://www.mx.gov.cn/t2.html", "关于报送2021年度政府信息公开工作年度报告", `<p>各乡镇：请于1月31日前报送。</p>`,
			KindNotReport, "", 0, nil},
		{"guide", "http://www.mx.gov.cn/g.html", "某县人民政府政府信息公开指南", `<p>一、主动公开</p>`,
			KindNotReport, "", 0, nil},
		{"catalogue", "http://www.mx.gov.cn/m.html", "某县2021年政府信息公开目录", `<p>目录</p>`,
			KindNotReport, "", 0, nil},
		{"list", "http://www.mx.gov.cn/l.html", "政府信息公开年报", `<ul><li><a href="/a.html">某县人民政府2021年政府信息公开工作年度报告</a></li><li><a href="/b.html">某县人民政府2020年政府信息公开工作年度报告</a></li></ul>`,
			KindNotReport, "", 0, nil},
		{"interpretation", "http://www.mx.gov.cn/j.html", "某县2021年政府信息公开工作年度报告解读", `<p>图解。</p>`,
			KindNotReport, "", 0, nil},
	} {
		rec, err := Extract(context.Background(), Input{URL: c.url, Body: shortPage(c.title, c.body), ContentType: "text/html; charset=utf-8"})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if rec.Kind != c.kind {
			t.Errorf("%s: kind %q, want %q", c.name, rec.Kind, c.kind)
			continue
		}
		if c.kind != KindReport {
			continue
		}
		if rec.Agency != c.agency || rec.Year != c.year || strings.Join(rec.Warnings, ",") != strings.Join(c.warnings, ",") {
			t.Errorf("%s: agency %q year %d warnings %q; want %q %d %q", c.name, rec.Agency, rec.Year, rec.Warnings, c.agency, c.year, c.warnings)
		}
	}
}

// An essay site's copy of a short report page is a copy.
func TestShortPageCopy(t *testing.T) {
	body := []byte(`<html><head><meta charset="utf-8"><title>某县人民政府2021年政府信息公开工作年度报告_范文网</title></head><body>
<h1>某县人民政府2021年政府信息公开工作年度报告</h1><p>本站为你精心整理了政府信息公开工作年度报告范文，希望能为你的创作提供参考价值，我们的客服老师可以帮助你提供个性化的参考范文，欢迎咨询。</p>
<p>相关范文：社区工作总结范文 街道工作汇报范文</p><p>开通会员，海量范文免费下载。</p></body></html>`)
	rec, err := Extract(context.Background(), Input{URL: "https://www.fanwen.example.com/gzbg/1.html", Body: body, ContentType: "text/html; charset=utf-8"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Kind != KindCopy {
		t.Errorf("kind %q, want copy", rec.Kind)
	}
}

func TestNamesAnnualReport(t *testing.T) {
	for title, want := range map[string]bool{
		"某县人民政府2021年政府信息公开工作年度报告":              true,
		"清河市人民政府关于2019年度政府信息公开工作年度报告（2020年3月）": true,
		"某街道2020年度政务公开年报":                      true,
		"【年报】清河县教育局二〇一五年政府信息公开工作年度报告":          true,
		"２０２１年度某区政府信息公开工作年度报告":                 true,
		"政府信息公开工作年度报告":                         false, // no year: a column
		"某县2021年统计年报":                          false, // not a disclosure report
		"关于做好2021年度政府信息公开工作年度报告的通知":            false,
		"2021年政府信息公开工作年度报告解读":                  false,
		"某县2021年政府信息公开工作年度报告，现予公布":             false,
	} {
		if got := namesAnnualReport(title); got != want {
			t.Errorf("namesAnnualReport(%q) = %v, want %v", title, got, want)
		}
	}
}
