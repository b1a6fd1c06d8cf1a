package demoportal

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startHost serves a bare host for the test and returns it.
func startHost(t *testing.T) *host {
	t.Helper()
	h, err := newHost("test")
	if err != nil {
		t.Fatal(err)
	}
	go h.serve()
	t.Cleanup(func() {
		if err := h.shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return h
}

func fetch(t *testing.T, u string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestHostConditionalRequests(t *testing.T) {
	h := startHost(t)
	modified := day(2021, time.January, 25)
	h.put("/a.html", resource{body: []byte("<p>甲</p>"), contentType: "text/html; charset=utf-8", modified: modified})

	resp, body := fetch(t, h.url("/a.html"), nil)
	if resp.StatusCode != 200 || string(body) != "<p>甲</p>" {
		t.Fatalf("GET = %d %q", resp.StatusCode, body)
	}
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm != "Mon, 25 Jan 2021 09:30:00 GMT" {
		t.Fatalf("validators: ETag %q Last-Modified %q", etag, lm)
	}
	tests := []struct {
		name   string
		hdr    map[string]string
		status int
	}{
		{"matching etag", map[string]string{"If-None-Match": etag}, http.StatusNotModified},
		{"stale etag", map[string]string{"If-None-Match": `"0000"`}, http.StatusOK},
		{"same date", map[string]string{"If-Modified-Since": lm}, http.StatusNotModified},
		{"older date", map[string]string{"If-Modified-Since": "Sun, 24 Jan 2021 09:30:00 GMT"}, http.StatusOK},
	}
	for _, tt := range tests {
		resp, body := fetch(t, h.url("/a.html"), tt.hdr)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
		if tt.status == http.StatusNotModified && len(body) != 0 {
			t.Errorf("%s: 304 with a body of %d bytes", tt.name, len(body))
		}
	}

	// New bytes, new validator: the old ETag no longer matches.
	h.put("/a.html", resource{body: []byte("<p>乙</p>"), contentType: "text/html; charset=utf-8", modified: modified.AddDate(0, 0, 7)})
	resp, body = fetch(t, h.url("/a.html"), map[string]string{"If-None-Match": etag})
	if resp.StatusCode != 200 || string(body) != "<p>乙</p>" || resp.Header.Get("ETag") == etag {
		t.Errorf("after change: %d %q ETag %q (old %q)", resp.StatusCode, body, resp.Header.Get("ETag"), etag)
	}
}

func TestHostNotFoundAndMethod(t *testing.T) {
	h := startHost(t)
	if resp, _ := fetch(t, h.url("/missing.html"), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing page: status %d", resp.StatusCode)
	}
	resp, err := http.Post(h.url("/"), "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d", resp.StatusCode)
	}
}

func TestColumnPages(t *testing.T) {
	items := []listItem{{"/r/1.html", "一", "2022-01-20"}, {"/r/2.html", "二", "2021-01-25"}, {"/r/3.html", "三", "2021-01-10"}}
	tests := []struct {
		paging   string
		keys     [][]string // per page
		contains []string   // per page: the pager markup
	}{
		{pagingTRS, [][]string{{"/c/index.html", "/c/"}, {"/c/index_1.html"}},
			[]string{`createPageHTML(2, 0, "index", "html")`, `createPageHTML(2, 1, "index", "html")`}},
		{pagingTRSVars, [][]string{{"/c/index.html", "/c/"}, {"/c/index_1.html"}},
			[]string{"var currentPage = 0;//所在页从0开始\nvar countPage = 2//共多少页\ncreatePageHTML(countPage, currentPage", "var currentPage = 1;"}},
		{pagingNext, [][]string{{"/c/index.shtml", "/c/"}, {"/c/index_2.shtml"}},
			[]string{`<a href="index_2.shtml">下一页</a>`, `<a href="index.shtml">上一页</a>`}},
		{pagingQuery, [][]string{{"/c/list.do?page=1", "/c/", "/c/list.do"}, {"/c/list.do?page=2"}},
			[]string{`<a href="list.do?page=2">下一页</a>`, `<a href="list.do?page=1">1</a>`}},
	}
	for _, tt := range tests {
		c := column{dir: "/c/", title: "年报", paging: tt.paging, perPage: 2}
		pages := c.pages(items)
		if len(pages) != 2 {
			t.Fatalf("%s: %d pages, want 2", tt.paging, len(pages))
		}
		for i, p := range pages {
			if strings.Join(p.keys, " ") != strings.Join(tt.keys[i], " ") {
				t.Errorf("%s page %d: keys %q, want %q", tt.paging, i, p.keys, tt.keys[i])
			}
			if !strings.Contains(p.body, tt.contains[i]) {
				t.Errorf("%s page %d: no %q in\n%s", tt.paging, i, tt.contains[i], p.body)
			}
		}
		if !strings.Contains(pages[1].body, `href="/r/3.html"`) || strings.Contains(pages[0].body, `href="/r/3.html"`) {
			t.Errorf("%s: the third item is not on page 2 only", tt.paging)
		}
	}
}

func TestTrapsAreEndless(t *testing.T) {
	look := siteLook{agency: "演示区人民政府", charset: "gbk", siteID: "1"}
	h := startHost(t)
	h.addDynamic(calendarTrap(look))
	h.addDynamic(deepTrap(look))
	h.put("/", resource{body: []byte("home"), contentType: "text/plain", modified: siteDate()})

	for _, start := range []string{calendarPath, "/zwgk/" + deepDir} {
		u := h.url(start)
		seen := map[string]bool{}
		for step := 0; step < 60; step++ {
			resp, body := fetch(t, u, nil)
			if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "charset=gbk") {
				t.Fatalf("%s: status %d type %q", u, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if !bytes.HasPrefix(body, []byte("<!DOCTYPE html>")) || !bytes.HasSuffix(bytes.TrimSpace(body), []byte("</html>")) {
				t.Fatalf("%s: not a whole HTML page", u)
			}
			seen[u] = true
			// Follow the last link of the page body: 下个月 / the deeper directory.
			links := pageLinks(body)
			next, err := resolve(u, links[len(links)-1])
			if err != nil {
				t.Fatal(err)
			}
			if seen[next] {
				t.Fatalf("%s: trap loops back to %s after %d steps", start, next, step)
			}
			u = next
		}
	}
	// Not every URL is a trap page.
	for _, p := range []string{calendarPath + "?date=2021-13-45", calendarPath + "?id=1", "/zwgk/xxgkml/other/"} {
		if resp, _ := fetch(t, h.url(p), nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, resp.StatusCode)
		}
	}
}
