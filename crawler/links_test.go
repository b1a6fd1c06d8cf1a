package crawler

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestTRSPages(t *testing.T) {
	tests := []struct {
		script string
		want   string
	}{
		{`createPageHTML(4, 0, "index", "html");`, "index.html index_1.html index_2.html index_3.html"},
		{`createPageHTML(3, 2, "index", "shtml");`, "index.shtml index_1.shtml index_2.shtml"},
		{`createPageHTML(3, 0, "index");`, "index.html index_1.html index_2.html"},
		{`createPageHTML('page_div',3, 1,'index','html',40);`, "index.html index_2.html index_3.html"},
		{`createPageHTML( 1 , 0 , "default" , "htm" )`, "default.htm"},
		{`createPageHTML(99999, 0, "index", "html");`, ""}, // capped, checked below
		{`var x = 1;`, ""},
	}
	for _, tt := range tests {
		got := trsPages([]string{tt.script})
		if strings.Contains(tt.script, "99999") {
			if len(got) != maxListPages {
				t.Errorf("%s: %d pages, want the cap %d", tt.script, len(got), maxListPages)
			}
			continue
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s: %q, want %q", tt.script, got, tt.want)
		}
	}
}

func TestHanweb(t *testing.T) {
	u, _ := url.Parse("http://www.x.gov.cn/col/col1559/index.html")
	page := `<div id="10432"></div><script>{col:1,webid:'34',path:'http://www.x.gov.cn/',columnid:'1559',sourceContentType:1,unitid:'10432',webname:'x',permissiontype:0}</script>
	<script>var totalRecord = 50; ... dataproxy.jsp ... perpage:'20'</script>`
	h, ok := hanwebOf(u, page)
	if !ok || h.columnID != "1559" || h.unitID != "10432" || h.webID != "34" || h.perPage != 20 || h.total != 50 {
		t.Fatalf("hanwebOf = %+v, %v", h, ok)
	}
	reqs := h.requests(1)
	if len(reqs) != 1 || reqs[0].url != "http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?endrecord=60&perpage=20&startrecord=1" {
		t.Fatalf("requests = %+v", reqs)
	}
	form, _ := url.ParseQuery(reqs[0].form)
	if form.Get("columnid") != "1559" || form.Get("unitid") != "10432" || form.Get("webid") != "34" {
		t.Errorf("form = %v", form)
	}
	h.total = 130
	if got := h.requests(1); len(got) != 3 || !strings.Contains(got[2].url, "startrecord=121") {
		t.Errorf("130 records in groups of 60: %+v", got)
	}
	links, total, n := hanwebAnswer(`<datastore><nextgroup><![CDATA[<a href="/x"></a>]]></nextgroup><totalrecord>2</totalrecord><recordset>
<record><![CDATA[<li><a href="/art/2021/1/20/art_1559_1.html" title="2020年度报告" target="_blank">某县<b>2020</b>年政府信息公开工作年度报告</a></li>]]></record>
<record><![CDATA[<li><a href='/art/2020/1/20/art_1559_2.html'>2019年年报</a></li>]]></record></recordset></datastore>`)
	if total != 2 || n != 2 || len(links) != 3 || links[1].href != "/art/2021/1/20/art_1559_1.html" || links[1].anchor != "某县 2020 年政府信息公开工作年度报告" {
		t.Errorf("answer: %+v total %d records %d", links, total, n)
	}
	if _, ok := hanwebOf(&url.URL{Path: "/xxgk/index.html"}, "<p>no hanweb here</p>"); ok {
		t.Errorf("plain page taken for Hanweb")
	}
}

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
