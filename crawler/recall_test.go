package crawler

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
	"github.com/gongkai/gongkai/seeds"
)

// recallPortal is nine government sites, each built the way one CMS
// platform or report form publishes (crawler/platform's adapters and the
// wrapper-page forms), an essay site with a copy, and a decoy site no seed
// may reach. want lists every report (page or document) per host; allowed
// every path a crawl may fetch; negatives the pages that must come out
// not_report.
type recallPortal struct {
	hosts     map[string]*portal
	want      map[string][]string // host → report pages and documents
	allowed   map[string]map[string]bool
	negatives map[string][]string
	decoy     *portal
}

func (r *recallPortal) host(t *testing.T, name string) *portal {
	p := newPortal(t)
	r.hosts[name] = p
	r.allowed[name] = map[string]bool{"/robots.txt": true}
	return p
}

// page serves a page the crawl may fetch.
func (r *recallPortal) page(name, path, body string) {
	r.hosts[name].set(path, body)
	r.allowed[name][path] = true
}

// report serves a report page (or document) the crawl must find.
func (r *recallPortal) report(name, path, body string) {
	r.page(name, path, body)
	r.want[name] = append(r.want[name], path)
}

func (r *recallPortal) negative(name, path, body string) {
	r.page(name, path, body)
	r.negatives[name] = append(r.negatives[name], path)
}

// home is a portal home with a 政府信息公开 section linking the column, a
// news section and a login page (never followed) and a link off-site to the
// decoy.
func (r *recallPortal) home(name, agency, column, columnTitle string) {
	r.page(name, "/", htmlPage(agency, a("/news/", "新闻动态")+a("/login.html", "登录")+a(r.decoy.url("/xxgk/"), "政府信息公开（外站）")+a("/xxgk/", "政府信息公开")))
	r.page(name, "/xxgk/", htmlPage("政府信息公开", a("/xxgk/zn.html", "政府信息公开指南")+a(column, columnTitle)))
	r.negative(name, "/xxgk/zn.html", htmlPage(agency+"政府信息公开指南", "<h1>"+agency+"政府信息公开指南</h1><p>一、主动公开。</p>"))
}

func buildRecallPortal(t *testing.T) *recallPortal {
	t.Helper()
	r := &recallPortal{hosts: map[string]*portal{}, want: map[string][]string{}, allowed: map[string]map[string]bool{}, negatives: map[string][]string{}}
	r.decoy = newPortal(t)
	reports, err := corpus.Reports()
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, rep := range reports {
		if rep.Kind != "report" {
			continue
		}
		pg, err := fixture.Render(rep, fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaTable, Encoding: fixture.EncUTF8, Label: fixture.LabelCorrect})
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(pg.Body))
	}
	pdfs, err := corpus.PDFs()
	if err != nil {
		t.Fatal(err)
	}
	body := func(i int) string { return bodies[i%len(bodies)] }
	item := func(path string, year int, agency string) string {
		return "<li>" + a(path, fmt.Sprintf("%s%d年政府信息公开工作年度报告", agency, year)) + "</li>"
	}

	// 1. TRS, literal createPageHTML, three 0-based pages.
	r.host(t, "trs")
	r.home("trs", "甲市人民政府", "/xxgk/ndbg/index.html", "政府信息公开年报")
	for i := 0; i < 3; i++ {
		rp := fmt.Sprintf("/xxgk/ndbg/202%d01/t202%d0120_%d.html", i+1, i+1, i)
		r.report("trs", rp, body(i))
		name := "index.html"
		if i > 0 {
			name = fmt.Sprintf("index_%d.html", i)
		}
		r.page("trs", "/xxgk/ndbg/"+name, htmlPage("年报", "<ul>"+item(rp, 2020+i, "甲市")+"</ul>"+trsPager+
			fmt.Sprintf(`<script>createPageHTML(3, %d, "index", "html");</script>`, i)))
	}

	// 2. TRS, variables declared on the page, .shtml.
	r.host(t, "trsvars")
	r.home("trsvars", "乙县人民政府", "/zwgk/nb/index.shtml", "年度报告")
	for i := 0; i < 3; i++ {
		rp := fmt.Sprintf("/zwgk/nb/t2022012%d_%d.shtml", i, i)
		r.report("trsvars", rp, body(i+1))
		name := "index.shtml"
		if i > 0 {
			name = fmt.Sprintf("index_%d.shtml", i)
		}
		r.page("trsvars", "/zwgk/nb/"+name, htmlPage("年度报告", "<ul>"+item(rp, 2019+i, "乙县")+"</ul>"+
			fmt.Sprintf(`<script>var currentPage = %d;//所在页从0开始
var countPage = 3//共多少页
createPageHTML(countPage, currentPage, "index", "shtml");</script>`, i)))
	}

	// 3. TRS, the call in an external script, _nPageCount variables; and
	// the six-argument 1-based form on a second column.
	r.host(t, "trsext")
	r.home("trsext", "丙区人民政府", "/gk/nb/index.htm", "政府信息公开年报")
	r.page("trsext", "/xxgk/", htmlPage("政府信息公开", a("/xxgk/zn.html", "政府信息公开指南")+a("/gk/nb/index.htm", "政府信息公开年报")+a("/gk/bmnb/index.html", "部门政府信息公开年报")))
	for i := 0; i < 2; i++ {
		rp := fmt.Sprintf("/gk/nb/t2021_%d.htm", i)
		r.report("trsext", rp, body(i+2))
		name := "index.htm"
		if i > 0 {
			name = fmt.Sprintf("index_%d.htm", i)
		}
		r.page("trsext", "/gk/nb/"+name, htmlPage("年报", "<ul>"+item(rp, 2018+i, "丙区")+"</ul>"+
			fmt.Sprintf(`<script>var _nPageCount = 2; var _nCurrIndex = %d; var _sPageName = "index"; var _sPageExt = "htm";</script><script src="/js/page.js"></script>`, i)))
		rp6 := fmt.Sprintf("/gk/bmnb/t2022_%d.html", i)
		r.report("trsext", rp6, body(i+3))
		name6 := "index.html"
		if i > 0 {
			name6 = fmt.Sprintf("index_%d.html", i+1)
		}
		r.page("trsext", "/gk/bmnb/"+name6, htmlPage("部门年报", "<ul>"+item(rp6, 2020+i, "丙区财政局")+"</ul>"+
			fmt.Sprintf(`<script>createPageHTML('page_div', 2, %d, 'index', 'html', 2);</script>`, i+1)))
	}

	// 4. Hanweb: two records in the column page, the rest by dataproxy POST.
	hw := r.host(t, "hanweb")
	r.home("hanweb", "丁市人民政府", "/col/col1229/index.html", "政府信息公开年度报告")
	var hwItems []string
	for i := 0; i < 7; i++ {
		rp := fmt.Sprintf("/art/202%d/1/2%d/art_1229_%d.html", i%3+1, i, 100+i)
		r.report("hanweb", rp, body(i))
		hwItems = append(hwItems, "<record><![CDATA[<li>"+a(rp, fmt.Sprintf("丁市%d年政府信息公开工作年度报告", 2014+i))+"</li>]]></record>")
	}
	r.page("hanweb", "/col/col1229/index.html", htmlPage("年度报告", `<div id="5001"><script type="text/xml"><datastore><recordset>`+strings.Join(hwItems[:2], "")+
		`</recordset></datastore></script></div><script>$('#5001').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage: 1, totalRecord: 7, ajaxParam:{webid:'9', unitid:'5001', columnid:'1229'}});</script>`))
	hw.handle("/module/web/jpage/dataproxy.jsp", func(w http.ResponseWriter, req *http.Request) {
		_ = req.ParseForm()
		if req.Method != http.MethodPost || req.PostForm.Get("unitid") != "5001" {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		s, _ := strconv.Atoi(req.URL.Query().Get("startrecord"))
		e, _ := strconv.Atoi(req.URL.Query().Get("endrecord"))
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>7</totalrecord><recordset>`)
		for i := s; i <= e && i <= len(hwItems); i++ {
			fmt.Fprint(w, hwItems[i-1])
		}
		fmt.Fprint(w, `</recordset></datastore>`)
	})
	r.allowed["hanweb"]["/module/web/jpage/dataproxy.jsp?endrecord=3&perpage=1&startrecord=1"] = true
	r.allowed["hanweb"]["/module/web/jpage/dataproxy.jsp?endrecord=6&perpage=1&startrecord=4"] = true
	r.allowed["hanweb"]["/module/web/jpage/dataproxy.jsp?endrecord=9&perpage=1&startrecord=7"] = true

	// 5. Guangdong gkmlpt: #column link, SID on the app page, JSON API.
	gk := r.host(t, "gkmlpt")
	r.home("gkmlpt", "戊市人民政府", "/gkmlpt/index#2584", "政府信息公开年报")
	r.page("gkmlpt", "/gkmlpt/index", `<html><head><meta charset="utf-8"><title>信息公开</title></head><body><div id="app"></div><script>window._CONFIG = { SID: '755031' };</script></body></html>`)
	var gkArts []string
	for i := 0; i < 5; i++ {
		rp := fmt.Sprintf("/gkmlpt/content/9/95%d/post_95%d.html", i, i)
		r.report("gkmlpt", rp, body(i))
		gkArts = append(gkArts, fmt.Sprintf(`{"id":95%d,"title":"戊市%d年政府信息公开工作年度报告","url":"%s"}`, i, 2016+i, gk.url(rp)))
	}
	gk.handle("/gkmlpt/api/all/2584", func(w http.ResponseWriter, req *http.Request) {
		page, _ := strconv.Atoi(req.URL.Query().Get("page"))
		lo, hi := (page-1)*2, min(page*2, len(gkArts))
		if req.URL.Query().Get("sid") != "755031" || lo < 0 || lo >= hi {
			http.Error(w, "bad page", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		fmt.Fprintf(w, `{"articles":[%s],"total":%d}`, strings.Join(gkArts[lo:hi], ","), len(gkArts))
	})
	for p := 1; p <= 3; p++ {
		r.allowed["gkmlpt"][fmt.Sprintf("/gkmlpt/api/all/2584?page=%d&sid=755031", p)] = true
	}

	// 6. Generic: a column whose list is an iframe, paged ?pageIndex=N with
	// 共4页 and only the next page linked; a news item about the report.
	r.host(t, "generic")
	r.home("generic", "己县人民政府", "/xxgk/ndbg/", "政府信息公开工作年度报告")
	r.page("generic", "/xxgk/ndbg/", htmlPage("年度报告", `<iframe src="/xxgk/ndbg/list.jsp?pageIndex=1" name="main" frameborder="0"></iframe>`))
	for i := 1; i <= 4; i++ {
		rp := fmt.Sprintf("/xxgk/ndbg/content.jsp?id=88%d", i)
		r.report("generic", rp, body(i))
		extra := ""
		if i == 2 {
			extra = "<li>" + a("/xxgk/ndbg/content.jsp?id=7001", "县政府召开会议部署2022年度政府信息公开工作年度报告编制工作") + "</li>"
		}
		nav := "<span>共4页</span>"
		if i < 4 {
			nav += a(fmt.Sprintf("list.jsp?pageIndex=%d", i+1), "下一页")
		}
		r.page("generic", fmt.Sprintf("/xxgk/ndbg/list.jsp?pageIndex=%d", i), htmlPage("年度报告", "<ul>"+item(rp, 2015+i, "己县")+extra+"</ul>"+nav))
	}
	r.negative("generic", "/xxgk/ndbg/content.jsp?id=7001", htmlPage("县政府召开会议部署2022年度政府信息公开工作年度报告编制工作",
		"<h1>县政府召开会议部署2022年度政府信息公开工作年度报告编制工作</h1><p>1月8日，县政府召开会议，部署年度报告编制工作。</p>"))

	// 7. Links written by scripts: document.write and a JSON literal; a
	// notice about the reports in the same column.
	r.host(t, "script")
	r.home("script", "庚区人民政府", "/xxgk/nb/", "年报专栏")
	r.page("script", "/xxgk/nb/", htmlPage("年报专栏", `<ul id="l"></ul><script>
document.write('<li><a href="/xxgk/nb/2023/0120/1001.html">庚区2022年政府信息公开工作年度报告</a></li>');
var list = [{"title":"庚区2021年政府信息公开工作年度报告","url":"/xxgk/nb/2022/0118/0901.html"},{"title":"关于做好2021年政府信息公开工作年度报告编制发布工作的通知","url":"/xxgk/nb/2021/1201/0001.html"}];
</script>`))
	r.report("script", "/xxgk/nb/2023/0120/1001.html", body(0))
	r.report("script", "/xxgk/nb/2022/0118/0901.html", body(1))
	r.negative("script", "/xxgk/nb/2021/1201/0001.html", htmlPage("关于做好2021年政府信息公开工作年度报告编制发布工作的通知",
		"<h1>关于做好2021年政府信息公开工作年度报告编制发布工作的通知</h1><p>各街道、各部门：现就有关事项通知如下。</p>"))

	// 8. Wrapper pages: the report page carries the title, metadata and
	// the document, linked (详见附件, via a download endpoint), framed,
	// embedded or in an <object>; plus direct links to the documents.
	wr := r.host(t, "wrapper")
	r.home("wrapper", "辛县人民政府", "/zfxxgk/ndbg/", "政府信息公开年报")
	forms := []string{
		`<p>详见附件。</p><p>附件：<a href="/module/download/downfile.jsp?classid=0&filename=220120.pdf">辛县2021年政府信息公开工作年度报告.pdf</a></p>`,
		`<iframe src="/upload/2020nb.pdf" width="100%" height="900"></iframe>`,
		`<embed src="/upload/2019nb.pdf" type="application/pdf">`,
		`<object data="/upload/2018nb.pdf" type="application/pdf"></object>`,
	}
	docs := []string{"/module/download/downfile.jsp?classid=0&filename=220120.pdf", "/upload/2020nb.pdf", "/upload/2019nb.pdf", "/upload/2018nb.pdf"}
	var wrItems string
	for i, f := range forms {
		year := 2021 - i
		rp := fmt.Sprintf("/zfxxgk/ndbg/%d.html", year)
		title := fmt.Sprintf("辛县%d年政府信息公开工作年度报告", year)
		r.report("wrapper", rp, wrapperPage(year, f))
		wrItems += "<li>" + a(rp, title) + "</li>"
		if !strings.Contains(docs[i], "downfile") {
			r.report("wrapper", docs[i], string(pdfs[i%len(pdfs)].Bytes))
		}
	}
	r.want["wrapper"] = append(r.want["wrapper"], docs[0])
	r.allowed["wrapper"][docs[0]] = true
	wr.handle("/module/download/downfile.jsp", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename*=UTF-8''%E8%BE%9B%E5%8E%BF2021%E5%B9%B4%E5%B9%B4%E6%8A%A5.pdf`)
		w.Write(pdfs[0].Bytes)
	})
	r.page("wrapper", "/zfxxgk/ndbg/", htmlPage("年报", "<ul>"+wrItems+
		"<li>"+a("/upload/2017nb.pdf", "辛县2017年政府信息公开工作年度报告")+"</li>"+
		"<li>"+a("/upload/2016nb.wps", "辛县2016年政府信息公开工作年度报告")+"</li></ul>"))
	r.report("wrapper", "/upload/2017nb.pdf", string(pdfs[1%len(pdfs)].Bytes))
	r.report("wrapper", "/upload/2016nb.wps", "WPS document 2016")

	// 9. A short report page with a one-line body (and no tables), under a
	// 下一页 chain of plain list pages.
	r.host(t, "short")
	r.home("short", "壬镇人民政府", "/xxgk/nb/list1.html", "政府信息公开年度报告")
	for i := 1; i <= 3; i++ {
		rp := fmt.Sprintf("/xxgk/nb/t%d.html", i)
		if i == 3 {
			r.report("short", rp, htmlPage("壬镇2019年政府信息公开工作年度报告", "<h1>壬镇2019年政府信息公开工作年度报告</h1><p>2019年，我镇认真贯彻落实《中华人民共和国政府信息公开条例》。</p>"))
		} else {
			r.report("short", rp, body(i))
		}
		nav := ""
		if i < 3 {
			nav = a(fmt.Sprintf("list%d.html", i+1), "下一页")
		}
		r.page("short", fmt.Sprintf("/xxgk/nb/list%d.html", i), htmlPage("年度报告", "<ul>"+item(rp, 2016+i, "壬镇")+"</ul>"+nav))
	}

	// 10. An essay site carrying a copy: its own seed, a copy not a report.
	es := r.host(t, "essay")
	copyPage, err := fixture.EssayCopy(reports[len(reports)-1], fixture.EncUTF8)
	if err != nil {
		t.Fatal(err)
	}
	r.page("essay", "/", htmlPage("好范文网", a("/fanwen/1.html", "社区政府信息公开工作年度报告范文")))
	es.set("/fanwen/1.html", string(copyPage.Body))
	r.allowed["essay"]["/fanwen/1.html"] = true
	for i := 12031; i <= 12034; i++ { // the copy's related essays, behind a member wall
		r.page("essay", fmt.Sprintf("/gongzuobaogao/%d.html", i), htmlPage("范文_好范文网", "<p>本文为会员专享内容。</p>"))
	}
	return r
}

// trsPager is the pager function TRS list pages carry (its document.write
// strings are built from variables: no links).
const trsPager = `<script>function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
 if(_nCurrIndex+1 < _nPageCount) document.write("<a href=\""+_sPageName+"_"+(_nCurrIndex+1)+"."+_sPageExt+"\">下一页</a>");
}</script>`

// TestRecallPortal crawls the recall portal with extraction: every report
// page and document is found, every report page is classified report,
// every negative not_report, the copy copy, and nothing outside the
// portal's pages is fetched (the decoy site is never touched).
// BENCHMARKS.md quotes its log line.
func TestRecallPortal(t *testing.T) {
	r := buildRecallPortal(t)
	st := testStore(t)
	cfg := testConfig()
	cfg.NoExtract = false
	names := make([]string, 0, len(r.hosts))
	for n := range r.hosts {
		names = append(names, n)
	}
	sort.Strings(names)
	var list []seeds.Seed
	for _, n := range names {
		list = append(list, seeds.Seed{URL: r.hosts[n].url("/")})
	}
	c, err := New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sum, err := c.Run(t.Context(), list)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	found, total, outside, right, judged := 0, 0, 0, 0, 0
	for _, n := range names {
		p := r.hosts[n]
		got := p.fetched()
		for _, w := range r.want[n] {
			total++
			if got[w] == 1 {
				found++
			} else {
				t.Errorf("%s: report %s fetched %d times", n, w, got[w])
			}
		}
		for k := range got {
			if !r.allowed[n][k] {
				outside++
				t.Errorf("%s: fetched %s, outside the portal's pages", n, k)
			}
		}
		kinds := map[string]string{}
		for _, w := range r.want[n] {
			if strings.HasSuffix(w, ".pdf") || strings.HasSuffix(w, ".wps") || strings.Contains(w, "downfile") {
				continue // documents: found is what counts here (the PDF reader is extract/pdf's)
			}
			kinds[w] = extract.KindReport
		}
		for _, w := range r.negatives[n] {
			kinds[w] = extract.KindNotReport
		}
		if n == "essay" {
			kinds["/fanwen/1.html"] = extract.KindCopy
		}
		for path, want := range kinds {
			judged++
			if k := recordKind(t, st, p.url(path)); k != want {
				t.Errorf("%s: %s is %q, want %q", n, path, k, want)
			} else {
				right++
			}
		}
	}
	if n := len(r.decoy.hitList()); n != 0 {
		t.Errorf("the decoy site got %d requests", n)
		outside += n
	}
	t.Logf("recall portal: %d sites, %d of %d reports found (%.0f%%), %d of %d pages classified right (report, not_report, copy), %d fetches outside the portal's pages, %d pages, %d requests, %d errors, %s",
		len(names), found, total, 100*float64(found)/float64(total), right, judged, outside, sum.Pages, sum.Requests, sum.Errors, elapsed.Round(time.Millisecond))
}

// recordKind is the kind of the record of a URL's latest capture.
func recordKind(t *testing.T, st *archive.Store, u string) string {
	t.Helper()
	caps, err := st.Captures(u)
	if err != nil || len(caps) == 0 {
		return "(not captured)"
	}
	p, err := st.GetParsed(caps[len(caps)-1].Digest)
	if err != nil {
		return "(no record: " + err.Error() + ")"
	}
	return p.Kind
}
