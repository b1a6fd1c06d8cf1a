package crawler

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// A Guangdong gkmlpt site: a section page links the app by #column; the
// app page carries the SID; the JSON API lists the reports over two pages.
func TestGkmlptCrawl(t *testing.T) {
	p := newPortal(t)
	p.set("/", htmlPage("某市人民政府", a("/zwgk/", "政务公开")))
	p.set("/zwgk/", htmlPage("政务公开", a("/gkmlpt/index#2584", "政府信息公开年报")+a("/gkmlpt/index#2600", "政策文件")))
	p.set("/gkmlpt/index", `<html><head><meta charset="utf-8"><title>信息公开</title></head><body><div id="app"></div>
<script>window._CONFIG = { SID: '755031', SITE_NAME: '某市' };</script><script src="/gkmlpt/static/js/app.js"></script></body></html>`)
	var apiHits []string
	p.handle("/gkmlpt/api/all/2584", func(w http.ResponseWriter, r *http.Request) {
		apiHits = append(apiHits, r.URL.RawQuery)
		if r.URL.Query().Get("sid") != "755031" {
			http.Error(w, "no sid", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		switch r.URL.Query().Get("page") {
		case "1":
			fmt.Fprintf(w, `{"articles":[{"title":"某市2022年政府信息公开工作年度报告","url":"%s"},{"title":"某市2021年政府信息公开工作年度报告","url":"/gkmlpt/content/9/9512/post_9512301.html"}],"total":3}`, p.url("/gkmlpt/content/10/10408/post_10408867.html"))
		case "2":
			fmt.Fprint(w, `{"articles":[{"title":"某市2020年政府信息公开工作年度报告","url":"/gkmlpt/content/8/8001/post_8001.html"}],"total":3}`)
		default:
			fmt.Fprint(w, `{"articles":[],"total":3}`)
		}
	})
	p.set("/gkmlpt/api/all/2600?page=1&sid=755031", `{"articles":[],"total":0}`)
	reports := []string{"/gkmlpt/content/10/10408/post_10408867.html", "/gkmlpt/content/9/9512/post_9512301.html", "/gkmlpt/content/8/8001/post_8001.html"}
	for i, r := range reports {
		p.set(r, reportPage(2022-i, ""))
	}
	sum := crawl(t, testStore(t), testConfig(), p.url("/"))
	got := p.fetched()
	for _, r := range reports {
		if got[r] != 1 {
			t.Errorf("%s fetched %d times (fetched %q)", r, got[r], sortedKeys(got))
		}
	}
	if strings.Join(apiHits, " ") != "page=1&sid=755031 page=2&sid=755031" {
		t.Errorf("API asked %q", apiHits)
	}
	if sum.Errors != 0 {
		t.Errorf("%d errors", sum.Errors)
	}
}

// An API that answers an HTML error page or garbage is recorded as
// bad_answer on its capture, and nothing is followed from it.
func TestBadAPIAnswer(t *testing.T) {
	for _, body := range []string{"<!DOCTYPE html><html><body><a href=\"/trap.html\">2021年年度报告</a>系统繁忙</body></html>", "\x00\x01\x02garbage{{{"} {
		p := newPortal(t)
		p.set("/", htmlPage("某市人民政府", a("/gkmlpt/index#2584", "政府信息公开年报")))
		p.set("/gkmlpt/index", `<html><body><script>window._CONFIG = { SID: '1' };</script></body></html>`)
		p.set("/gkmlpt/api/all/2584?page=1&sid=1", body)
		st := testStore(t)
		sum := crawl(t, st, testConfig(), p.url("/"))
		caps, err := st.Captures(p.url("/gkmlpt/api/all/2584?page=1&sid=1"))
		if err != nil || len(caps) != 1 || caps[0].ErrKind != "bad_answer" || !strings.Contains(caps[0].Err, "gkmlpt") {
			t.Errorf("capture of the API: %+v %v", caps, err)
		}
		if p.fetched()["/trap.html"] != 0 || sum.Errors != 1 {
			t.Errorf("errors %d, fetched %q", sum.Errors, sortedKeys(p.fetched()))
		}
	}
}

// A column whose list is an iframe; the iframe pages with 共N页 and one
// numbered link; a pager only a script turns is noted once for the host.
func TestFrameListAndUnknownPager(t *testing.T) {
	p := newPortal(t)
	p.set("/", htmlPage("某县人民政府", a("/xxgk/ndbg/", "政府信息公开年报")+a("/xxgk/tzgg/", "政府信息公开通知")))
	p.set("/xxgk/ndbg/", htmlPage("年报", `<iframe src="/xxgk/ndbg/frame.jsp" name="main"></iframe>`))
	for i := 1; i <= 3; i++ {
		p.set(fmt.Sprintf("/xxgk/ndbg/frame.jsp?page=%d", i), htmlPage("年报", a(fmt.Sprintf("/art/%d.html", i), fmt.Sprintf("某县%d年政府信息公开工作年度报告", 2019+i))+"<span>共3页</span>"+a("frame.jsp?page=2", "2")))
		p.set(fmt.Sprintf("/art/%d.html", i), reportPage(2019+i, ""))
	}
	p.set("/xxgk/ndbg/frame.jsp", htmlPage("年报", a("/art/1.html", "某县2020年政府信息公开工作年度报告")+"<span>共3页</span>"+a("frame.jsp?page=2", "2")))
	// Two pages with a pager no adapter follows: one note.
	unknown := `<div>共9页 <a href="javascript:void(0)" onclick="go(2)">下一页</a></div>`
	p.set("/xxgk/tzgg/", htmlPage("通知", a("/xxgk/tzgg/more.html", "政府信息公开通知更多")+unknown))
	p.set("/xxgk/tzgg/more.html", htmlPage("通知", unknown))
	sum := crawl(t, testStore(t), testConfig(), p.url("/"))
	got := p.fetched()
	for i := 1; i <= 3; i++ {
		if k := fmt.Sprintf("/art/%d.html", i); got[k] != 1 {
			t.Errorf("%s fetched %d times (fetched %q)", k, got[k], sortedKeys(got))
		}
	}
	if sum.UnknownPagers != 1 || len(sum.Seeds[0].Notes) != 1 || !strings.Contains(sum.Seeds[0].Notes[0], "/xxgk/tzgg/") {
		t.Errorf("unknown pagers %d, notes %q", sum.UnknownPagers, sum.Seeds[0].Notes)
	}
}

// A seed whose portal moved to another host is followed there, and the
// summary says where it went.
func TestMovedSeed(t *testing.T) {
	newSite := newPortal(t)
	buildPortal(newSite, "plain", "http://192.0.2.1")
	old := newPortal(t)
	old.handle("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, newSite.url("/"), http.StatusMovedPermanently)
	})
	sum := crawl(t, testStore(t), testConfig(), old.url("/"))
	st := sum.Seeds[0]
	if st.Status != StatusOK || st.MovedTo != newSite.url("/") || sum.Reports != 14 {
		t.Errorf("status %q moved to %q, %d reports", st.Status, st.MovedTo, sum.Reports)
	}
	if n := sum.Notes(); len(n) != 1 || !strings.Contains(n[0], "moved to "+newSite.url("/")) {
		t.Errorf("notes %q", n)
	}
}
