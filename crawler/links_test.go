package crawler

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestScoreLink(t *testing.T) {
	tests := []struct {
		anchor, href, from string
		kind               string
		positive           bool
	}{
		{"某市2020年政府信息公开工作年度报告", "/xxgk/ndbg/2021/t1.html", kindPage, kindReport, true},
		{"政府信息公开年报", "/xxgk/ndbg/", kindPage, kindPage, true},
		{"政府信息公开", "/xxgk/", kindPage, kindPage, true},
		{"", "/zfxxgk/ndbg/index.html", kindPage, kindPage, true},
		{"新闻动态", "/news/", kindPage, kindPage, false},
		{"登录", "/xxgk/login", kindPage, "", false},
		{"附件1", "/files/a.pdf", kindReport, kindAttachment, true},
		{"附件1", "/files/a.pdf", kindPage, "", false},
		{"2019年年报全文", "/files/a.docx", kindPage, kindAttachment, true},
		{"政府信息公开年报", "/img/banner.jpg", kindPage, "", false},
	}
	for _, tt := range tests {
		u, _ := url.Parse("http://x.gov.cn" + tt.href)
		s, k := scoreLink(link{href: tt.href, anchor: tt.anchor}, u, tt.from)
		if (s > 0) != tt.positive || (tt.positive && k != tt.kind) {
			t.Errorf("scoreLink(%q, %q) = %v, %q; want positive=%v kind %q", tt.anchor, tt.href, s, k, tt.positive, tt.kind)
		}
	}
	// Reports outrank the column, which outranks the section.
	rep, _ := scoreLink(link{anchor: "某市2020年政府信息公开工作年度报告"}, &url.URL{Path: "/a.html"}, kindPage)
	col, _ := scoreLink(link{anchor: "政府信息公开年报"}, &url.URL{Path: "/b/"}, kindPage)
	sec, _ := scoreLink(link{anchor: "政务公开"}, &url.URL{Path: "/c/"}, kindPage)
	if !(rep > col && col > sec && sec > 0) {
		t.Errorf("scores report %v, column %v, section %v", rep, col, sec)
	}
}

func TestCanonicalAndTraps(t *testing.T) {
	base, _ := url.Parse("http://WWW.X.gov.cn:80/a/b/index.html")
	for _, tt := range []struct{ ref, want string }{
		{"../c/d.html#top", "http://www.x.gov.cn/a/c/d.html"},
		{"list.jsp;jsessionid=ABC123?page=2", "http://www.x.gov.cn/a/b/list.jsp?page=2"},
		{"list.jsp?page=2&PHPSESSID=zz", "http://www.x.gov.cn/a/b/list.jsp?page=2"},
		{"https://www.x.gov.cn:443", "https://www.x.gov.cn/"},
		{"javascript:void(0)", ""},
		{"mailto:a@x.gov.cn", ""},
		{"#", ""},
	} {
		u, ok := canonical(base, tt.ref)
		got := ""
		if ok {
			got = u.String()
		}
		if got != tt.want {
			t.Errorf("canonical(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
	for _, tt := range []struct{ u, reason string }{
		{"http://x.gov.cn/xxgk/ndbg/index_2.html", ""},
		{"http://x.gov.cn/list.jsp?page=7&col=3", ""},
		{"http://x.gov.cn/hdjl/rl/?date=2021-01-02", "calendar"},
		{"http://x.gov.cn/events/calendar/2021/01", "calendar"},
		{"http://x.gov.cn/a/xxgkml/xxgkml/xxgkml/", "repeated_path"},
		{"http://x.gov.cn/s?a=1&a=1", "growing_query"},
		{"http://x.gov.cn/s?a=1&b=1&c=1&d=1&e=1&f=1&g=1&h=1&i=1", "long_query"},
		{"http://x.gov.cn/" + strings.Repeat("x", 600), "long_url"},
	} {
		u, _ := url.Parse(tt.u)
		if got := trapReason(u); got != tt.reason {
			t.Errorf("trapReason(%s) = %q, want %q", tt.u, got, tt.reason)
		}
	}
}

func TestScope(t *testing.T) {
	s := newScope("http://www.beijing.gov.cn/")
	for _, tt := range []struct {
		u    string
		want bool
	}{
		{"http://www.beijing.gov.cn/xxgk/", true},
		{"https://xxgk.beijing.gov.cn/ndbg/", true},
		{"http://beijing.gov.cn/", true},
		{"http://www.tj.gov.cn/", false},
		{"http://www.gov.cn/", false},
		{"http://evilbeijing.gov.cn/", false},
		{"ftp://www.beijing.gov.cn/", false},
	} {
		u, _ := url.Parse(tt.u)
		if got := s.allows(u); got != tt.want {
			t.Errorf("allows(%s) = %v, want %v", tt.u, got, tt.want)
		}
	}
	ip := newScope("http://127.0.0.1:8080/")
	other, _ := url.Parse("http://127.0.0.1:9090/")
	same, _ := url.Parse("http://127.0.0.1:8080/x")
	if ip.allows(other) || !ip.allows(same) {
		t.Errorf("IP scope: other port %v, same port %v", ip.allows(other), ip.allows(same))
	}
}

func TestChallengeDetection(t *testing.T) {
	h := http.Header{"Content-Type": {"text/html"}}
	real := htmlPage("某市2020年报", "<p>"+strings.Repeat("本报告根据《中华人民共和国政府信息公开条例》编制。", 5)+"</p><script>var _hmt=[];</script>")
	for _, tt := range []struct {
		name   string
		status int
		body   string
		want   bool
	}{
		{"412 with script", 412, challengePage, true},
		{"200 script-only 瑞数", 200, challengePage, true},
		{"real page with analytics script", 200, real, false},
		{"empty 200", 200, "", false},
	} {
		pg := parsePage(tt.body)
		if got := isChallenge(tt.status, h, []byte(tt.body), pg.text); got != tt.want {
			t.Errorf("%s: isChallenge = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// Link text on a GBK page is read through extract/charset, so the 年报
// anchors score and are followed.
func TestGBKPageLinks(t *testing.T) {
	p := newPortal(t)
	enc := simplifiedchinese.GBK.NewEncoder()
	home, _ := enc.String(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>某县人民政府</title></head><body>` +
		a("/gk/", "政府信息公开") + a("/news/", "新闻中心") + `</body></html>`)
	col, _ := enc.String(`<html><head><meta charset="gbk"></head><body>` + a("/gk/2021.html", "某县2021年政府信息公开工作年度报告") + a("/gk/other.html", "通知公告") + `</body></html>`)
	for path, body := range map[string]string{"/": home, "/gk/": col, "/gk/2021.html": col} {
		b := body
		p.handle(path, func(w http.ResponseWriter, r *http.Request) {
			// colly would convert this body to UTF-8 before its callbacks;
			// the archive must still get the GBK bytes.
			w.Header().Set("Content-Type", "text/html; charset=gbk")
			w.Write([]byte(b))
		})
	}
	st := testStore(t)
	crawl(t, st, testConfig(), p.url("/"))
	// The archive holds the GBK bytes as served, not a UTF-8 conversion.
	if caps, err := st.Captures(p.url("/")); err != nil || len(caps) != 1 || caps[0].Digest != hexSHA([]byte(home)) {
		t.Errorf("home captures %+v, %v; want the raw GBK digest", caps, err)
	}
	got := p.fetched()
	if got["/gk/"] != 1 || got["/gk/2021.html"] != 1 || got["/news/"] != 0 || got["/gk/other.html"] != 0 {
		t.Errorf("fetched %v", sortedKeys(got))
	}
}

// squash's no-copy path gives what collapsing every whitespace run gives.
func TestSquash(t *testing.T) {
	for _, s := range []string{"", " ", "a", "a b", "a  b", " a", "a ", "a\tb", "a\nb", "某县 2023年", "某县\u3000年报", "a\u00a0b", "附件1.pdf（256KB）", "\u2028a"} {
		if got, want := squash(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("squash(%q) = %q, want %q", s, got, want)
		}
	}
}
