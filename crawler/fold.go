package crawler

import (
	"net/url"
	"regexp"
	"strings"
)

// Pages machine-converted to traditional characters (essay and template
// sites that copy a report, like corpus file 004) name it 政府信息公開 or
// 匯報, and often gloss a character with its pinyin: 區(qū). The scoring
// terms are simplified, so anchors and URLs are folded before scoring.
// The table is deliberately small: only the characters that occur in the
// scoring, negative and pager terms (and the common words around them), not
// a general converter, which the crawler does not need.
var tradToSimp = strings.NewReplacer(
	"開", "开", "報", "报", "匯", "汇", "區", "区", "務", "务", "資", "资",
	"訊", "讯", "將", "将", "門", "门", "戶", "户", "網", "网", "廳", "厅",
	"縣", "县", "鎮", "镇", "頁", "页", "條", "条", "動", "动", "錄", "录",
	"專", "专", "欄", "栏", "類", "类", "關", "关", "於", "于", "發", "发",
	"佈", "布", "註", "注", "冊", "册", "無", "无", "礙", "碍", "圖", "图",
	"郵", "邮", "視", "视", "頻", "频", "載", "载", "規", "规", "劃", "划",
	"財", "财", "總", "总", "結", "结", "單", "单", "項", "项",
)

// pinyinGloss is a pinyin reading in brackets right after a Han character,
// as converters leave them: 區(qū), 務(wù). At least one tone-marked vowel is
// required so that "(pdf)" or "(2020)" stay.
var pinyinGloss = regexp.MustCompile(`(\p{Han})[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]`)

// foldText makes text comparable with the scoring terms: pinyin glosses
// removed, traditional characters of the terms made simplified, lower case.
func foldText(s string) string {
	if strings.IndexByte(s, '(') >= 0 || strings.Contains(s, "（") {
		s = pinyinGloss.ReplaceAllString(s, "$1")
	}
	return strings.ToLower(tradToSimp.Replace(s))
}

// foldURL is the folded, percent-decoded path and query of u, so that a
// path or query spelling 年報 in %-escapes scores like its anchor would.
func foldURL(u *url.URL) string {
	q := u.RawQuery
	if d, err := url.QueryUnescape(q); err == nil {
		q = d
	}
	return foldText(u.Path + "?" + q)
}
