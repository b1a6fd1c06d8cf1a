package platform

import (
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// testPage reads a fixture the way the crawler does: anchors, frames and
// inline scripts.
func testPage(t *testing.T, file, pageURL string) *Page {
	t.Helper()
	b, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	p := &Page{URL: u, Base: u, HTML: string(b)}
	z := html.NewTokenizer(strings.NewReader(p.HTML))
	var cur *Link
	inScript := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			attr := map[string]string{}
			for _, a := range tok.Attr {
				attr[a.Key] = a.Val
			}
			switch tok.Data {
			case "a":
				if h, ok := attr["href"]; ok {
					cur = &Link{Href: h}
				}
			case "iframe", "frame":
				p.Links = append(p.Links, Link{Href: attr["src"], Anchor: attr["name"], Frame: true})
			case "script":
				inScript = tt == html.StartTagToken
			}
		case html.EndTagToken:
			switch tok.Data {
			case "a":
				if cur != nil {
					cur.Anchor = squash(cur.Anchor)
					p.Links = append(p.Links, *cur)
					cur = nil
				}
			case "script":
				inScript = false
			}
		case html.TextToken:
			if inScript {
				p.Scripts = append(p.Scripts, tok.Data)
			} else if cur != nil {
				cur.Anchor += tok.Data
			}
		}
	}
	return p
}

func requestURLs(rs []Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.URL)
	}
	return out
}

func linkHrefs(ls []Link) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Href)
	}
	return out
}

func joined(s []string) string { return strings.Join(s, "\n") }

// TestTRS reads every createPageHTML form: arities 3, 4 and 6, literal and
// variable arguments, a call in an external script, 0- and 1-based lists.
func TestTRS(t *testing.T) {
	tests := []struct {
		file, url string
		want      []string // list pages, relative to the page's directory
		claimed   int
	}{
		{"trs_vars.html", "http://www.a.gov.cn/xxgk/ndbg/index.shtml",
			[]string{"index.shtml", "index_1.shtml", "index_2.shtml", "index_3.shtml", "index_4.shtml"}, 0},
		{"trs_nvars.html", "http://www.a.gov.cn/xxgk/ndbg/index_2.htm",
			[]string{"index.htm", "index_1.htm", "index_2.htm", "index_3.htm"}, 0},
		{"trs_external.html", "http://www.a.gov.cn/xxgk/ndbg/",
			[]string{"index.html", "index_1.html", "index_2.html"}, 0},
		{"trs_six.html", "http://www.a.gov.cn/xxgk/ndbg/index.html",
			[]string{"index.html", "index_2.html", "index_3.html", "index_4.html"}, 0},
		// Three arguments, current index 1 on index_1.html: 0-based.
		{"trs_three.html", "http://www.a.gov.cn/xxgk/ndbg/index_1.html",
			[]string{"index.html", "index_1.html", "index_2.html"}, 0},
		// The same call on index.html says the list counts from 1.
		{"trs_three.html", "http://www.a.gov.cn/xxgk/ndbg/index.html",
			[]string{"index.html", "index_2.html", "index_3.html"}, 0},
	}
	for _, tt := range tests {
		p := testPage(t, tt.file, tt.url)
		f, ok := TRS{}.Read(p)
		if !ok {
			t.Errorf("%s: not recognised as TRS", tt.file)
			continue
		}
		var want []string
		for _, w := range tt.want {
			want = append(want, "http://www.a.gov.cn/xxgk/ndbg/"+w)
		}
		if got := requestURLs(f.Lists); joined(got) != joined(want) {
			t.Errorf("%s at %s:\n got %q\nwant %q", tt.file, tt.url, got, want)
		}
	}
}

// A pager claiming a million pages yields MaxListPages of them and says
// what it claimed.
func TestTRSHugeClaim(t *testing.T) {
	f, ok := TRS{}.Read(testPage(t, "trs_huge.html", "http://www.a.gov.cn/nb/index.html"))
	if !ok || len(f.Lists) != MaxListPages || f.Claimed != 1000000 {
		t.Errorf("ok %v, %d lists, claimed %d; want %d lists, claimed 1000000", ok, len(f.Lists), f.Claimed, MaxListPages)
	}
	if f.Lists[MaxListPages-1].URL != "http://www.a.gov.cn/nb/index_499.html" {
		t.Errorf("last page %s", f.Lists[MaxListPages-1].URL)
	}
}

func TestTRSCallForms(t *testing.T) {
	tests := []struct{ script, want string }{
		{`createPageHTML(4, 0, "index", "html");`, "index.html index_1.html index_2.html index_3.html"},
		{`createPageHTML(3, 2, "index", "shtml");`, "index.shtml index_1.shtml index_2.shtml"},
		{`createPageHTML('page_div',3, 1,'index','html',40);`, "index.html index_2.html index_3.html"},
		{`createPageHTML( 1 , 0 , "default" , "htm" )`, "default.htm"},
		{`createPageHTML("page", 3, 0, "list", "shtml");`, "list.shtml list_1.shtml list_2.shtml"},
		{`function createPageHTML(a, b, c, d){ document.write(a); }`, ""},
		{`createPageHTML(count, cur, "index", "html");`, ""}, // variables never declared
		{`var x = 1;`, ""},
	}
	u, _ := url.Parse("http://h/l/index.html")
	for _, tt := range tests {
		f, _ := TRS{}.Read(&Page{URL: u, HTML: tt.script, Scripts: []string{tt.script}})
		var got []string
		for _, r := range f.Lists {
			got = append(got, strings.TrimPrefix(r.URL, "http://h/l/"))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s: %q, want %q", tt.script, got, tt.want)
		}
	}
}

func TestHanwebColumn(t *testing.T) {
	p := testPage(t, "hanweb_col.html", "http://www.x.gov.cn/col/col1229106797/index.html")
	f, ok := Hanweb{}.Read(p)
	if !ok {
		t.Fatal("column page not recognised")
	}
	// The two records embedded in the page.
	wantItems := "/art/2023/1/19/art_1229106797_4131501.html\n/art/2022/1/21/art_1229106797_3928001.html"
	if got := joined(linkHrefs(f.Items)); got != wantItems {
		t.Errorf("items %q", got)
	}
	if f.Items[1].Anchor != "某县人民政府 2021 年政府信息公开工作年度报告" {
		t.Errorf("anchor %q", f.Items[1].Anchor)
	}
	// perPage 2, totalRecord 9: groups of 6 records, two POSTs.
	want := []string{
		"http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?endrecord=6&perpage=2&startrecord=1",
		"http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?endrecord=12&perpage=2&startrecord=7",
	}
	if got := requestURLs(f.Lists); joined(got) != joined(want) {
		t.Fatalf("requests %q", got)
	}
	r := f.Lists[0]
	form, _ := url.ParseQuery(r.Form)
	if r.Method != "POST" || r.API != "hanweb" || form.Get("columnid") != "1229106797" || form.Get("unitid") != "102847" ||
		form.Get("webid") != "3096" || form.Get("sourceContentType") != "1" || !strings.HasPrefix(r.Key, "POST ") {
		t.Errorf("request %+v", r)
	}
}

func TestHanwebAnswer(t *testing.T) {
	body, err := os.ReadFile("testdata/hanweb_answer.xml")
	if err != nil {
		t.Fatal(err)
	}
	req := Request{URL: "http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?endrecord=3&perpage=1&startrecord=1",
		Method: "POST", Form: "columnid=1229106797&unitid=102847&webid=3096", API: "hanweb"}
	f, err := Answer(req, string(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 3 || f.Items[2].Href != "/art/2021/1/25/art_1229106797_3701200.html" || f.Items[2].Anchor != "某县人民政府2020年政府信息公开工作年度报告" {
		t.Errorf("items %+v", f.Items)
	}
	// 9 records, 3 asked: two more groups of 3.
	if got := requestURLs(f.Lists); len(got) != 2 || !strings.Contains(got[0], "startrecord=4") || !strings.Contains(got[1], "startrecord=7") {
		t.Errorf("more requests %q", got)
	}
	for _, bad := range []string{"<html><body>系统繁忙</body></html>", "\x00\x01garbage", ""} {
		if _, err := Answer(req, bad); err == nil {
			t.Errorf("answer %q accepted", bad)
		}
	}
}

func TestGkmlptLinksAndApp(t *testing.T) {
	sec := testPage(t, "gkmlpt_section.html", "http://www.example.gov.cn/zwgk/")
	f, ok := Gkmlpt{}.Read(sec)
	if !ok || len(f.Lists) != 2 {
		t.Fatalf("section: %+v %v", f.Lists, ok)
	}
	if r := f.Lists[0]; r.URL != "http://www.example.gov.cn/gkmlpt/index" || r.Key != "http://www.example.gov.cn/gkmlpt/index#2584" || r.Param != "2584" || !r.Hop || r.API != "" {
		t.Errorf("fragment link: %+v", r)
	}
	if r := f.Lists[1]; r.URL != "http://www.example.gov.cn/sfj/gkmlpt/annualreport" || r.Param != "3001" {
		t.Errorf("annual report link: %+v", r)
	}

	app := testPage(t, "gkmlpt_index.html", "http://www.example.gov.cn/gkmlpt/index")
	app.Param = "2584"
	f, ok = Gkmlpt{}.Read(app)
	if !ok || joined(requestURLs(f.Lists)) != "http://www.example.gov.cn/gkmlpt/api/all/2584?page=1&sid=755031" || f.Lists[0].API != "gkmlpt" {
		t.Errorf("app with column: %+v", f.Lists)
	}
	// Without a column, the tree's 年报 column.
	app.Param = ""
	f, _ = Gkmlpt{}.Read(app)
	if joined(requestURLs(f.Lists)) != "http://www.example.gov.cn/gkmlpt/api/all/2584?page=1&sid=755031" {
		t.Errorf("app from tree: %q", requestURLs(f.Lists))
	}
	// A department under a path prefix keeps it.
	dept := testPage(t, "gkmlpt_index.html", "http://www.example.gov.cn/sfj/gkmlpt/annualreport")
	dept.Param = "3001"
	f, _ = Gkmlpt{}.Read(dept)
	if joined(requestURLs(f.Lists)) != "http://www.example.gov.cn/sfj/gkmlpt/api/all/3001?page=1&sid=755031" {
		t.Errorf("department: %q", requestURLs(f.Lists))
	}
}

func TestGkmlptAnswer(t *testing.T) {
	body, err := os.ReadFile("testdata/gkmlpt_api_p1.json")
	if err != nil {
		t.Fatal(err)
	}
	req := gkmlptAPI(&url.URL{Scheme: "http", Host: "www.example.gov.cn"}, "", "2584", "755031", 1)
	f, err := Answer(req, string(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 2 || f.Items[0].Href != "http://www.example.gov.cn/gkmlpt/content/10/10408/post_10408867.html" || f.Items[0].Anchor != "某市人民政府2022年政府信息公开工作年度报告" {
		t.Errorf("items %+v", f.Items)
	}
	// total 5, two a page: pages 2 and 3.
	want := "http://www.example.gov.cn/gkmlpt/api/all/2584?page=2&sid=755031\nhttp://www.example.gov.cn/gkmlpt/api/all/2584?page=3&sid=755031"
	if got := joined(requestURLs(f.Lists)); got != want {
		t.Errorf("pages %q", got)
	}
	// Later pages ask for nothing more.
	req2 := gkmlptAPI(&url.URL{Scheme: "http", Host: "www.example.gov.cn"}, "", "2584", "755031", 2)
	if f, _ := Answer(req2, string(body)); len(f.Lists) != 0 {
		t.Errorf("page 2 asked for %q", requestURLs(f.Lists))
	}
	// A total of a million, one article a page: capped and recorded.
	f, err = Answer(req, `{"articles":[{"url":"/a.html","title":"t"}],"total":1000000}`)
	if err != nil || len(f.Lists) != MaxListPages-1 || f.Claimed != 1000000 {
		t.Errorf("huge total: %d lists, claimed %d, %v", len(f.Lists), f.Claimed, err)
	}
	for _, bad := range []string{"<!DOCTYPE html><html><body>404</body></html>", `{"code":500,"msg":"error"}`, "\x1f\x8b\x08garbage", `{"articles":`} {
		if _, err := Answer(req, bad); err == nil {
			t.Errorf("answer %q accepted", bad)
		}
	}
}

func TestGeneric(t *testing.T) {
	tests := []struct {
		file, url string
		lists     []string
		hops      []string
		items     []string
	}{
		{"generic_count.html", "http://www.b.gov.cn/xxgk/ndbg/list.jsp?columnId=55",
			[]string{"http://www.b.gov.cn/xxgk/ndbg/list.jsp?columnId=55&pageIndex=1", "http://www.b.gov.cn/xxgk/ndbg/list.jsp?columnId=55&pageIndex=2",
				"http://www.b.gov.cn/xxgk/ndbg/list.jsp?columnId=55&pageIndex=3", "http://www.b.gov.cn/xxgk/ndbg/list.jsp?columnId=55&pageIndex=4",
				"http://www.b.gov.cn/xxgk/ndbg/list.jsp?columnId=55&pageIndex=5", "http://www.b.gov.cn/xxgk/ndbg/list.jsp?columnId=55&pageIndex=6",
				"http://www.b.gov.cn/xxgk/ndbg/list.jsp?columnId=55&pageIndex=7", "http://www.b.gov.cn/xxgk/ndbg/list.jsp?columnId=55&pageIndex=8",
				"http://www.b.gov.cn/xxgk/ndbg/list.jsp?pageIndex=2&columnId=55"}, nil, nil},
		{"generic_siblings.html", "http://www.b.gov.cn/xxgk/nb/index.html",
			[]string{"http://www.b.gov.cn/xxgk/nb/index_1.html", "http://www.b.gov.cn/xxgk/nb/index_2.html", "http://www.b.gov.cn/xxgk/nb/index_3.html"}, nil, nil},
		{"generic_frame.html", "http://www.b.gov.cn/xxgk/ndbg/",
			nil, []string{"http://www.b.gov.cn/xxgk/ndbg/list_frame.html"}, nil},
		{"generic_script.html", "http://www.b.gov.cn/xxgk/nb/",
			nil, nil, []string{"/xxgk/nb/2023/0120/1001.html", "/xxgk/nb/2022/0118/0901.html", "/xxgk/nb/2021/0125/0801.html",
				"/upload/nb/2019nb.pdf", "/upload/nb/2018nb.pdf", "/upload/nb/2017nb.doc"}},
	}
	for _, tt := range tests {
		f, _ := Generic{}.Read(testPage(t, tt.file, tt.url))
		var lists, hops []string
		for _, r := range f.Lists {
			if r.Hop {
				hops = append(hops, r.URL)
			} else {
				lists = append(lists, r.URL)
			}
		}
		sort.Strings(lists)
		want := append([]string(nil), tt.lists...)
		sort.Strings(want)
		if joined(dedupe(lists)) != joined(want) {
			t.Errorf("%s lists:\n got %q\nwant %q", tt.file, dedupe(lists), want)
		}
		if joined(hops) != joined(tt.hops) {
			t.Errorf("%s hops %q, want %q", tt.file, hops, tt.hops)
		}
		if got := linkHrefs(f.Items); joined(got) != joined(tt.items) {
			t.Errorf("%s items:\n got %q\nwant %q", tt.file, got, tt.items)
		}
	}
	f, _ := Generic{}.Read(testPage(t, "generic_script.html", "http://www.b.gov.cn/xxgk/nb/"))
	if f.Items[0].Anchor != "某区2022年政府信息公开工作年度报告" || f.Items[3].Anchor != "某区2019年政府信息公开工作年度报告（PDF）" {
		t.Errorf("anchors %+v", f.Items)
	}
}

func dedupe(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// A pager only a script can turn is reported; a recognised one is not.
func TestUnknownPager(t *testing.T) {
	tests := []struct {
		file, url string
		unknown   bool
		platforms string
	}{
		{"generic_unknown.html", "http://www.c.gov.cn/xxgk/ndbg/", true, ""},
		{"generic_count.html", "http://www.c.gov.cn/xxgk/ndbg/list.jsp", false, "generic"},
		{"trs_vars.html", "http://www.c.gov.cn/xxgk/ndbg/index.shtml", false, "trs"},
		{"hanweb_col.html", "http://www.c.gov.cn/col/col1229106797/index.html", false, "hanweb"},
		{"gkmlpt_index.html", "http://www.c.gov.cn/gkmlpt/index", false, "gkmlpt"},
	}
	for _, tt := range tests {
		r := Read(testPage(t, tt.file, tt.url))
		if r.UnknownPager != tt.unknown || !strings.Contains(strings.Join(r.Platforms, ","), tt.platforms) {
			t.Errorf("%s: unknown %v platforms %q, want %v %q", tt.file, r.UnknownPager, r.Platforms, tt.unknown, tt.platforms)
		}
	}
}

func TestJSArgs(t *testing.T) {
	got := jsArgs(`'page_div', 3, f(1, 2), "a,b", 'it\'s'`)
	want := []string{`'page_div'`, `3`, `f(1, 2)`, `"a,b"`, `'it\'s'`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("jsArgs %q", got)
	}
	if v := jsValue(`"\u5e74\u62a5 \"x\""`); v != `年报 "x"` {
		t.Errorf("jsValue %q", v)
	}
}
