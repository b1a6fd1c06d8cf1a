package extract

import (
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Classification: the year reported on, the agency, the template and the
// kind of page.

// yearRe is a plausible report year not glued to other digits.
var yearRe = regexp.MustCompile(`(?:^|[^\d])((?:19|20)\d{2})(?:[^\d]|$)`)

// hanYearRe is a year in Chinese numerals: 二〇二〇年.
var hanYearRe = regexp.MustCompile(`([〇零○Ｏ一二三四五六七八九]{4})年`)

// yearInTitle returns the year a title reports on: the one followed by 年度
// first ("关于2020年度…（2021年1月）"), else the first plausible one.
func yearInTitle(title string) int {
	t := foldWidth(title)
	if i := strings.Index(t, "年度"); i >= 4 {
		if y := atoi(t[i-4 : i]); y >= 2000 && y <= 2100 {
			return y
		}
	}
	for _, m := range yearRe.FindAllStringSubmatch(t, -1) {
		if y := atoi(m[1]); y >= 2000 && y <= 2100 {
			return y
		}
	}
	if m := hanYearRe.FindStringSubmatch(t); m != nil {
		y := 0
		for _, r := range m[1] {
			y = y*10 + hanDigits[r]
		}
		if y >= 2000 && y <= 2100 {
			return y
		}
	}
	return 0
}

// yearFromText is the fallback: the first "YYYY年度" in the text, else the
// first "YYYY年" of the overview (reports open with "2020年，…").
func yearFromText(lines []string, overview string) int {
	for _, l := range lines {
		if !strings.Contains(l, "年度") {
			continue // foldWidth leaves 年度 as it is
		}
		if y, ok := firstYearBefore(foldWidth(l), "年度"); ok && y >= 2000 && y <= 2100 {
			return y
		}
	}
	if y, ok := firstYearBefore(foldWidth(overview), "年"); ok && y >= 2000 && y <= 2100 {
		return y
	}
	return 0
}

// firstYearBefore finds the first match of `((?:19|20)\d{2})\s*` + word in
// s, as a regexp would (leftmost; \s is ASCII space, tab, CR, LF, FF), and
// returns its year.
func firstYearBefore(s, word string) (int, bool) {
	for p := 0; p+4 <= len(s); p++ {
		if !(s[p] == '1' && s[p+1] == '9' || s[p] == '2' && s[p+1] == '0') || !isDigit(s[p+2]) || !isDigit(s[p+3]) {
			continue
		}
		q := p + 4
		for q < len(s) && (s[q] == ' ' || s[q] == '\t' || s[q] == '\n' || s[q] == '\r' || s[q] == '\f') {
			q++
		}
		if strings.HasPrefix(s[q:], word) {
			return atoi(s[p : p+4]), true
		}
	}
	return 0, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// agencyPrefixRe is the part of a title before its year: "新前街道" in
// "新前街道2020年度政府信息公开年度报告".
var agencyPrefixRe = regexp.MustCompile(`^(.+?)\s*(?:关于)?\s*(?:(?:19|20)\d{2}|[〇零○一二三四五六七八九]{4})\s*年?`)

// agencyAfterYearRe handles titles that open with the year:
// "2020年度某某区政府信息公开工作年度报告".
var agencyAfterYearRe = regexp.MustCompile(`^(?:19|20)\d{2}\s*年?度?\s*(.+?)(?:政府信息公开|政务公开|信息公开)`)

// titleLeadWords open a title before the agency's name, longest first.
var titleLeadWords = []string{"关于公布", "关于发布", "关于", "公布", "发布"}

// agencyFromTitle returns the publishing body named in a report title, or "".
func agencyFromTitle(title string) string {
	t := strings.TrimSpace(foldWidth(title))
	t = strings.TrimLeft(t, "【[")
	if i := strings.IndexAny(t, "】]"); i >= 0 && i < 30 {
		t = strings.TrimSpace(t[i+len("】"):])
	}
	var a string
	if m := agencyAfterYearRe.FindStringSubmatch(t); m != nil {
		a = m[1]
	} else if m := agencyPrefixRe.FindStringSubmatch(t); m != nil {
		a = m[1]
	}
	a = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(a), "关于"))
	// Leading words are not part of a name: 关于XX人民政府2019年… is XX人民政府's.
	for _, w := range titleLeadWords {
		a = strings.TrimSpace(strings.TrimPrefix(a, w))
	}
	a = strings.TrimRight(a, " ：:-—_（(")
	n := utf8.RuneCountInString(a)
	if n < 2 || n > 40 || !hasHan(a) || strings.ContainsAny(a, "*＊") {
		return ""
	}
	return a
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// templateFor decides the template from the tables when they name one,
// else from the year (legacy up to 2018), else from legacy wording.
func templateFor(tablesTemplate string, year int, legacyWords bool) string {
	switch {
	case tablesTemplate != "":
		return tablesTemplate
	case year > 0 && year <= 2018:
		return TemplateLegacy
	case year >= 2021:
		return Template2021
	case year >= 2019:
		return Template2019
	case legacyWords:
		return TemplateLegacy
	}
	return ""
}

// isGovHost: .gov.cn and the like. An IP address or localhost is unknown,
// not non-government (the demo portal and tests serve from 127.0.0.1).
func hostClass(raw string) (gov, known bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return false, false
	}
	h := strings.ToLower(u.Hostname())
	if h == "localhost" || net.ParseIP(h) != nil || strings.HasSuffix(h, ".test") || strings.HasSuffix(h, ".localhost") {
		return false, false
	}
	if strings.HasSuffix(h, ".gov.cn") || h == "gov.cn" || strings.HasSuffix(h, ".gov") || strings.Contains(h, ".gov.") {
		return true, true
	}
	return false, true
}

// notReportWords name pages that talk about reports without being one.
var notReportWords = []string{"指南", "目录", "通知", "会议", "召开", "培训", "部署", "印发", "做好", "列表", "公告", "新闻", "动态", "查询", "解读", "关于报送"}

// hasNotReportWord reports whether s holds one of notReportWords.
func hasNotReportWord(s string) bool {
	for _, w := range notReportWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// bracketTailRe is a bracketed note closing a title: （2020年3月）, (全文), 【PDF】.
var bracketTailRe = regexp.MustCompile(`\s*[（(【\[][^（(【\[）)】\]]{0,20}[）)】\]]\s*$`)

// namesAnnualReport reports whether a title is one agency's annual report
// for one year (XX2023年政府信息公开工作年度报告, 关于2019年度政务公开工作年报):
// a year, 公开, and nothing after the report word but a bracketed note. Such
// a page is the report even when it is short (the wrapper of an attached
// PDF). Titles about a report (…年度报告编制工作, …年度报告的通知, …解读)
// do not end in the report word; 指南 and 目录 pages name no year.
func namesAnnualReport(title string) bool {
	t := strings.TrimSpace(fold(foldWidth(title)))
	for i := 0; i < 2; i++ {
		t = bracketTailRe.ReplaceAllString(t, "")
	}
	if n := utf8.RuneCountInString(t); n < 8 || n > 60 {
		return false
	}
	if !strings.HasSuffix(t, "年度报告") && !strings.HasSuffix(t, "年报") && !strings.HasSuffix(t, "工作报告") {
		return false
	}
	if !strings.Contains(t, "公开") || yearInTitle(t) == 0 || hasNotReportWord(t) || strings.ContainsAny(t, "，。；？！") {
		return false
	}
	return true
}

// NamesAnnualReport reports whether a page's <title> or main heading names
// one agency's annual report for one year, as namesAnnualReport reads a
// title, taking each part of a "报告_某某区人民政府" <title> on its own. The
// crawler reads a seed page so named as a report page.
func NamesAnnualReport(title string) bool {
	for _, part := range titleSplitRe.Split(cleanLine(title), -1) {
		if namesAnnualReport(part) {
			return true
		}
	}
	return false
}

// kindOf decides report / copy / not_report.
//   - report: standard tables, or the section headings of a report (three
//     or more, or two under a title that names an annual report), or a
//     title that is one agency's annual report for a year (namesAnnualReport);
//   - copy: that, on a host that is not a government one, with the signs
//     of an essay site;
//   - not_report: everything else (news that mentions 年度报告, list pages,
//     the 信息公开指南).
func kindOf(title, url string, headings int, hasTables bool, legacyFigs int, pageText func() string) string {
	ft := fold(title)
	reportTitle := strings.Contains(ft, "年度报告") || strings.Contains(ft, "年报") || (strings.Contains(ft, "工作") && strings.Contains(ft, "报告"))
	negTitle := hasNotReportWord(ft) && !strings.HasSuffix(strings.TrimSpace(ft), "报告")
	isReport := hasTables ||
		(!negTitle && (headings >= 3 || (headings >= 2 && reportTitle) || (reportTitle && legacyFigs >= 2))) ||
		namesAnnualReport(title)
	if !isReport {
		return KindNotReport
	}
	gov, known := hostClass(url)
	if gov {
		return KindReport
	}
	need := 3
	if known {
		need = 2 // a non-government host needs fewer signs
	}
	if copyScore(title, pageText()) >= need {
		return KindCopy
	}
	return KindReport
}

// officeSuffixes are the offices that publish on behalf of a government.
var officeSuffixes = []string{"办公室", "办公厅", "政务公开办公室", "政务服务和数据管理局", "信息中心", "政务公开办", "党政办"}

// agencyOf picks the agency: the metadata's 发布机构, then the title, then
// the seed list. When the publisher is the title agency's own office
// (人民政府 → 人民政府办公室 posts the report), the report is the title agency's.
func agencyOf(publisher, fromTitle, seed string) string {
	if publisher != "" && fromTitle != "" && publisher != fromTitle && strings.HasPrefix(publisher, fromTitle) {
		rest := strings.TrimPrefix(publisher, fromTitle)
		for _, s := range officeSuffixes {
			if rest == s {
				return fromTitle
			}
		}
	}
	return firstNonEmpty(publisher, fromTitle, seed)
}
