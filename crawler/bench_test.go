package crawler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
	"github.com/gongkai/gongkai/seeds"
)

// benchPortal is a generated portal of n report pages: home → 政府信息公开 →
// 年报 column of n/20 list pages (index.html, index_1.html …, 下一页 and page
// numbers, so wget and colly find them too) → n report pages, each a real
// rendered report (internal/fixture, UTF-8 and GBK) made unique by its
// number, so every page is a new payload and extraction runs on each. Pages
// are made on request (memory stays flat) and answer If-None-Match.
type benchPortal struct {
	n, perPage int
	bodies     []fixture.Page
	requests   atomic.Int64
	bytes      atomic.Int64
}

func newBenchPortal(tb testing.TB, n int) *benchPortal {
	reps, err := corpus.Reports()
	if err != nil {
		tb.Fatal(err)
	}
	bp := &benchPortal{n: n, perPage: 20}
	for i, r := range reps {
		o := fixture.Options{Chrome: true}
		if i%2 == 1 {
			o.Encoding = fixture.EncGBK
		}
		pg, err := fixture.Render(r, o)
		if err != nil {
			continue
		}
		bp.bodies = append(bp.bodies, pg)
	}
	return bp
}

func (bp *benchPortal) pages() int { return bp.n + (bp.n+bp.perPage-1)/bp.perPage + 2 }

var benchReportRe = regexp.MustCompile(`^/xxgk/ndbg/t(\d+)\.html$`)
var benchListRe = regexp.MustCompile(`^/xxgk/ndbg/index(?:_(\d+))?\.html$`)

func (bp *benchPortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	bp.requests.Add(1)
	body, ct := bp.page(r.URL.Path)
	if body == nil {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", ct)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	n, _ := w.Write(body)
	bp.bytes.Add(int64(n))
}

func (bp *benchPortal) page(path string) ([]byte, string) {
	const utf8 = "text/html; charset=utf-8"
	switch path {
	case "/", "/index.html":
		return []byte(htmlPage("某市人民政府", a("/xxgk/index.html", "政府信息公开")+a("/about.html", "关于我们"))), utf8
	case "/xxgk/index.html":
		return []byte(htmlPage("政府信息公开", a("/xxgk/ndbg/index.html", "政府信息公开年报"))), utf8
	}
	if m := benchListRe.FindStringSubmatch(path); m != nil {
		p, _ := strconv.Atoi(m[1])
		pages := (bp.n + bp.perPage - 1) / bp.perPage
		if p >= pages {
			return nil, ""
		}
		name := func(i int) string {
			if i == 0 {
				return "index.html"
			}
			return fmt.Sprintf("index_%d.html", i)
		}
		var b strings.Builder
		b.WriteString("<ul>")
		for i := p * bp.perPage; i < min((p+1)*bp.perPage, bp.n); i++ {
			fmt.Fprintf(&b, `<li><a href="t%d.html">某市%d年政府信息公开工作年度报告（%d）</a><span>2021-01-20</span></li>`, i, 2010+i%12, i)
		}
		b.WriteString("</ul><div class=\"page\">" + a(name(0), "首页"))
		if p > 0 {
			b.WriteString(a(name(p-1), "上一页"))
		}
		for i := max(p-3, 0); i < min(p+4, pages); i++ {
			b.WriteString(a(name(i), strconv.Itoa(i+1)))
		}
		if p+1 < pages {
			b.WriteString(a(name(p+1), "下一页"))
		}
		b.WriteString(a(name(pages-1), "尾页") + "</div>")
		return []byte(htmlPage("政府信息公开年报", b.String())), utf8
	}
	if m := benchReportRe.FindStringSubmatch(path); m != nil {
		i, _ := strconv.Atoi(m[1])
		if i >= bp.n {
			return nil, ""
		}
		pg := bp.bodies[i%len(bp.bodies)]
		k := bytes.LastIndex(pg.Body, []byte("</body>"))
		if k < 0 {
			k = len(pg.Body)
		}
		out := make([]byte, 0, len(pg.Body)+32)
		out = append(out, pg.Body[:k]...)
		out = append(out, fmt.Sprintf("<!-- page %d -->", i)...)
		out = append(out, pg.Body[k:]...)
		return out, pg.ContentType
	}
	return nil, ""
}

// rssParts returns the anonymous (heap, stacks) and file-backed (the
// archive's mmap) parts of the current RSS, in MB.
func rssParts() (anon, file int64) {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "RssAnon:":
			anon = kb >> 10
		case "RssFile:":
			file = kb >> 10
		}
	}
	return anon, file
}

func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// benchPages is the portal size: GONGKAI_BENCH_PAGES, default 10,000.
func benchPages() int {
	if n, err := strconv.Atoi(os.Getenv("GONGKAI_BENCH_PAGES")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// BenchmarkCrawl measures pages/s on one local portal of ≥10,000 pages:
// this crawler (archive and extraction on, rate limit off), a bare colly
// collector that stores nothing, and wget --recursive; then the nightly
// ratio of a second run over the same archive. Run with -benchtime=1x:
//
//	go test -run '^$' -bench BenchmarkCrawl -benchtime=1x -timeout 1h ./crawler/
//
// GONGKAI_BENCH_PAGES sets the number of report pages (default 10,000),
// GONGKAI_BENCH_NIGHTLY=0 skips the second run, GONGKAI_BENCH_NOEXTRACT=1
// turns extraction off (for the 100,000-page memory run).
func BenchmarkCrawl(b *testing.B) {
	// The crawl command runs with GOGC=200 unless the user sets GOGC
	// (cmd/crawl/main.go); measure what users run.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(200))
	}
	bp := newBenchPortal(b, benchPages())
	srv := httptest.NewServer(bp)
	defer srv.Close()
	want := bp.pages()

	// GONGKAI_BENCH_CONNECTIONS sets Config.Connections (default 1, the
	// crawler's politeness default; wget and colly are serial too).
	conns, _ := strconv.Atoi(os.Getenv("GONGKAI_BENCH_CONNECTIONS"))
	b.Run("gongkai", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			st := testStore(b)
			cfg := Config{AllowPrivate: true, Rate: 0, MaxPages: 1 << 30, MaxDepth: -1, Connections: conns,
				NoExtract: os.Getenv("GONGKAI_BENCH_NOEXTRACT") == "1"}
			c, err := New(st, cfg)
			if err != nil {
				b.Fatal(err)
			}
			list := []seeds.Seed{{URL: srv.URL + "/", Agency: "某市人民政府"}}
			bp.requests.Store(0)
			bp.bytes.Store(0)
			start, cpu0, w0 := time.Now(), cpuTime(), st.WriterStats()
			sum, err := c.Run(context.Background(), list)
			el, cpu := time.Since(start), cpuTime()-cpu0
			if err != nil {
				b.Fatal(err)
			}
			if sum.Pages < want {
				b.Fatalf("fetched %d pages, portal has %d", sum.Pages, want)
			}
			reportWriter(b, st.WriterStats(), w0, sum.Pages)
			b.ReportMetric(float64(sum.Pages)/el.Seconds(), "pages/s")
			// CPU of the whole process (portal server included) per page:
			// on 2 cores the ceiling is 2000/cpu-ms/page pages/s.
			b.ReportMetric(cpu.Seconds()*1000/float64(sum.Pages), "cpu-ms/page")
			b.ReportMetric(float64(sum.Reports), "reports")
			b.ReportMetric(float64(peakRSS())/(1<<20), "peakRSS-MB")
			req1, bytes1 := bp.requests.Load(), bp.bytes.Load()
			anon, file := rssParts()
			b.Logf("first run: %d pages %d reports in %v (%d requests, %d body bytes), peak RSS %d MB (now: %d MB anonymous, %d MB file-backed)",
				sum.Pages, sum.Reports, el, req1, bytes1, peakRSS()>>20, anon, file)
			if os.Getenv("GONGKAI_BENCH_NIGHTLY") == "0" {
				continue
			}

			// Nightly: the same seeds again, nothing changed.
			bp.requests.Store(0)
			bp.bytes.Store(0)
			start = time.Now()
			sum2, err := c.Run(context.Background(), list)
			el2 := time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(bp.requests.Load())/float64(req1), "nightly-requests-ratio")
			b.ReportMetric(float64(bp.bytes.Load())/float64(bytes1), "nightly-bytes-ratio")
			b.ReportMetric(el2.Seconds()/el.Seconds(), "nightly-seconds-ratio")
			b.ReportMetric(float64(sum2.NewPayloads), "nightly-new-payloads")
			b.Logf("second run: %d pages, %d not modified, %d new payloads in %v (%d requests, %d bytes)",
				sum2.Pages, sum2.NotModified, sum2.NewPayloads, el2, bp.requests.Load(), bp.bytes.Load())
		}
	})

	b.Run("colly-bare", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			collyBare(b, []seeds.Seed{{URL: srv.URL + "/"}}, true, 0, want)
		}
	})

	b.Run("wget", func(b *testing.B) {
		wget, err := exec.LookPath("wget")
		if err != nil {
			b.Skip("wget not installed (apt-get install -y wget)")
		}
		for i := 0; i < b.N; i++ {
			dir := b.TempDir()
			bp.requests.Store(0)
			start, cpu0, wcpu0 := time.Now(), cpuTime(), childCPUTime()
			cmd := exec.Command(wget, "--recursive", "--level=inf", "--no-verbose", "--no-host-directories",
				"--directory-prefix", dir, srv.URL+"/")
			out, _ := cmd.CombinedOutput() // wget exits 8 on the 404s (robots.txt, about.html)
			el := time.Since(start)
			cpu := cpuTime() - cpu0 + childCPUTime() - wcpu0
			files := savedFiles(dir)
			if files < want {
				b.Fatalf("wget saved %d pages, portal has %d: %s", files, want, out[max(0, len(out)-500):])
			}
			b.ReportMetric(float64(files)/el.Seconds(), "pages/s")
			b.ReportMetric(cpu.Seconds()*1000/float64(files), "cpu-ms/page") // wget's and the portal's
		}
	})
}

// savedFiles counts the files wget saved below dir.
func savedFiles(dir string) int {
	files := 0
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			files++
		}
		return nil
	})
	return files
}

// cpuTime is the user+system CPU time of this process.
func cpuTime() time.Duration { return rusage(syscall.RUSAGE_SELF) }

// childCPUTime is that of its finished child processes (wget).
func childCPUTime() time.Duration { return rusage(syscall.RUSAGE_CHILDREN) }

func rusage(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
