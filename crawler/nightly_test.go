package crawler

import (
	"net/http"
	"testing"
)

// The second run over the same seeds sends conditional requests; unchanged
// pages answer 304, are recorded with the digest they confirm, and add no
// payload; a changed page is archived as the URL's second version.
func TestSecondRunIsConditional(t *testing.T) {
	for _, mode := range []string{"etag", "lastmod"} {
		t.Run(mode, func(t *testing.T) {
			p := newPortal(t)
			reports, _ := buildPortal(p, "trs4", "http://192.0.2.1")
			p.validators = mode
			st := testStore(t)
			first := crawl(t, st, testConfig(), p.url("/"))
			n1 := len(p.hitList())
			if first.NotModified != 0 || first.NewPayloads != first.Pages {
				t.Fatalf("first run: %d not modified, %d new payloads of %d pages", first.NotModified, first.NewPayloads, first.Pages)
			}
			for _, h := range p.hitList() {
				if h.header.Get("If-None-Match") != "" || h.header.Get("If-Modified-Since") != "" {
					t.Fatalf("first run sent a conditional request for %s", h.path)
				}
			}

			changed := reports[2]
			p.set(changed, reportPage(2016, "/files/ndbg2016.pdf")+"<!-- 更正 -->")
			second := crawl(t, st, testConfig(), p.url("/"))
			hits := p.hitList()[n1:]
			conditional := 0
			for _, h := range hits {
				if h.header.Get("If-None-Match") != "" || h.header.Get("If-Modified-Since") != "" {
					conditional++
				}
			}
			if second.Pages != first.Pages || conditional != second.Pages {
				t.Errorf("second run: %d pages (first %d), %d conditional requests", second.Pages, first.Pages, conditional)
			}
			if second.NotModified != second.Pages-1 || second.NewPayloads != 1 {
				t.Errorf("second run: %d not modified, %d new payloads; want %d and 1", second.NotModified, second.NewPayloads, second.Pages-1)
			}
			caps, err := st.Captures(p.url(reports[0]))
			if err != nil || len(caps) != 2 || caps[1].Status != http.StatusNotModified || caps[1].Digest != caps[0].Digest || caps[0].Digest == "" {
				t.Errorf("unchanged report captures %+v, %v", caps, err)
			}
			vs, err := st.Versions(p.url(reports[0]))
			if err != nil || len(vs) != 1 {
				t.Errorf("unchanged report has %d versions, %v", len(vs), err)
			}
			vs, err = st.Versions(p.url(changed))
			if err != nil || len(vs) != 2 {
				t.Fatalf("changed report has %d versions, %v", len(vs), err)
			}
			body, err := st.Payload(vs[1].Digest)
			if err != nil || hexSHA(body) != hexSHA([]byte(reportPage(2016, "/files/ndbg2016.pdf")+"<!-- 更正 -->")) {
				t.Errorf("version 2 payload wrong: %v", err)
			}
			if second.Bytes*5 > first.Bytes {
				t.Errorf("second run read %d bytes, first %d", second.Bytes, first.Bytes)
			}
		})
	}
}
