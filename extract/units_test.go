package extract

import (
	"reflect"
	"strings"
	"testing"
)

func TestNormalizeDate(t *testing.T) {
	for in, want := range map[string]string{
		"2021-01-25 17:15": "2021-01-25",
		"2021年1月25日":       "2021-01-25",
		"2021年01月25日":      "2021-01-25",
		"2021/1/25":        "2021-01-25",
		"2021.01.25":       "2021-01-25",
		"２０２１－０１－２５":       "2021-01-25",
		"二〇二一年一月二十五日":      "2021-01-25",
		"二〇二〇年十二月三十一日":     "2020-12-31",
		"发布时间：2016.3.2 浏览": "2016-03-02",
		"2021-13-45":       "",
		"明天":               "",
		"":                 "",
	} {
		if got := normalizeDate(in); got != want {
			t.Errorf("normalizeDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseMetaLayouts(t *testing.T) {
	corpus001 := []string{
		"索引号: 001008010002056/2021-116241 文件编号:",
		"发布机构: 新前街道 成文日期: 2021-01-25",
		"公开方式: 主动公开 公开范围: 面向全社会",
		"",
		"新前街道2020年度政府信息公开年度报告",
		"发布日期: 2021-01-25 17:15   来源: 新前街道 字体:[ ]",
		"2020年,在委、政府的正确领导下,……数据来源：统计局。",
	}
	want001 := Meta{
		IndexNo: "001008010002056/2021-116241", Publisher: "新前街道", WrittenDate: "2021-01-25",
		PublishedDate: "2021-01-25", DisclosureMode: "主动公开", DisclosureScope: "面向全社会", Source: "新前街道",
	}
	// Table cells render one per line, blank cells as empty lines; labels
	// are letter-spaced with U+3000 or NBSP.
	table := []string{"索\u00a0引\u00a0号：", "QH-01", "主题分类：", "", "文　　号：", "清政发〔2021〕1号", "发布机构：", "清河市人民政府", "来　　源：", "市政府办公室", "成文日期：", "2021年01月20日"}
	wantTable := Meta{IndexNo: "QH-01", DocNo: "清政发〔2021〕1号", Publisher: "清河市人民政府", Source: "市政府办公室", WrittenDate: "2021-01-20"}
	for name, c := range map[string]struct {
		lines []string
		want  Meta
	}{"inline (corpus 001)": {corpus001, want001}, "table cells": {table, wantTable}} {
		got, warn := parseMetaLines(c.lines)
		if got != c.want || warn != "" {
			t.Errorf("%s:\n got %+v (%s)\nwant %+v", name, got, warn, c.want)
		}
	}
	// An unreadable date is reported, not stored.
	if m, warn := parseMetaLines([]string{"成文日期: 去年春天"}); m.WrittenDate != "" || !strings.Contains(warn, "去年春天") {
		t.Errorf("bad date: %+v %q", m, warn)
	}
}

func TestYearAgencyFromTitle(t *testing.T) {
	for _, c := range []struct {
		title  string
		year   int
		agency string
	}{
		{"新前街道2020年度政府信息公开年度报告", 2020, "新前街道"},
		{"康川街道2020政府信息公开工作年度报告", 2020, "康川街道"},
		{"同江市城市社区2020年政府信息公开工作年度报告", 2020, "同江市城市社区"},
		{"2020年度清河区政府信息公开工作年度报告", 2020, "清河区"},
		{"清河市人民政府关于2019年度政府信息公开工作年度报告（2020年3月）", 2019, "清河市人民政府"},
		{"【年报】清河县教育局二〇一五年政府信息公开工作年度报告", 2015, "清河县教育局"},
		{"关于清河县人民政府2019年政府信息公开工作年度报告", 2019, "清河县人民政府"},
		{"关于公布清河县财政局2021年度政府信息公开工作年度报告", 2021, "清河县财政局"},
		{"社區(qū)政府信息公開匯報范文", 0, ""},
		{"*区*年政府信息公开工作年度报告", 0, ""},
	} {
		if y := yearInTitle(c.title); y != c.year {
			t.Errorf("yearInTitle(%q) = %d, want %d", c.title, y, c.year)
		}
		if a := agencyFromTitle(c.title); a != c.agency {
			t.Errorf("agencyFromTitle(%q) = %q, want %q", c.title, a, c.agency)
		}
	}
	if a := agencyOf("清河市东城区人民政府办公室", "清河市东城区人民政府", ""); a != "清河市东城区人民政府" {
		t.Errorf("office publishing for its government: %q", a)
	}
	if a := agencyOf("清河市财政局", "某某", "seed"); a != "清河市财政局" {
		t.Errorf("publisher first: %q", a)
	}
	if a := agencyOf("", "", "seed"); a != "seed" {
		t.Errorf("seed last: %q", a)
	}
}

func TestHeadingsAndSections(t *testing.T) {
	lines := []string{
		"一、总体情况", "2020年，本街道……", "一、加强组织领导，健全工作机制。", "正文。",
		"二、主动公开政府信息情况", "规章", "0",
		"三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
		"五、存在的主要问题及改进情况", "问题一。", "六、其他需要报告的事项", "无。", "附件：统计表.xls",
	}
	hs := findHeadings(lines)
	var ids []sectionID
	for _, h := range hs {
		ids = append(ids, h.id)
	}
	if want := []sectionID{secOverview, secProactive, secRequests, secReview, secProblems, secOther}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("headings %v, want %v", ids, want)
	}
	s := sectionsOf(lines, hs)
	want := Sections{Overview: "2020年，本街道……\n一、加强组织领导，健全工作机制。\n正文。", Problems: "问题一。", Other: "无。"}
	if s != want {
		t.Errorf("sections %+v, want %+v", s, want)
	}
}

func TestLegacyFigures(t *testing.T) {
	lines := []string{
		"全年主动公开政府信息1,234条，其中政策法规类信息65条。",
		"区档案馆接待公众查阅政府公开信息69人次。",
		"全年共受理政府信息公开申请12件。",
		"全年未发生政府信息公开行政诉讼案件。",
	}
	got := map[string]float64{}
	for _, f := range legacyFigures(lines) {
		got[f.Name] = f.Value
	}
	want := map[string]float64{"proactive_total": 1234, "requests_received": 12, "litigation": 0}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("legacy figures %v, want %v (review not stated: absent)", got, want)
	}
}

func TestKindOf(t *testing.T) {
	essay := func() string {
		return "前言:本站為你精心整理了社區(qū)政府信息公開匯報范文,希望能為你的創(chuàng)作提供參考價值"
	}
	plain := func() string { return "一、总体情况 2020年，本区认真贯彻落实《条例》。" }
	for _, c := range []struct {
		title, url string
		headings   int
		tables     bool
		text       func() string
		want       string
	}{
		{"某区2020年政府信息公开工作年度报告", "http://www.x.gov.cn/a", 6, true, essay, KindReport}, // a .gov.cn host is never an essay site
		{"某区2020年政府信息公开工作年度报告", "http://www.fanwen.example/a", 6, true, essay, KindCopy},
		{"某区2020年政府信息公开工作年度报告", "http://www.fanwen.example/a", 6, true, plain, KindReport},
		{"某区2020年政府信息公开工作年度报告", "http://127.0.0.1:8080/a", 0, true, essay, KindCopy}, // unknown host: the text decides
		{"某区2020年政府信息公开工作年度报告", "http://127.0.0.1:8080/a", 0, true, plain, KindReport},
		{"我区召开2020年度政府信息公开工作年度报告编制会议", "http://www.x.gov.cn/a", 1, false, plain, KindNotReport},
		{"某区政府信息公开指南", "http://www.x.gov.cn/a", 2, false, plain, KindNotReport},
	} {
		if got := kindOf(c.title, c.url, c.headings, c.tables, 0, c.text); got != c.want {
			t.Errorf("kindOf(%q, %s) = %q, want %q", c.title, c.url, got, c.want)
		}
	}
}
