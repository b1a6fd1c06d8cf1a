package crawler

import (
	"fmt"
	"net/http"
	"testing"
)

// wrapperPage is a report page that carries only the title, the metadata
// block and the document: linked (详见附件), framed, embedded or shown in a
// PDF viewer.
func wrapperPage(year int, doc string) string {
	return htmlPage(fmt.Sprintf("某县%d年政府信息公开工作年度报告", year), fmt.Sprintf(
		`<table class="meta"><tr><td>索引号：</td><td>000-2022-01</td><td>发布机构：</td><td>某县人民政府办公室</td></tr></table>
<h1>某县%d年政府信息公开工作年度报告</h1><div class="content">%s</div>`, year, doc))
}

// Every form a report's document takes on a wrapper page or a list is
// fetched, at once, with its page recorded on the capture; a download
// endpoint without an extension is named by Content-Disposition.
func TestWrapperPagesAndDirectLinks(t *testing.T) {
	p := newPortal(t)
	p.set("/", htmlPage("某县人民政府", a("/xxgk/ndbg/", "政府信息公开年报")))
	p.set("/xxgk/ndbg/", htmlPage("年报", "<ul>"+
		"<li>"+a("/xxgk/ndbg/2022.html", "某县2022年政府信息公开工作年度报告")+"</li>"+
		"<li>"+a("/xxgk/ndbg/2021.html", "某县2021年政府信息公开工作年度报告")+"</li>"+
		"<li>"+a("/xxgk/ndbg/2020.html", "某县2020年政府信息公开工作年度报告")+"</li>"+
		"<li>"+a("/xxgk/ndbg/2019.html", "某县2019年政府信息公开工作年度报告")+"</li>"+
		"<li>"+a("/xxgk/ndbg/2018.html", "某县2018年政府信息公开工作年度报告")+"</li>"+
		"<li>"+a("/upload/2017nb.pdf", "某县2017年政府信息公开工作年度报告")+"</li>"+
		"<li>"+a("/upload/2016nb.wps", "某县2016年政府信息公开工作年度报告")+"</li>"+
		"<li>"+a("/attach/get.do?fileId=2015", "某县2015年政府信息公开工作年度报告")+"</li>"+
		"</ul>"))
	p.set("/xxgk/ndbg/2022.html", wrapperPage(2022, `<p>详见附件。</p><p>附件：`+a("/module/download/downfile.jsp?classid=0&filename=2203.pdf", "某县2022年政府信息公开工作年度报告.pdf")+`</p>`))
	p.set("/xxgk/ndbg/2021.html", wrapperPage(2021, `<iframe src="/upload/2021nb.pdf" width="100%" height="900"></iframe>`))
	p.set("/xxgk/ndbg/2020.html", wrapperPage(2020, `<embed src="/upload/2020nb.pdf" type="application/pdf">`))
	p.set("/xxgk/ndbg/2019.html", wrapperPage(2019, `<object data="/upload/2019nb.pdf" type="application/pdf"></object>`))
	p.set("/xxgk/ndbg/2018.html", wrapperPage(2018, `<iframe src="/pdfjs/web/viewer.html?file=/upload/2018nb.pdf"></iframe>`))
	var docs []string
	for _, y := range []int{2021, 2020, 2019, 2018, 2017} {
		d := fmt.Sprintf("/upload/%dnb.pdf", y)
		p.set(d, fmt.Sprintf("%%PDF-1.4 %d", y))
		docs = append(docs, d)
	}
	p.set("/upload/2016nb.wps", "wps 2016")
	p.handle("/module/download/downfile.jsp", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename*=UTF-8''%E6%9F%90%E5%8E%BF2022%E5%B9%B4%E6%8A%A5.pdf`)
		fmt.Fprint(w, "%PDF-1.4 2022")
	})
	p.handle("/attach/get.do", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		fmt.Fprint(w, "%PDF-1.4 2015")
	})
	p.set("/pdfjs/web/viewer.html", htmlPage("viewer", ""))
	st := testStore(t)
	crawl(t, st, testConfig(), p.url("/"))
	got := p.fetched()
	for _, d := range append(docs, "/upload/2016nb.wps", "/module/download/downfile.jsp?classid=0&filename=2203.pdf", "/attach/get.do?fileId=2015") {
		if got[d] != 1 {
			t.Errorf("%s fetched %d times (fetched %q)", d, got[d], sortedKeys(got))
		}
	}
	for doc, parent := range map[string]string{
		"/module/download/downfile.jsp?classid=0&filename=2203.pdf": "/xxgk/ndbg/2022.html",
		"/upload/2021nb.pdf": "/xxgk/ndbg/2021.html", "/upload/2020nb.pdf": "/xxgk/ndbg/2020.html",
		"/upload/2019nb.pdf": "/xxgk/ndbg/2019.html", "/upload/2018nb.pdf": "/xxgk/ndbg/2018.html",
		"/upload/2017nb.pdf": "/xxgk/ndbg/", // a direct link: its list page
	} {
		caps, err := st.Captures(p.url(doc))
		if err != nil || len(caps) != 1 || caps[0].Parent != p.url(parent) {
			t.Errorf("%s: captures %+v %v, want parent %s", doc, caps, err, parent)
		}
	}
	// Each wrapper's document is fetched right after its page, before the
	// next report page.
	var order []string
	for _, h := range p.hitList() {
		order = append(order, h.path)
	}
	for page, doc := range map[string]string{
		"/xxgk/ndbg/2022.html": "/module/download/downfile.jsp?classid=0&filename=2203.pdf",
		"/xxgk/ndbg/2021.html": "/upload/2021nb.pdf", "/xxgk/ndbg/2020.html": "/upload/2020nb.pdf",
		"/xxgk/ndbg/2019.html": "/upload/2019nb.pdf", "/xxgk/ndbg/2018.html": "/upload/2018nb.pdf",
	} {
		for k, o := range order {
			if o == page && (k+1 >= len(order) || order[k+1] != doc) {
				t.Errorf("%s not fetched at once after %s: %q", doc, page, order)
			}
		}
	}
	// Named by Content-Disposition when extracted: the endpoint's URL
	// says nothing.
	if n := docName(http.Header{"Content-Disposition": {`attachment; filename*=UTF-8''%E6%9F%90%E5%8E%BF2022%E5%B9%B4%E6%8A%A5.pdf`}}, "附件"); n != "某县2022年报.pdf" {
		t.Errorf("name %q", n)
	}
}
