package platform

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/demoportal"
	"github.com/gongkai/gongkai/internal/fixture"
)

// edgeCases are the forms the fast paths' literal gates must not miss:
// each literal at a page's edges, in scripts and out, and near misses.
var edgeCases = []string{
	``, `页`, `共2页`, `共 12 页`, `共１页`, `第1/5页`, `第 1 / 5 页`, `3/7页`, `3 / 7 页`, `共1页`, `共0页`, `下一页`, `<p>尾页</p>`, `末页`, `下页`,
	`<script>var s="共9页";</script>`, `<script>下一页</script>共3页`, `<SCRIPT type="x">共4页</Script>共1页`, `<script>never closed 共5页`,
	`<script>a</script>第2/6页<script>b</script>`, `共<script></script>3页`, `共3<script>x</script> 页`, `下<script>x</script>一页`, `尾<SCRIPT>x</script>页`, `页<script>`, `1/2页1/3页`, `共99999999999999999999页 共3页`,
	`<script>createPageHTML(5, 0, "index", "html");</script>`, `<script>var countPage = 4; var currentPage = 1;</script>`,
	`<script>var pageCount = 3;</script>`, `<script>var pageCount = 3;</script><!-- createPageHTML -->`,
	`<script>var _nPageCount = 7; var _nCurrIndex = 0; var _sPageName = "list"; var _sPageExt = "shtml";</script>`,
	`<script>x={countPage:3,currentPage:'0'}</script>`, `<script>var countPage=3</script>`, "<script>\ncountPage = 3\n</script>",
	`<script>$('#1').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage:20, totalRecord:50, params:{columnid:'1559', unitid:'10432', webid:'34'}});</script>`,
	`<script>columnid=12;unitid=3</script>`, `<p>/module/jpage/dataproxy.jsp unitid: "4" COLUMNID: 5 sourceContentType=2 perpage=300</p>`,
	`<script type="text/xml"><datastore><totalrecord>12</totalrecord><recordset><record><![CDATA[<a href="/art/1.html">记录</a>]]></record></recordset></datastore></script>`,
	`<script>window._CONFIG = { SID: '755031' }; var TREE = [{"id":2584,"name":"政府信息公开年报","children":[]}];</script>`,
	`<script>SID="12"; TREE = [{"id":1,"name":"年度报告","children":[{"id":2,"name":"年报"}]}] ;</script>`, `xSID:1`, `SID = 9`,
	`<script>document.write('<li><a href="/art/1.html">二〇二一年年度报告</a></li>');</script>`,
	`<script>document.writeln("<a href='/a.html'>a</a>" + "<a href=/b.pdf>b</a>");document.write(x+'<a href="'+y+'">c</a>')</script>`,
	`<script>var list = [{"title":"2020年年度报告","url":"/art/1.html"}, {name:'x', href:'/y/z.pdf'}];</script>`,
	`<script>var files = ["/upload/nb2020.pdf", '/upload/nb2019.docx', "nopath.pdf", "/a/b"];</script>`,
	`<script>{url:"/a/b.html"}{"link": '/c/d.shtml?x=1', "text":"t"}[ "/e/f.jsp" ,"/g/h.PDF"]</script>`,
	`<script>{"url":"/a/b.html" {"url":"/c/d.html"}}</script>`, `<script>{` + strings.Repeat("x", 1001) + `"url":"/a/b.html"}</script>`,
	`<script>var o = {"url": "/a/b.html", "title": "a\u5e74\"b"};</script>`,
}

// pageURLs are the addresses each gathered page is read at, so that every
// adapter's URL-dependent branch runs over it.
var pageURLs = []string{"http://h.gov.cn/xxgk/ndbg/index.html", "http://h.gov.cn/col/col1559/index.html",
	"http://h.gov.cn/yjzjj/gkmlpt/index", "http://h.gov.cn/xxgk/ndbg/list_2.shtml"}

// gatherPages collects every page at hand: the adapters' and the crawler's
// fixtures, extraction's fixtures, rendered reports of every style,
// negative pages, the edge cases above and every HTML page of the demo
// portal.
func gatherPages(tb testing.TB) map[string]string {
	pages := map[string]string{}
	for i, c := range edgeCases {
		pages[fmt.Sprintf("case %d %q", i, c)] = c
	}
	for _, dir := range []string{"testdata", "../testdata", "../../extract/testdata"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.html"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			pages[f] = string(b)
		}
	}
	reps, err := corpus.Reports()
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range reps {
		for _, st := range fixture.Styles {
			pg, err := fixture.Render(r, fixture.Options{Style: st, Chrome: true, Encoding: fixture.EncUTF8})
			if err == nil {
				pages[fmt.Sprintf("%s %s", r.ID, st)] = string(pg.Body)
			}
		}
	}
	for i, n := range fixture.Negative() {
		pages[fmt.Sprintf("negative %d", i)] = string(n.Page.Body)
	}
	for u, body := range demoPages(tb) {
		pages[u] = body
	}
	return pages
}

var hrefRe = regexp.MustCompile(`(?i)(?:href|src)\s*=\s*["']?([^"'\s>]+)`)

// demoPages fetches every HTML page of the demo portal reachable from its
// seeds (on the seed's host), by URL.
func demoPages(tb testing.TB) map[string]string {
	p, err := demoportal.Start(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	defer p.Close()
	out := map[string]string{}
	var queue []*url.URL
	seen := map[string]bool{}
	for _, s := range p.Seeds() {
		u, err := url.Parse(s.URL)
		if err != nil {
			tb.Fatal(err)
		}
		queue = append(queue, u)
		seen[u.String()] = true
	}
	for len(queue) > 0 && len(out) < 500 {
		u := queue[0]
		queue = queue[1:]
		resp, err := http.Get(u.String())
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "html") {
			continue
		}
		out[u.String()] = string(b)
		for _, m := range hrefRe.FindAllStringSubmatch(string(b), -1) {
			v, ok := resolve(u, m[1])
			if !ok || v.Host != u.Host {
				continue
			}
			v.Fragment = ""
			if !seen[v.String()] {
				seen[v.String()] = true
				queue = append(queue, v)
			}
		}
	}
	return out
}

// TestReadMatchesReference: Read with its literal gates finds exactly what
// the definition before them (old_test.go) finds, on every page gathered,
// read at several addresses, whole and cut short.
func TestReadMatchesReference(t *testing.T) {
	pages := gatherPages(t)
	if len(pages) < 200 {
		t.Fatalf("only %d pages to compare", len(pages))
	}
	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	sort.Strings(names)
	compared, found := 0, map[string]int{}
	for _, name := range names {
		text := pages[name]
		addrs := pageURLs
		if strings.HasPrefix(name, "http") {
			addrs = append([]string{name}, pageURLs...)
		}
		for i, a := range addrs {
			u, _ := url.Parse(a)
			cuts := []string{text}
			if i == 0 {
				// Bodies arrive truncated: cut the page at 3 places.
				cuts = append(cuts, text[:len(text)/4], text[:len(text)/2], text[:len(text)*3/4])
			}
			for _, cut := range cuts {
				params := []string{""}
				if strings.Contains(a, "/gkmlpt/") {
					params = append(params, "2584")
				}
				for _, param := range params {
					p, q := parseTestPage(cut, u), parseTestPage(cut, u)
					p.Param, q.Param = param, param
					got, want := Read(p), oldRead(q)
					compared++
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s at %s cut to %d, param %q:\n got %+v\nwant %+v", name, a, len(cut), param, got, want)
					}
					for _, pl := range want.Platforms {
						found[pl]++
					}
					if want.UnknownPager {
						found["unknown pager"]++
					}
				}
			}
		}
	}
	// The comparison must have seen every adapter find something.
	for _, k := range []string{"trs", "hanweb", "gkmlpt", "generic", "unknown pager"} {
		if found[k] == 0 {
			t.Errorf("no page read as %s: the comparison saw too little", k)
		}
	}
	t.Logf("%d pages, %d reads alike; found %v", len(pages), compared, found)
}

// BenchmarkRead reads every gathered page (whole, at its own address or
// a list address) with Read and with the reference definition before the
// fast paths: go test -run '^$' -bench BenchmarkRead ./crawler/platform/
func BenchmarkRead(b *testing.B) {
	var ps []*Page
	for name, text := range gatherPages(b) {
		a := pageURLs[0]
		if strings.HasPrefix(name, "http") {
			a = name
		}
		u, _ := url.Parse(a)
		ps = append(ps, parseTestPage(text, u))
	}
	bytes := 0
	for _, p := range ps {
		bytes += len(p.HTML)
	}
	for _, c := range []struct {
		name string
		read func(*Page) Result
	}{{"fast", Read}, {"reference", oldRead}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(bytes))
			for b.Loop() {
				for _, p := range ps {
					c.read(p)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ps)), "ns/page")
		})
	}
}
