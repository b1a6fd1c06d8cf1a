package crawler

import (
	"testing"

	"github.com/gongkai/gongkai/internal/corpus"
)

// A seed whose title or main heading names an annual report is read as a
// report page: its bare attachment link (附件1.pdf) is fetched right after
// it, with it as the capture's parent, as when a column's link leads
// there. A home, column, 指南 or 通知 seed stays a page.
func TestSeedReportPage(t *testing.T) {
	src, err := corpus.PDFByName("hongze_2024.pdf")
	if err != nil {
		t.Fatal(err)
	}
	doc := src.Bytes
	const pdf = "/up/P020240120.pdf"
	for _, tc := range []struct {
		name        string
		title, h1   string
		depth       int
		attachments bool
		fetchPDF    bool
	}{
		{"report title", "某县2023年政府信息公开工作年度报告", "", 1, false, true},
		{"report title, site name after it", "某县2023年政府信息公开工作年度报告_某县人民政府", "", 1, false, true},
		{"report heading, site title", "某县人民政府", "某县2023年政府信息公开工作年度报告", 1, false, true},
		{"report title, deeper crawl", "某县2023年政府信息公开工作年度报告", "", 2, false, true},
		// As today: a home or column page's bare PDF link is not followed.
		{"home page", "某县人民政府", "", 1, false, false},
		{"column", "政府信息公开", "政府信息公开年报", 1, false, false},
		{"guide", "某县政府信息公开指南", "", 1, false, false},
		{"notice about the reports", "关于报送2023年政府信息公开工作年度报告的通知", "", 1, false, false},
		{"compilation notice", "某县2023年政府信息公开工作年度报告编制工作通知", "", 1, false, false},
		// At the limit with --attachments a seed was already read as a
		// report page (a URL list's entry); that holds.
		{"report title, limit, --attachments", "某县2023年政府信息公开工作年度报告", "", 0, true, true},
		{"home page, limit, --attachments", "某县人民政府", "", 0, true, true},
		{"report title, limit", "某县2023年政府信息公开工作年度报告", "", 0, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPortal(t)
			body := `<p>详见附件。</p><p>附件：` + a(pdf, "附件1.pdf") + `</p>` + a("/xxgk/", "政府信息公开")
			if tc.h1 != "" {
				body = "<h1>" + tc.h1 + "</h1>" + body
			}
			p.set(pdf, string(doc))
			p.set("/xxgk/", htmlPage("政府信息公开", ""))
			// A TRS pager: a yearly column may be titled as a report, so a
			// seed read as a report page still follows it (depth 0: no hop).
			body += `<script>createPageHTML(2, 0, "index", "html");</script>`
			p.set("/", htmlPage(tc.title, body))
			p.set("/index_1.html", htmlPage("某县2023年政府信息公开工作年度报告", ""))
			st := testStore(t)
			cfg := testConfig()
			cfg.MaxDepth, cfg.Attachments = tc.depth, tc.attachments
			crawl(t, st, cfg, p.url("/"))
			got := p.fetched()
			if want := map[bool]int{true: 1}[tc.fetchPDF]; got[pdf] != want {
				t.Fatalf("PDF fetched %d times, want %d (fetched %q)", got[pdf], want, sortedKeys(got))
			}
			if tc.depth >= 1 && got["/xxgk/"] != 1 {
				t.Errorf("the column link fetched %d times, want once", got["/xxgk/"])
			}
			if got["/index_1.html"] != 1 {
				t.Errorf("the pager's second page fetched %d times, want once", got["/index_1.html"])
			}
			if !tc.fetchPDF {
				return
			}
			caps, err := st.Captures(p.url(pdf))
			if err != nil || len(caps) != 1 || caps[0].Parent != p.url("/") || caps[0].Size != int64(len(doc)) {
				t.Fatalf("captures of the PDF %+v %v, want one of %d bytes, its parent the seed", caps, err, len(doc))
			}
			// The report's document comes right after its page, before
			// the column.
			var order []string
			for _, h := range p.hits {
				if h.path != "/robots.txt" {
					order = append(order, h.path)
				}
			}
			if len(order) < 2 || order[1] != pdf {
				t.Errorf("fetch order %q, want the PDF second", order)
			}
		})
	}
}

// parsePage keeps the first <title> and the first <h1>, as text, whatever
// their markup.
func TestPageTitleAndHeading(t *testing.T) {
	for _, tc := range []struct {
		html, title, heading string
	}{
		{htmlPage("某县2023年政府信息公开工作年度报告", "<h1>标题 <span>一</span></h1><h1>二</h1>"), "某县2023年政府信息公开工作年度报告", "标题 一"},
		{"<title>A &amp;\n B</title><title>C</title><h1/><h1>D</h1>", "A & B", "D"},
		{"<h1><a href=/x>某县2023年\n年度报告</a></h1>", "", "某县2023年 年度报告"},
		{"<title>cut off", "cut off", ""},
		{"<p>no title</p>", "", ""},
	} {
		for name, pg := range map[string]*page{"scan": parsePage(tc.html), "tokenizer": referencePage(tc.html)} {
			if pg.title != tc.title || pg.heading != tc.heading {
				t.Errorf("%s %q: title %q heading %q, want %q %q", name, tc.html, pg.title, pg.heading, tc.title, tc.heading)
			}
		}
	}
}
