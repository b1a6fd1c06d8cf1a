package crawler

import (
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/crawler/platform"
)

// A TRS list page's pager script writes <a href=\"…\"> from JavaScript
// strings; those are not links. Only the real <a href> elements and the
// createPageHTML call (read by trsPages) lead anywhere.
func TestScriptTextIsNotLinks(t *testing.T) {
	body, err := os.ReadFile("testdata/trs_list.html")
	if err != nil {
		t.Fatal(err)
	}
	pg := parsePage(string(body))
	var hrefs []string
	for _, l := range pg.links {
		hrefs = append(hrefs, l.href)
	}
	want := []string{"./202103/t20210301_1.html", "./202003/t20200301_2.html"}
	if strings.Join(hrefs, " ") != strings.Join(want, " ") {
		t.Errorf("links %q, want only the list's anchors %q", hrefs, want)
	}
	u, _ := url.Parse("http://h/zwgk/zfxxgknb/index.html")
	res := platform.Read(&platform.Page{URL: u, HTML: string(body), Scripts: pg.scripts, Links: platformLinks(pg.links)})
	var lists []string
	for _, r := range res.Lists {
		lists = append(lists, strings.TrimPrefix(r.URL, "http://h/zwgk/zfxxgknb/"))
	}
	if got := strings.Join(lists, " "); got != "index.html index_1.html index_2.html" {
		t.Errorf("list pages = %q", got)
	}
}

// Crawled, the same page requests its reports and its other list pages,
// never the backslash of `href=\"` (which resolves to …/%5C). The one link
// a browser would show from its scripts, document.write(s) of a literal
// string (政府信息公开 → /from-js.html), is followed: the generic adapter
// reads markup written from literals, never from the pager's variables.
func TestTRSPagerScriptCrawl(t *testing.T) {
	body, err := os.ReadFile("testdata/trs_list.html")
	if err != nil {
		t.Fatal(err)
	}
	p := newPortal(t)
	p.set("/", htmlPage("某市人民政府", a("/zwgk/zfxxgknb/", "政府信息公开年报")))
	p.set("/zwgk/zfxxgknb/", string(body))
	for _, n := range []string{"index.html", "index_1.html", "index_2.html"} {
		p.set("/zwgk/zfxxgknb/"+n, string(body))
	}
	p.set("/zwgk/zfxxgknb/202103/t20210301_1.html", reportPage(2020, ""))
	p.set("/zwgk/zfxxgknb/202003/t20200301_2.html", reportPage(2019, ""))
	crawl(t, testStore(t), testConfig(), p.url("/"))
	got := p.fetched()
	var paths []string
	for k := range got {
		paths = append(paths, k)
	}
	sort.Strings(paths)
	for _, k := range paths {
		if strings.Contains(k, `\`) || strings.Contains(strings.ToUpper(k), "%5C") {
			t.Errorf("requested %q, a link only script text holds", k)
		}
	}
	for _, k := range []string{"/from-js.html", "/zwgk/zfxxgknb/index_2.html", "/zwgk/zfxxgknb/202103/t20210301_1.html", "/zwgk/zfxxgknb/202003/t20200301_2.html"} {
		if got[k] != 1 {
			t.Errorf("%s fetched %d times, want 1 (fetched %q)", k, got[k], paths)
		}
	}
}

// The one markup a script block carries as data, a Hanweb column's
// embedded datastore, is no link of the page itself: the Hanweb adapter
// reads its records (crawler/platform), and a crawl follows them.
func TestHanwebDatastoreInScript(t *testing.T) {
	col := `<div id="4321"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/nextgroup">x</a>]]></nextgroup><recordset>` +
		`<record><![CDATA[<li><a href="/art/2021/1/20/art_1_1.html" title="t">某县2020年政府信息公开工作年度报告</a></li>]]></record>` +
		`<record><![CDATA[<li><a href='/art/2020/1/20/art_1_2.html'>2019年年报</a></li>]]></record></recordset></datastore></script></div>`
	if pg := parsePage(col); len(pg.links) != 0 {
		t.Errorf("script text read as links: %+v", pg.links)
	}
	p := newPortal(t)
	p.set("/", htmlPage("某县人民政府", a("/col/col9/index.html", "政府信息公开年报")))
	p.set("/col/col9/index.html", htmlPage("年报", col))
	p.set("/art/2021/1/20/art_1_1.html", reportPage(2020, ""))
	p.set("/art/2020/1/20/art_1_2.html", reportPage(2019, ""))
	crawl(t, testStore(t), testConfig(), p.url("/"))
	got := p.fetched()
	for _, k := range []string{"/art/2021/1/20/art_1_1.html", "/art/2020/1/20/art_1_2.html"} {
		if got[k] != 1 {
			t.Errorf("%s fetched %d times, want 1 (fetched %q)", k, got[k], sortedKeys(got))
		}
	}
	if got["/nextgroup"] != 0 {
		t.Errorf("followed the datastore's nextgroup link")
	}
}
