package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/seeds"
)

// benchHost is one fixture host of the national benchmarks: a benchPortal
// of its own on its own port, every answer delayed, counting full answers
// (200 with a body) apart from 304s.
type benchHost struct {
	bp    *benchPortal
	srv   *httptest.Server
	delay time.Duration
	full  atomic.Int64
}

func (h *benchHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(h.delay)
	rec := &statusWriter{ResponseWriter: w}
	h.bp.ServeHTTP(rec, r)
	if rec.status == http.StatusOK {
		h.full.Add(1)
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// benchHosts starts n fixture hosts of reports report pages each.
func benchHosts(b *testing.B, n, reports int, delay time.Duration) []*benchHost {
	proto := newBenchPortal(b, reports)
	hosts := make([]*benchHost, n)
	for i := range hosts {
		bp := &benchPortal{n: reports, perPage: proto.perPage, bodies: proto.bodies}
		h := &benchHost{bp: bp, delay: delay}
		h.srv = httptest.NewServer(h)
		b.Cleanup(h.srv.Close)
		hosts[i] = h
	}
	return hosts
}

// fullAnswers returns (and zeroes) the hosts' full answers and requests,
// and the most requests one host got.
func fullAnswers(hosts []*benchHost) (full, requests, most int64) {
	for _, h := range hosts {
		full += h.full.Swap(0)
		n := h.bp.requests.Swap(0)
		requests += n
		most = max(most, n)
	}
	return full, requests, most
}

func benchEnvInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// runTwice crawls list twice into one archive (tonight and the night
// after, nothing changed) and reports the first run's pages/s, peak RSS and
// the nightly ratio of full downloads.
func runTwice(b *testing.B, cfg Config, hosts []*benchHost, list []seeds.Seed, want int) (pagesPerSec float64) {
	b.Helper()
	st := testStore(b)
	c, err := New(st, cfg)
	if err != nil {
		b.Fatal(err)
	}
	fullAnswers(hosts)
	rss0 := peakRSS()
	start, cpu0, w0 := time.Now(), cpuTime(), st.WriterStats()
	sum, err := c.Run(context.Background(), list)
	el, cpu := time.Since(start), cpuTime()-cpu0
	if err != nil {
		b.Fatal(err)
	}
	if sum.Pages < want {
		b.Fatalf("fetched %d pages, want %d", sum.Pages, want)
	}
	reportWriter(b, st.WriterStats(), w0, sum.Pages)
	full1, req1, most := fullAnswers(hosts)
	if cfg.Rate > 0 {
		// The politeness bound: the busiest host's requests (robots.txt
		// included) at the rate.
		bound := float64(most) / cfg.Rate
		b.ReportMetric(bound, "bound-seconds")
		b.ReportMetric(el.Seconds()/bound, "x-bound")
	}
	pagesPerSec = float64(sum.Pages) / el.Seconds()
	b.ReportMetric(pagesPerSec, "pages/s")
	b.ReportMetric(el.Seconds(), "seconds")
	b.ReportMetric(cpu.Seconds()*1000/float64(sum.Pages), "cpu-ms/page")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peakRSS-MB")
	b.Logf("first run: %d pages (%d reports, %d errors, %d parked hosts) in %v, %d requests, %d full answers; peak RSS %d MB (%d MB before the crawl, fixture servers included)",
		sum.Pages, sum.Reports, sum.Errors, len(sum.Parked), el.Round(time.Millisecond), req1, full1, peakRSS()>>20, rss0>>20)
	if os.Getenv("GONGKAI_BENCH_NIGHTLY") == "0" {
		return pagesPerSec
	}
	start = time.Now()
	sum2, err := c.Run(context.Background(), list)
	el2 := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	full2, req2, _ := fullAnswers(hosts)
	b.ReportMetric(float64(full2)/float64(full1), "nightly-full-ratio")
	b.Logf("second run: %d pages, %d not modified, %d new payloads in %v, %d requests, %d full answers",
		sum2.Pages, sum2.NotModified, sum2.NewPayloads, el2.Round(time.Millisecond), req2, full2)
	return pagesPerSec
}

// BenchmarkNational measures the crawl in the shapes of the national job,
// each against what bounds it, and each run twice for the nightly ratio:
//
//		go test -run '^$' -bench BenchmarkNational -benchtime=1x -timeout 1h ./crawler/
//
//	  - hosts: GONGKAI_BENCH_HOSTS fixture hosts (default 500), each a
//	    年报 column of about 30 pages, every answer 100 ms late, default
//	    flags (1 request/s per host): seconds against the politeness bound
//	    (the requests of one host, robots.txt included, at 1/s), peak RSS.
//	  - latency: 8 hosts of 44 pages, 100 ms late, rate off, one connection
//	    per host: this crawler, bare colly with 8 requests in flight, wget.
//	  - urls: GONGKAI_BENCH_URLS report URLs (default 6,000) on 8 hosts as a
//	    seed list, --max-depth 0, rate off: this crawler and bare colly.
//	  - span: GONGKAI_BENCH_SPAN portals (default 8) whose pages span two
//	    hosts: home, 年报 column and 30 report pages on www.*, 100 ms late;
//	    each report's PDF on the portal's file server, 300 ms late; rate
//	    off, one connection per host: seconds against the bound (the file
//	    server's answers one after another). Run once (no nightly).
//
// GONGKAI_BENCH_NIGHTLY=0 skips the second runs; GONGKAI_BENCH_NOEXTRACT=1
// turns extraction off in urls (fetch and archive alone).
func BenchmarkNational(b *testing.B) {
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(200)) // as `crawl` runs
	}
	b.Run("hosts", func(b *testing.B) {
		n := benchEnvInt("GONGKAI_BENCH_HOSTS", 500)
		hosts := benchHosts(b, n, 26, 100*time.Millisecond) // home, 信息公开, 2 list pages, 26 reports
		var list []seeds.Seed
		for i, h := range hosts {
			list = append(list, seeds.Seed{URL: h.srv.URL + "/", Agency: fmt.Sprintf("某县%d人民政府", i)})
		}
		per := hosts[0].bp.pages()
		for i := 0; i < b.N; i++ {
			cfg := DefaultConfig()
			cfg.AllowPrivate = true
			runTwice(b, cfg, hosts, list, n*per)
		}
	})
	b.Run("latency", func(b *testing.B) {
		hosts := benchHosts(b, 8, 40, 100*time.Millisecond)
		var list []seeds.Seed
		for _, h := range hosts {
			list = append(list, seeds.Seed{URL: h.srv.URL + "/"})
		}
		want := 8 * hosts[0].bp.pages()
		b.Run("gongkai", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				runTwice(b, Config{AllowPrivate: true, Rate: 0, MaxDepth: -1}, hosts, list, want)
			}
		})
		b.Run("colly-bare", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				collyBare(b, list, true, 8, want)
			}
		})
		b.Run("wget", func(b *testing.B) {
			wget, err := exec.LookPath("wget")
			if err != nil {
				b.Skip("wget not installed (apt-get install -y wget)")
			}
			for i := 0; i < b.N; i++ {
				dir := b.TempDir()
				args := []string{"--recursive", "--level=inf", "--no-verbose", "--directory-prefix", dir}
				for _, s := range list {
					args = append(args, s.URL)
				}
				start := time.Now()
				out, _ := exec.Command(wget, args...).CombinedOutput() // exits 8 on the 404s
				el := time.Since(start)
				files := savedFiles(dir)
				if files < want {
					b.Fatalf("wget saved %d pages, want %d: %s", files, want, out[max(0, len(out)-300):])
				}
				b.ReportMetric(float64(files)/el.Seconds(), "pages/s")
			}
		})
	})
	b.Run("span", func(b *testing.B) {
		n := benchEnvInt("GONGKAI_BENCH_SPAN", 8)
		const reports, wwwLate, fileLate = 30, 100 * time.Millisecond, 300 * time.Millisecond
		var list []seeds.Seed
		for i := 0; i < n; i++ {
			s := newSpanSite(b, reports, func(*http.Request) { time.Sleep(fileLate) })
			s.www.wrap(func(w http.ResponseWriter, r *http.Request, next http.HandlerFunc) {
				time.Sleep(wwwLate)
				next(w, r)
			})
			list = append(list, seeds.Seed{URL: s.seed, Agency: fmt.Sprintf("某市%d人民政府", i)})
		}
		// The file server answers its PDFs (all but the disallowed one)
		// one after another; the seed host's robots.txt, home, column and
		// reports take less.
		bound := max(time.Duration(reports-1)*fileLate, time.Duration(reports+3)*wwwLate)
		for i := 0; i < b.N; i++ {
			c, err := New(testStore(b), Config{AllowPrivate: true, Rate: 0, MaxDepth: -1})
			if err != nil {
				b.Fatal(err)
			}
			namedDial(c)
			start := time.Now()
			sum, err := c.Run(context.Background(), list)
			el := time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			if want := n * (2*reports + 2); sum.Pages != want {
				b.Fatalf("%d pages, want %d", sum.Pages, want)
			}
			b.ReportMetric(el.Seconds(), "seconds")
			b.ReportMetric(bound.Seconds(), "bound-seconds")
			b.ReportMetric(el.Seconds()/bound.Seconds(), "x-bound")
		}
	})
	b.Run("urls", func(b *testing.B) {
		per := benchEnvInt("GONGKAI_BENCH_URLS", 6000) / 8
		hosts := benchHosts(b, 8, per, 0)
		var list []seeds.Seed
		for i := 0; i < per; i++ {
			for _, h := range hosts {
				list = append(list, seeds.Seed{URL: fmt.Sprintf("%s/xxgk/ndbg/t%d.html", h.srv.URL, i)})
			}
		}
		b.Run("gongkai", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				cfg := Config{AllowPrivate: true, Rate: 0, MaxDepth: 0, NoExtract: os.Getenv("GONGKAI_BENCH_NOEXTRACT") == "1"}
				runTwice(b, cfg, hosts, list, len(list))
			}
		})
		b.Run("colly-bare", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				collyBare(b, list, false, 8, len(list))
			}
		})
	})
}

// reportWriter reports the archive writer's commits per page and
// operations per commit between w0 and w.
func reportWriter(b *testing.B, w, w0 archive.WriterStats, pages int) {
	commits, ops := w.Commits-w0.Commits, w.Ops-w0.Ops
	b.ReportMetric(float64(commits)/float64(max(pages, 1)), "commits/page")
	b.ReportMetric(float64(ops)/float64(max(commits, 1)), "ops/commit")
}

// collyBare fetches list with a bare colly collector that stores
// nothing, following links if follow: parallel requests in flight (the
// national fixtures: 8, one per host), or one at a time if parallel is 0.
func collyBare(b *testing.B, list []seeds.Seed, follow bool, parallel, want int) {
	var pages atomic.Int64
	col := colly.NewCollector(colly.Async(parallel > 0))
	if parallel > 0 {
		col.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: parallel})
	}
	col.OnResponse(func(*colly.Response) { pages.Add(1) })
	if follow {
		col.OnHTML("a[href]", func(e *colly.HTMLElement) { e.Request.Visit(e.Attr("href")) })
	}
	start, cpu0 := time.Now(), cpuTime()
	for _, s := range list {
		if err := col.Visit(s.URL); err != nil {
			b.Fatal(err)
		}
	}
	col.Wait()
	el, cpu := time.Since(start), cpuTime()-cpu0
	if int(pages.Load()) < want {
		b.Fatalf("colly fetched %d pages, want %d", pages.Load(), want)
	}
	b.ReportMetric(float64(pages.Load())/el.Seconds(), "pages/s")
	b.ReportMetric(cpu.Seconds()*1000/float64(pages.Load()), "cpu-ms/page")
}
