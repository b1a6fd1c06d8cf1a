package crawler

import (
	"net/http"
	"strings"
	"testing"
)

// attachmentSite is a wrapper report page whose document is linked and
// framed (one attachment), a download endpoint that answers with an HTML
// page of its own links, a file robots.txt disallows, and links that are
// no attachments: another report, a column, a picture.
func attachmentSite(t *testing.T) *portal {
	p := newPortal(t)
	p.set("/robots.txt", "User-agent: *\nDisallow: /private/\n")
	p.set("/", htmlPage("某县人民政府", a("/r/2022.html", "某县2022年政府信息公开工作年度报告")))
	p.set("/r/2022.html", wrapperPage(2022, `<p>详见附件。</p><p>附件：`+a("/up/2022.pdf", "附件1.pdf")+`</p>`+
		`<iframe src="/up/2022.pdf"></iframe>`+
		`<p>`+a("/dl/get.do?fileId=7", "附件2")+` `+a("/private/2022.pdf", "附件3.pdf")+`</p>`+
		a("/r/2021.html", "某县2021年政府信息公开工作年度报告")+a("/xxgk/", "政府信息公开")+a("/up/photo.jpg", "图片 2022.jpg")))
	p.set("/up/2022.pdf", "%PDF-1.4 2022")
	p.set("/private/2022.pdf", "%PDF-1.4 private")
	p.handle("/dl/get.do", func(w http.ResponseWriter, r *http.Request) {
		// An attachment that turns out to be a page: its links lead nowhere.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(htmlPage("下载", a("/up/inner.pdf", "附件.pdf")+a("/r/2020.html", "某县2020年政府信息公开工作年度报告"))))
	})
	for _, s := range []string{"/r/2021.html", "/r/2020.html", "/xxgk/", "/up/inner.pdf", "/up/photo.jpg"} {
		p.set(s, htmlPage("x", ""))
	}
	return p
}

// At the depth limit a report page's attachments are fetched only with
// Config.Attachments, within robots and the page budget, and lead no
// further; without it they are counted and the summary says so.
func TestAttachmentsPastDepthLimit(t *testing.T) {
	never := []string{"/r/2021.html", "/r/2020.html", "/xxgk/", "/up/inner.pdf", "/up/photo.jpg", "/private/2022.pdf"}
	for _, tc := range []struct {
		name        string
		seed        string // path
		depth       int
		attachments bool
		maxPages    int
		fetched     []string // besides the pages before the report page
		skipped     int
	}{
		{"url list, off", "/r/2022.html", 0, false, 0, []string{"/r/2022.html"}, 3},
		{"url list, on", "/r/2022.html", 0, true, 0, []string{"/r/2022.html", "/up/2022.pdf", "/dl/get.do?fileId=7"}, 0},
		{"url list, on, budget 2", "/r/2022.html", 0, true, 2, []string{"/r/2022.html", "/up/2022.pdf"}, 0},
		// A report page the last hop reached is at the limit too.
		{"report at depth 1, off", "/", 1, false, 0, []string{"/", "/r/2022.html"}, 3},
		{"report at depth 1, on", "/", 1, true, 0, []string{"/", "/r/2022.html", "/up/2022.pdf", "/dl/get.do?fileId=7"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := attachmentSite(t)
			st := testStore(t)
			cfg := testConfig()
			cfg.MaxDepth, cfg.Attachments, cfg.MaxPages = tc.depth, tc.attachments, tc.maxPages
			sum := crawl(t, st, cfg, p.url(tc.seed))
			got := p.fetched()
			for _, f := range tc.fetched {
				if got[f] != 1 {
					t.Errorf("%s fetched %d times, want once (fetched %q)", f, got[f], sortedKeys(got))
				}
			}
			if len(got) != len(tc.fetched) {
				t.Errorf("fetched %q, want only %q", sortedKeys(got), tc.fetched)
			}
			for _, f := range never {
				if got[f] > 0 {
					t.Errorf("%s fetched", f)
				}
			}
			if sum.SkippedAttachments != tc.skipped || sum.Seeds[0].SkippedAttachments != tc.skipped || sum.counts()["skipped_attachments"] != tc.skipped {
				t.Errorf("skipped attachments %d (seed %d, counts %d), want %d", sum.SkippedAttachments, sum.Seeds[0].SkippedAttachments,
					sum.counts()["skipped_attachments"], tc.skipped)
			}
			notes := strings.Join(sum.Notes(), "\n")
			if hint := strings.Contains(notes, "3 attachments") && strings.Contains(notes, "--attachments"); hint != (tc.skipped > 0) {
				t.Errorf("notes %q: hint %v, want %v", notes, hint, tc.skipped > 0)
			}
			if tc.attachments {
				caps, err := st.Captures(p.url("/up/2022.pdf"))
				if err != nil || len(caps) != 1 || caps[0].Parent != p.url("/r/2022.html") || caps[0].Size != int64(len("%PDF-1.4 2022")) {
					t.Errorf("captures of the PDF %+v %v, want one, its parent the report page", caps, err)
				}
			}
			if tc.maxPages == 2 && !sum.Seeds[0].BudgetSpent {
				t.Errorf("budget of 2 pages not reported spent with an attachment pending")
			}
		})
	}
}

// mayBeFile lets through every link scoreLink calls an attachment on a
// report page (it only saves the scoring of the others).
func TestMayBeFile(t *testing.T) {
	base := mustURL(t, "http://x.gov.cn/r/2022.html")
	for _, lk := range []link{
		{href: "/up/a.PDF"}, {href: "a.docx"}, {href: "a.wps"}, {href: "a.xlsx"}, {href: "a.zip"},
		{href: "/dl/get.do?fileId=7", anchor: "附件2"}, {href: "/module/download/downfile.jsp?filename=a.pdf"},
		{href: "/attach/getfile?id=3", anchor: "附件"}, {href: "/files/9", anchor: "年报.pdf"},
		{href: "nb%2Epdf"},
	} {
		u, ok := canonical(base, lk.href)
		if !ok {
			t.Fatalf("%s: no URL", lk.href)
		}
		if _, kind := scoreLink(lk, u, kindReport); kind != kindAttachment {
			t.Errorf("%+v: scoreLink says %q; the case is not an attachment", lk, kind)
		}
		if !mayBeFile(lk) {
			t.Errorf("%+v: an attachment, but mayBeFile says no", lk)
		}
	}
	for _, lk := range []link{{href: "/r/2021.html", anchor: "某县2021年政府信息公开工作年度报告"}, {href: "/xxgk/", anchor: "政府信息公开"}} {
		if mayBeFile(lk) {
			t.Errorf("%+v: a page, but mayBeFile says it may be a file", lk)
		}
	}
}
