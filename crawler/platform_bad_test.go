package crawler

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Hostile list forms are bounded by the existing limits and recorded,
// never a hang: a pager claiming a million pages, frames that frame each
// other (and an endless chain of new frames), a download endpoint that
// never ends its body.
func TestPlatformBadInput(t *testing.T) {
	p := newPortal(t)
	p.set("/", htmlPage("某县人民政府", a("/nb/index.html", "政府信息公开年报")+a("/frames/", "政府信息公开目录")+a("/wrap.html", "某县2021年政府信息公开工作年度报告")))
	// 1,000,000 pages claimed; each page exists and lists nothing new.
	p.handle("/nb/index.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, htmlPage("年报", `<script>var countPage = 1000000; var currentPage = 0; createPageHTML(countPage, currentPage, "index", "html");</script>`))
	})
	// A frame loop (/frames/ ↔ /frames/b.html) and an endless chain.
	p.set("/frames/", htmlPage("目录", `<iframe src="/frames/b.html"></iframe>`))
	p.set("/frames/b.html", htmlPage("目录", `<iframe src="/frames/"></iframe><iframe src="/frames/chain?n=1"></iframe>`))
	p.handle("/frames/chain", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.URL.Query().Get("n"), &n)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, htmlPage("目录", fmt.Sprintf(`<iframe src="/frames/chain?n=%d"></iframe>`, n+1)))
	})
	// A wrapper whose download never ends: bytes trickle forever.
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	p.set("/wrap.html", wrapperPage(2021, `<p>附件：<a href="/module/download/downfile.jsp?fileid=9">年报.pdf</a></p>`))
	p.handle("/module/download/downfile.jsp", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		for {
			if _, err := w.Write([]byte("%PDF")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(300 * time.Millisecond):
			case <-r.Context().Done():
				return
			case <-stop:
				return
			}
		}
	})
	st := testStore(t)
	cfg := testConfig()
	cfg.Timeout = time.Second
	cfg.MinRate = 1 << 10
	cfg.MaxPages = 800
	start := time.Now()
	sum := crawl(t, st, cfg, p.url("/"))
	if d := time.Since(start); d > 45*time.Second {
		t.Errorf("crawl took %s", d)
	}
	got := p.fetched()
	pages := 0
	for k := range got {
		if strings.HasPrefix(k, "/nb/index") {
			pages++
		}
	}
	if pages > 500 {
		t.Errorf("%d list pages fetched, want at most the 500 cap", pages)
	}
	if !strings.Contains(strings.Join(sum.Seeds[0].Notes, "\n"), "claims 1000000 pages, 500 followed") {
		t.Errorf("notes %q", sum.Seeds[0].Notes)
	}
	if got["/frames/"] != 1 || got["/frames/b.html"] != 1 {
		t.Errorf("frame loop: /frames/ %d, b %d fetches", got["/frames/"], got["/frames/b.html"])
	}
	chain := 0
	for k := range got {
		if strings.HasPrefix(k, "/frames/chain") {
			chain++
		}
	}
	if chain > cfg.withDefaults().MaxDepth {
		t.Errorf("frame chain followed %d deep, past MaxDepth", chain)
	}
	caps, err := st.Captures(p.url("/module/download/downfile.jsp?fileid=9"))
	if err != nil || len(caps) != 1 || caps[0].ErrKind != "timeout" || caps[0].Digest != "" || caps[0].Parent != p.url("/wrap.html") {
		t.Errorf("endless download: %+v %v", caps, err)
	}
}
