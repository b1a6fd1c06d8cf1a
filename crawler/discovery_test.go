package crawler

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// buildPortal lays out home → 政府信息公开 → 年报 column → list pages (in
// the given pagination style) → 7 report pages → one PDF each, plus a news
// section and an off-site link that must never be fetched. It returns the
// report page paths and attachment paths the crawl must find.
func buildPortal(p *portal, style string, offsite string) (reports, pdfs []string) {
	p.set("/", htmlPage("某市人民政府", a("/news/index.html", "新闻动态")+a("/xxgk/index.html", "政府信息公开")+
		a(offsite+"/xxgk/index.html", "政府信息公开（外站）")+a("/login.html", "登录")))
	p.set("/news/index.html", htmlPage("新闻", a("/news/1.html", "新闻1")))
	column := map[string]string{
		"plain": "/xxgk/ndbg/list1.html", "query": "/xxgk/ndbg/list.jsp", "trs4": "/xxgk/ndbg/index.html",
		"trs3": "/xxgk/ndbg/index.html", "trs6": "/xxgk/ndbg/index.html", "hanweb": "/col/col1234/index.html",
	}[style]
	p.set("/xxgk/index.html", htmlPage("政府信息公开", a("/xxgk/zfxxgkzn/index.html", "政府信息公开指南")+a(column, "政府信息公开年报")))
	p.set("/xxgk/zfxxgkzn/index.html", htmlPage("指南", "<p>指南正文</p>"))

	var items []string // report anchors, 7 of them
	for i := 0; i < 7; i++ {
		year := 2014 + i
		rp := fmt.Sprintf("/xxgk/ndbg/%d/t%d0120_%d.html", year, year+1, i)
		pdf := fmt.Sprintf("/files/ndbg%d.pdf", year)
		reports, pdfs = append(reports, rp), append(pdfs, pdf)
		p.set(rp, reportPage(year, pdf))
		p.set(pdf, fmt.Sprintf("%%PDF-1.4 report %d", year))
		items = append(items, a(rp, fmt.Sprintf("某市%d年政府信息公开工作年度报告", year)))
	}
	// Three pages: 3 + 3 + 1 reports.
	pages := [][]string{items[0:3], items[3:6], items[6:7]}
	list := func(i int, nav string) string {
		return htmlPage(fmt.Sprintf("年报 第%d页", i+1), "<ul><li>"+strings.Join(pages[i], "</li><li>")+"</li></ul>"+nav)
	}
	switch style {
	case "plain":
		p.set("/xxgk/ndbg/list1.html", list(0, a("list2.html", "下一页")))
		p.set("/xxgk/ndbg/list2.html", list(1, a("list1.html", "上一页")+a("list3.html", "下一页")))
		p.set("/xxgk/ndbg/list3.html", list(2, a("list2.html", "上一页")))
	case "query":
		nav := a("list.jsp?page=1", "1") + a("list.jsp?page=2", "2") + a("list.jsp?page=3", "3")
		p.set("/xxgk/ndbg/list.jsp", list(0, nav))
		p.set("/xxgk/ndbg/list.jsp?page=1", list(0, nav))
		p.set("/xxgk/ndbg/list.jsp?page=2", list(1, nav))
		p.set("/xxgk/ndbg/list.jsp?page=3", list(2, nav))
	case "trs4", "trs3":
		call := `createPageHTML(3, %d, "index", "html");`
		if style == "trs3" {
			call = `createPageHTML(3, %d, "index");`
		}
		for i, name := range []string{"index.html", "index_1.html", "index_2.html"} {
			p.set("/xxgk/ndbg/"+name, list(i, `<div id="page"></div><script>`+fmt.Sprintf(call, i)+`</script>`))
		}
	case "trs6":
		for i, name := range []string{"index.html", "index_2.html", "index_3.html"} {
			p.set("/xxgk/ndbg/"+name, list(i, `<script type="text/javascript">createPageHTML('page_div',3, `+strconv.Itoa(i+1)+`,'index','html',7);</script>`))
		}
	case "hanweb":
		p.set("/col/col1234/index.html", htmlPage("年报", `<div id="5678"></div><script language="javascript">
			var params = {col:1, webid:'2', path:'/', columnid:1234, sourceContentType:1, unitid:'5678', webname:'某市', permissiontype:0};
			$.ajax({url:'/module/web/jpage/dataproxy.jsp', data: params, perpage:2});</script>`))
		p.handle("/module/web/jpage/dataproxy.jsp", func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			if r.Method != http.MethodPost || r.PostForm.Get("columnid") != "1234" || r.PostForm.Get("unitid") != "5678" || r.PostForm.Get("webid") != "2" {
				http.Error(w, "bad form", http.StatusBadRequest)
				return
			}
			s, _ := strconv.Atoi(r.URL.Query().Get("startrecord"))
			e, _ := strconv.Atoi(r.URL.Query().Get("endrecord"))
			var b strings.Builder
			b.WriteString(`<?xml version="1.0" encoding="utf-8"?><datastore><totalrecord>7</totalrecord><totalpage>4</totalpage><recordset>`)
			for i := s; i <= e && i <= len(items); i++ {
				b.WriteString("<record><![CDATA[<li>" + items[i-1] + "<span>2021-01-20</span></li>]]></record>")
			}
			b.WriteString(`</recordset></datastore>`)
			w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
			w.Write([]byte(b.String()))
		})
	}
	return reports, pdfs
}

func TestDiscoveryPaginationStyles(t *testing.T) {
	for _, style := range []string{"plain", "query", "trs4", "trs3", "trs6", "hanweb"} {
		t.Run(style, func(t *testing.T) {
			other := newPortal(t) // another site, linked from the portal
			p := newPortal(t)
			reports, pdfs := buildPortal(p, style, other.srv.URL)
			st := testStore(t)
			sum := crawl(t, st, testConfig(), p.url("/"))

			got := p.fetched()
			for _, want := range append(reports, pdfs...) {
				if got[want] != 1 {
					t.Errorf("%s fetched %d times, want once", want, got[want])
				}
			}
			for path := range got {
				if strings.HasPrefix(path, "/news/") || path == "/login.html" {
					t.Errorf("fetched %s, which no promising link leads to", path)
				}
			}
			if n := len(other.hitList()); n != 0 {
				t.Errorf("off-site server got %d requests, want 0", n)
			}
			if sum.Seeds[0].Status != StatusOK || sum.Reports != 14 {
				t.Errorf("summary: status %q, %d reports (pages+pdfs), want ok and 14; fetched %v", sum.Seeds[0].Status, sum.Reports, sortedKeys(got))
			}
			// Raw bytes are archived as served.
			caps, err := st.Captures(p.url(pdfs[3]))
			if err != nil || len(caps) != 1 {
				t.Fatalf("captures of %s: %v %v", pdfs[3], caps, err)
			}
			sum256 := sha256.Sum256([]byte("%PDF-1.4 report 2017"))
			if caps[0].Digest != hex.EncodeToString(sum256[:]) || caps[0].Status != 200 || caps[0].Seed != p.url("/") || caps[0].Agency != "某市人民政府" {
				t.Errorf("capture = %+v", caps[0])
			}
			body, err := st.Payload(caps[0].Digest)
			if err != nil || string(body) != "%PDF-1.4 report 2017" {
				t.Errorf("payload = %q, %v", body, err)
			}
		})
	}
}

// MaxDepth 0 fetches the seed only; MaxPages bounds the fetches of a seed.
func TestDepthAndPageBudget(t *testing.T) {
	p := newPortal(t)
	buildPortal(p, "plain", "http://192.0.2.1")
	st := testStore(t)
	cfg := testConfig()
	cfg.MaxDepth = 0
	sum := crawl(t, st, cfg, p.url("/"))
	if got := p.fetched(); len(got) != 1 || got["/"] != 1 || sum.Pages != 1 {
		t.Errorf("depth 0 fetched %v (%d pages), want only /", got, sum.Pages)
	}

	p2 := newPortal(t)
	buildPortal(p2, "plain", "http://192.0.2.1")
	cfg = testConfig()
	cfg.MaxPages = 5
	sum = crawl(t, testStore(t), cfg, p2.url("/"))
	if got := p2.fetched(); len(got) != 5 || sum.Pages != 5 || !sum.Seeds[0].BudgetSpent {
		t.Errorf("max-pages 5 fetched %v (%d pages, budget spent %v)", sortedKeys(got), sum.Pages, sum.Seeds[0].BudgetSpent)
	}
	// Best first: the 5 are home, 信息公开, the 年报 column and reports, not the guide.
	if got := p2.fetched(); got["/xxgk/zfxxgkzn/index.html"] != 0 {
		t.Errorf("budget spent on the guide before reports: %v", sortedKeys(got))
	}
}

// A seed listed twice is crawled once.
func TestDuplicateSeed(t *testing.T) {
	p := newPortal(t)
	buildPortal(p, "plain", "http://192.0.2.1")
	sum := crawl(t, testStore(t), testConfig(), p.url("/"), p.url("/")+"#again")
	if sum.Seeds[0].Status != StatusOK || sum.Seeds[1].Status != StatusDuplicate {
		t.Errorf("statuses %q, %q", sum.Seeds[0].Status, sum.Seeds[1].Status)
	}
	for path, n := range p.fetched() {
		if n != 1 {
			t.Errorf("%s fetched %d times", path, n)
		}
	}
}
