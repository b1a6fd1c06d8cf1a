package archive

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/corpus"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Benchmarks of sustained capture throughput (figures in BENCHMARKS.md):
//
//	go test ./archive -run '^$' -bench 'AddCapture|Frontier' -benchtime 3000x
//
// With GONGKAI_BENCH_DIR=/dev/shm the file lives in memory and fsync is
// free: the figure is then the store's own CPU ceiling.
//
// Pages are ~100 KB government-portal HTML built from the real report texts
// of internal/corpus: navigation, sidebar article lists, the report text
// with a table of random figures, scripts and footer, each page different
// throughout (not one block repeated), so zstd sees realistic input. Every
// capture's body is distinct (a unique number is stamped into the page),
// so dedup cannot help, except in the "unchanged90" variant, which models
// a nightly crawl: 90% of captures re-fetch a page already stored.

const benchPageSize = 100 << 10

var benchColumns = []string{"首页", "政务公开", "政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报",
	"机构职能", "政策文件", "规划计划", "财政预决算", "重点领域信息公开", "人事信息", "应急管理", "建议提案办理", "政务服务", "互动交流"}

// benchPages builds n distinct pages of about benchPageSize bytes.
func benchPages(tb testing.TB, n int, gbk bool) [][]byte {
	texts, err := corpus.Texts()
	if err != nil {
		tb.Fatal(err)
	}
	var lines []string
	for _, t := range texts {
		for _, l := range strings.Split(t.Body, "\n") {
			if l = strings.TrimSpace(l); len(l) > 6 {
				lines = append(lines, l)
			}
		}
	}
	pages := make([][]byte, n)
	for i := range pages {
		r := rand.New(rand.NewPCG(uint64(i), 7))
		var b strings.Builder
		charset := "utf-8"
		if gbk {
			charset = "gb2312"
		}
		fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">"+
			"<title>%s</title><link rel=\"stylesheet\" href=\"/css/main.css?v=%d\"><!--PAGEID:%012d--></head>\n<body><div class=\"header\"><ul class=\"nav\">",
			charset, lines[r.IntN(len(lines))], r.IntN(1e6), i)
		for _, c := range benchColumns {
			fmt.Fprintf(&b, "<li class=\"nav-item\"><a href=\"/col/col%d/index.html\" target=\"_blank\">%s</a></li>\n", 1000+r.IntN(9000), c)
		}
		b.WriteString("</ul></div>\n<div class=\"main\"><div class=\"article\">")
		text := texts[i%len(texts)].Body
		for _, para := range strings.Split(text, "\n") {
			fmt.Fprintf(&b, "<p style=\"text-indent:2em;line-height:28px;font-size:16px\">%s</p>\n", para)
		}
		b.WriteString("<table class=\"MsoNormalTable\" border=\"1\" cellspacing=\"0\">")
		for row := 0; row < 30; row++ {
			fmt.Fprintf(&b, "<tr><td width=\"180\"><p align=\"center\"><span style=\"font-family:宋体\">%s</span></p></td>", benchColumns[row%len(benchColumns)])
			for col := 0; col < 7; col++ {
				fmt.Fprintf(&b, "<td width=\"60\"><p align=\"center\"><span>%d</span></p></td>", r.IntN(3000))
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table></div>\n<div class=\"sidebar\"><h3>相关文章</h3><ul>")
		for b.Len() < benchPageSize-600 {
			l := lines[r.IntN(len(lines))]
			fmt.Fprintf(&b, "<li><a href=\"/art/%d/%d/%d/art_%d_%d.html\" title=\"%s\">%s</a><span class=\"date\">%d-%02d-%02d</span></li>\n",
				2015+r.IntN(11), 1+r.IntN(12), 1+r.IntN(28), 1000+r.IntN(9000), r.IntN(1e7), l, l, 2015+r.IntN(11), 1+r.IntN(12), 1+r.IntN(28))
		}
		fmt.Fprintf(&b, "</ul></div></div>\n<div class=\"footer\">主办单位：%s 网站标识码：%d 浙ICP备%08d号</div>"+
			"<script>var _hmt=_hmt||[];(function(){var hm=document.createElement(\"script\");hm.src=\"/stat.js?%x\";})();</script></body></html>\n",
			benchColumns[r.IntN(len(benchColumns))], r.IntN(1e10), r.IntN(1e8), r.Uint64())
		page := []byte(b.String())
		if gbk {
			enc, err := encoding.ReplaceUnsupported(simplifiedchinese.GBK.NewEncoder()).Bytes(page)
			if err != nil {
				tb.Fatal(err)
			}
			page = enc
		}
		pages[i] = page
	}
	return pages
}

// benchDir is where benchmark archives go: $GONGKAI_BENCH_DIR if set
// (e.g. /dev/shm, to take the disk out of the figure), else a temp dir.
func benchDir(b *testing.B) string {
	if d := os.Getenv("GONGKAI_BENCH_DIR"); d != "" {
		dir, err := os.MkdirTemp(d, "archive-bench-")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	return b.TempDir()
}

// cpuTime is the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// stamp makes body unique by writing n into its PAGEID comment.
func stamp(body []byte, n uint64) []byte {
	out := append([]byte(nil), body...)
	i := strings.Index(string(out[:400]), "<!--PAGEID:")
	copy(out[i+11:i+23], fmt.Sprintf("%012d", n%1e12))
	return out
}

// benchCaptures: gather and release < 0 keep the writer's defaults.
func benchCaptures(b *testing.B, level int, gbk bool, unchangedPct, writers int, gather time.Duration, release int64) {
	pages := benchPages(b, 64, gbk)
	path := filepath.Join(benchDir(b), "bench.db")
	wcfg := defaultWriterConfig()
	if gather >= 0 {
		wcfg.gather = gather
	}
	if release >= 0 {
		wcfg.releaseEvery = release
	}
	s, err := openWith(path, &Options{CompressionLevel: level}, wcfg)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	// A nightly crawl re-fetches pages the archive already has.
	const known = 256
	if unchangedPct > 0 {
		for i := 0; i < known; i++ {
			if _, err := s.AddCapture(ctx, Capture{URL: fmt.Sprintf("http://www.gov%d.gov.cn/art/%d.html", i%50, i), Status: 200}, stamp(pages[i%len(pages)], uint64(i))); err != nil {
				b.Fatal(err)
			}
		}
	}
	var seq atomic.Uint64
	seq.Store(known)
	var bytesIn atomic.Int64
	b.SetParallelism(max(1, writers/runtime.GOMAXPROCS(0))) // 8 writers = 4 × GOMAXPROCS(2)
	c0, o0 := s.wstat.commits.Load(), s.wstat.ops.Load()
	tx0 := s.db.Stats().TxStats
	cpu0 := cpuTime()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			var u string
			var body []byte
			if int(n%100) < unchangedPct {
				k := n % known
				u = fmt.Sprintf("http://www.gov%d.gov.cn/art/%d.html", k%50, k)
				body = stamp(pages[k%uint64(len(pages))], k)
			} else {
				u = fmt.Sprintf("http://www.gov%d.gov.cn/art/%d.html", n%50, n)
				body = stamp(pages[n%uint64(len(pages))], n)
			}
			bytesIn.Add(int64(len(body)))
			c := Capture{URL: u, Status: 200, Proto: "HTTP/1.1", FetchedAt: time.Now(),
				Header: map[string][]string{"Content-Type": {"text/html"}, "Etag": {fmt.Sprintf(`"%x"`, n)}}}
			if _, err := s.AddCapture(ctx, c, body); err != nil {
				b.Error(err)
				return
			}
		}
	})
	el := time.Since(start)
	b.StopTimer()
	cpu := cpuTime() - cpu0
	commits, ops := s.wstat.commits.Load()-c0, s.wstat.ops.Load()-o0
	b.ReportMetric(float64(b.N)/el.Seconds(), "captures/s")
	// CPU per capture does not depend on other load on the machine: with
	// 2 idle cores the CPU ceiling is 2 s / cpu-µs/capture.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/capture")
	if commits > 0 {
		b.ReportMetric(float64(ops)/float64(commits), "captures/commit")
		b.ReportMetric(float64(el.Microseconds())/float64(commits), "µs/commit")
		// Of which bbolt spent writing pages and fdatasync-ing them.
		tx1 := s.db.Stats().TxStats
		b.ReportMetric(float64((tx1.GetWriteTime()-tx0.GetWriteTime()).Microseconds())/float64(commits), "write+sync-µs/commit")
		b.ReportMetric(float64(tx1.GetWrite()-tx0.GetWrite())/float64(commits), "pwrites/commit")
		b.ReportMetric(float64(tx1.GetPageCount()-tx0.GetPageCount())/float64(commits), "pages/commit")
	}
	b.ReportMetric(float64(bytesIn.Load())/float64(b.N)/1024, "KB/page")
	st, err := s.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if st.RawBytes > 0 {
		b.ReportMetric(float64(st.StoredBytes)/float64(st.RawBytes), "stored/raw")
	}
	b.ReportMetric(float64(st.FileBytes)/float64(st.Captures)/1024, "fileKB/capture")
	b.ReportMetric(float64(s.mrel.releases.Load()), "releases")
}

func BenchmarkAddCapture(b *testing.B) {
	for _, bc := range []struct {
		name      string
		level     int
		gbk       bool
		unchanged int
		writers   int
	}{
		{"distinct/utf8/fastest/w8", 1, false, 0, 8},
		{"distinct/gbk/fastest/w8", 1, true, 0, 8},
		{"distinct/utf8/default/w8", 2, false, 0, 8},
		{"distinct/utf8/better/w8", 3, false, 0, 8},
		{"unchanged90/utf8/fastest/w8", 1, false, 90, 8},
		// More writers than 8 show what group commit does when fsync,
		// not the store, is the limit: each commit carries more captures.
		{"distinct/utf8/fastest/w32", 1, false, 0, 32},
		{"unchanged90/utf8/fastest/w32", 1, false, 90, 32},
	} {
		b.Run(bc.name, func(b *testing.B) { benchCaptures(b, bc.level, bc.gbk, bc.unchanged, bc.writers, -1, -1) })
	}
}

// BenchmarkGather compares the writer's gather window (see writerConfig).
func BenchmarkGather(b *testing.B) {
	for _, g := range []time.Duration{0, time.Millisecond, 2 * time.Millisecond} {
		for _, unchanged := range []int{0, 90} {
			b.Run(fmt.Sprintf("unchanged%d/gather=%s", unchanged, g), func(b *testing.B) { benchCaptures(b, 1, false, unchanged, 8, g, -1) })
		}
	}
}

// BenchmarkRelease compares releasing the file mapping (see mapped.go)
// never, every 64 MB, every 16 MB (the default) and every 4 MB of pages written.
func BenchmarkRelease(b *testing.B) {
	for _, every := range []int64{0, 64 << 20, defaultReleaseEvery, 4 << 20} {
		b.Run(fmt.Sprintf("distinct/w32/every=%dMB", every>>20), func(b *testing.B) { benchCaptures(b, 1, false, 0, 32, -1, every) })
	}
}

// benchStore opens a new archive named name in benchDir, closed when the
// benchmark ends.
func benchStore(b *testing.B, name string) *Store {
	s, err := Open(filepath.Join(benchDir(b), name), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkFrontier: 8 crawler goroutines each push the 5 links found on
// a page, pop one item and mark it done; one op is push+pop+done.
func BenchmarkFrontier(b *testing.B) {
	s := benchStore(b, "frontier.db")
	ctx := context.Background()
	f := s.Frontier("bench")
	var seq atomic.Uint64
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			items := make([]FrontierItem, 5)
			for i := range items {
				items[i] = FrontierItem{Key: fmt.Sprintf("http://h%d.gov.cn/art/%d_%d.html", n%50, n, i), Host: fmt.Sprintf("h%d.gov.cn", n%50), Priority: float64(i % 2)}
			}
			if err := f.Push(ctx, items...); err != nil {
				b.Error(err)
				return
			}
			got, err := f.Pop(ctx, 1)
			if err != nil || len(got) != 1 {
				b.Error(err)
				return
			}
			if err := f.Done(ctx, got[0].Key); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(3*b.N)/time.Since(start).Seconds(), "frontier-ops/s")
}

// BenchmarkSeedFrontier: the frontier of a one-page seed (a URL list's
// seed), from Begin to Reset, 64 seeds at once; reports CPU per seed
// (the whole process: the writer and the callers).
func BenchmarkSeedFrontier(b *testing.B) {
	s := benchStore(b, "seeds.db")
	ctx := context.Background()
	var seq atomic.Uint64
	b.SetParallelism(32)
	cpu0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			u := fmt.Sprintf("http://h%d.gov.cn/xxgk/ndbg/t%d.html", seq.Load()%8, seq.Add(1))
			f := s.Frontier("seed " + u)
			if _, err := f.Begin(ctx, FrontierItem{Key: u, Host: "h.gov.cn", Priority: 1000}); err != nil {
				b.Error(err)
				return
			}
			got, _, err := f.PopDrained(ctx, 16)
			if err != nil || len(got) != 1 {
				b.Error(got, err)
				return
			}
			if err := f.Done(ctx, u); err != nil {
				b.Error(err)
				return
			}
			if err := f.Reset(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/seed")
}
