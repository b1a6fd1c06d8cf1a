package crawler

import (
	"net/url"
	"testing"

	"github.com/gongkai/gongkai/crawler/platform"
)

// Copies on essay sites are machine-converted to traditional characters
// with pinyin glosses (corpus file 004's title is 社區(qū)政府信息公開匯報范文);
// their links must score like the simplified ones.
func TestFoldTraditionalAnchors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"社區(qū)政府信息公開匯報范文", "社区政府信息公开汇报范文"},
		{"政務公開", "政务公开"},
		{"某縣2020年政府信息公開工作年度報告", "某县2020年政府信息公开工作年度报告"},
		{"下一頁", "下一页"},
		{"年報(PDF)", "年报(pdf)"},   // not a pinyin gloss: kept
		{"附件(2020)", "附件(2020)"}, // nor is a year
		{"要(草案)", "要(草案)"},       // nor Han in brackets
		{"網（wǎng）站", "网站"},       // full-width brackets
		{"ZWGK", "zwgk"},
	} {
		if got := foldText(tt.in); got != tt.want {
			t.Errorf("foldText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	u, _ := url.Parse("http://x.cn/s?q=%E5%B9%B4%E5%A0%B1")
	if got := foldURL(u); got != "/s?q=年报" {
		t.Errorf("foldURL = %q", got)
	}
}

func TestScoreTraditionalLinks(t *testing.T) {
	for _, tt := range []struct {
		anchor, href, from string
		kind               string
	}{
		// The demo portal's essay site links its copy with exactly this anchor.
		{"社區(qū)政府信息公開匯報范文", "/fanwen/gongzuobaogao/2020/0612/187345.html", kindPage, kindPage},
		{"某縣2020年政府信息公開工作年度報告", "/a/1.html", kindPage, kindReport},
		{"政府信息公開年報", "/b/", kindPage, kindPage},
		{"2019年年報全文", "/files/a.docx", kindPage, kindAttachment},
	} {
		u, _ := url.Parse("http://x.cn" + tt.href)
		s, k := scoreLink(link{href: tt.href, anchor: tt.anchor}, u, tt.from)
		if s <= 0 || k != tt.kind {
			t.Errorf("scoreLink(%q) = %v, %q; want positive, %q", tt.anchor, s, k, tt.kind)
		}
		simp, _ := scoreLink(link{href: tt.href, anchor: foldText(tt.anchor)}, u, tt.from)
		if s != simp {
			t.Errorf("%q scores %v, its simplified form %v", tt.anchor, s, simp)
		}
	}
	// Negative terms fold too: 登錄 is 登录.
	if s, _ := scoreLink(link{href: "/xxgk/login", anchor: "政府信息公開 登錄"}, &url.URL{Path: "/xxgk/login"}, kindPage); s != 0 {
		t.Errorf("traditional login link scored %v", s)
	}
	if !platform.PagerAnchor("下一頁") || !platform.PagerAnchor("尾頁") {
		t.Errorf("traditional pager anchors not recognised")
	}
}
