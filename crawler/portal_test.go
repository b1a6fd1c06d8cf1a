package crawler

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/seeds"
)

// hit is one request a fixture server saw.
type hit struct {
	method, path string // path with query
	at           time.Time
	header       http.Header
	form         string
}

// portal is a hand-built fixture site on loopback: fixed pages plus
// handlers, and a log of every request.
type portal struct {
	srv   *httptest.Server
	mu    sync.Mutex
	pages map[string]string // path?query → HTML (UTF-8)
	funcs map[string]http.HandlerFunc
	hits  []hit
	// validators: "etag" or "lastmod" makes static pages answer
	// conditional requests with 304.
	validators string
	mw         func(w http.ResponseWriter, r *http.Request, next http.HandlerFunc)
}

// wrap puts a middleware in front of every request.
func (p *portal) wrap(mw func(w http.ResponseWriter, r *http.Request, next http.HandlerFunc)) {
	p.mu.Lock()
	p.mw = mw
	p.mu.Unlock()
}

func newPortal(t testing.TB) *portal {
	p := &portal{pages: map[string]string{}, funcs: map[string]http.HandlerFunc{}}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		mw := p.mw
		p.mu.Unlock()
		if mw != nil {
			mw(w, r, p.serve)
			return
		}
		p.serve(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *portal) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	key := r.URL.Path
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	p.mu.Lock()
	p.hits = append(p.hits, hit{method: r.Method, path: key, at: time.Now(), header: r.Header.Clone(), form: string(body)})
	f, okf := p.funcs[r.URL.Path]
	page, okp := p.pages[key]
	p.mu.Unlock()
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	switch {
	case okf:
		f(w, r)
	case okp:
		ct := "text/html; charset=utf-8"
		if strings.HasSuffix(r.URL.Path, ".pdf") {
			ct = "application/pdf"
		}
		w.Header().Set("Content-Type", ct)
		switch p.validators {
		case "etag":
			etag := `"` + hexSHA([]byte(page))[:16] + `"`
			w.Header().Set("ETag", etag)
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		case "lastmod":
			// Last-Modified derived from the content, so a change moves it.
			lm := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(len(page)) * time.Hour)
			w.Header().Set("Last-Modified", lm.Format(http.TimeFormat))
			if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !lm.After(ims) {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		io.WriteString(w, page)
	default:
		http.NotFound(w, r)
	}
}

func (p *portal) url(path string) string { return p.srv.URL + path }

func (p *portal) set(path, html string) {
	p.mu.Lock()
	p.pages[path] = html
	p.mu.Unlock()
}

func (p *portal) handle(path string, f http.HandlerFunc) {
	p.mu.Lock()
	p.funcs[path] = f
	p.mu.Unlock()
}

// fetched returns the distinct paths requested (robots.txt excluded).
func (p *portal) fetched() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for _, h := range p.hits {
		if h.path != "/robots.txt" {
			out[h.path]++
		}
	}
	return out
}

func (p *portal) hitList() []hit {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]hit(nil), p.hits...)
}

// html wraps a body in a page.
func htmlPage(title, body string) string {
	return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body>" + body + "</body></html>"
}

func a(href, text string) string { return `<a href="` + href + `">` + text + `</a>` }

// reportPage is a report page with an attachment.
func reportPage(year int, pdf string) string {
	return htmlPage(fmt.Sprintf("%d年政府信息公开工作年度报告", year), fmt.Sprintf(
		"<h1>某市%d年政府信息公开工作年度报告</h1><p>本报告由总体情况、主动公开政府信息情况等部分组成。</p><p>附件：%s</p>",
		year, a(pdf, fmt.Sprintf("%d年度报告全文.pdf", year))))
}

func testStore(t testing.TB) *archive.Store {
	t.Helper()
	st, err := archive.Open(filepath.Join(t.TempDir(), "archive.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// testConfig is fast and loopback-friendly.
func testConfig() Config {
	return Config{AllowPrivate: true, Rate: 0, MaxDepth: -1, Timeout: 5 * time.Second, Retries: -1, RetryBase: 10 * time.Millisecond, NoExtract: true}
}

func crawl(t testing.TB, st *archive.Store, cfg Config, urls ...string) Summary {
	return crawlWith(t, st, cfg, nil, urls...)
}

// sendLog wraps the network side of the transport and records when each
// request left, per host.
type sendLog struct {
	base http.RoundTripper
	mu   sync.Mutex
	at   map[string][]time.Time
}

func (s *sendLog) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	if s.at == nil {
		s.at = map[string][]time.Time{}
	}
	s.at[r.URL.Host] = append(s.at[r.URL.Host], time.Now())
	s.mu.Unlock()
	return s.base.RoundTrip(r)
}

func crawlWith(t testing.TB, st *archive.Store, cfg Config, hook func(*Crawler), urls ...string) Summary {
	t.Helper()
	c, err := New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if hook != nil {
		hook(c)
	}
	var list []seeds.Seed
	for _, u := range urls {
		list = append(list, seeds.Seed{URL: u, Agency: "某市人民政府"})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sum, err := c.Run(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// peakInFlight makes every request to p wait pause in the handler and
// returns the most requests it has seen in flight at once.
func peakInFlight(p *portal, pause time.Duration) *atomic.Int32 {
	var inflight, peak atomic.Int32
	p.wrap(func(w http.ResponseWriter, r *http.Request, base http.HandlerFunc) {
		n := inflight.Add(1)
		for m := peak.Load(); n > m && !peak.CompareAndSwap(m, n); m = peak.Load() {
		}
		time.Sleep(pause)
		base(w, r)
		inflight.Add(-1)
	})
	return &peak
}

func sortedKeys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func itoa(n int) string { return fmt.Sprint(n) }

func fmtSscan(s string, v *int) (int, error) { return fmt.Sscan(s, v) }
