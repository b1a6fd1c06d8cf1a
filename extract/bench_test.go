package extract_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/extract/charset"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// benchPage is a ~100 KB GBK report page: corpus 001 in the official grid
// layout with portal chrome, padded with the furniture real portals carry
// (inline scripts, a long site map in the footer) to the size of a real page.
func benchPage(b *testing.B) extract.Input {
	b.Helper()
	r, err := corpus.ReportByID("001")
	if err != nil {
		b.Fatal(err)
	}
	p, err := fixture.Render(r, fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaInline, Encoding: fixture.EncGBK, Chrome: true})
	if err != nil {
		b.Fatal(err)
	}
	var pad strings.Builder
	pad.WriteString("<script>var _config = {")
	for i := 0; pad.Len() < 30000; i++ {
		fmt.Fprintf(&pad, "item%d: 'value-%d', ", i, i)
	}
	pad.WriteString("};</script>\n<div class=\"sitemap\"><ul>")
	for i := 0; pad.Len() < 100000-len(p.Body); i++ {
		fmt.Fprintf(&pad, "<li><a href=\"/col/col%d/index.html\">column %d</a></li>", i, i)
	}
	pad.WriteString("</ul></div>\n")
	body := bytes.Replace(p.Body, []byte("</body>"), append([]byte(pad.String()), []byte("</body>")...), 1)
	return extract.Input{URL: "http://www.zjhy.gov.cn/xxgk/ndbg/001.html", Body: body, ContentType: p.ContentType}
}

// BenchmarkExtract is the whole extraction of one page, charset included.
// go test -bench=Extract -benchmem -cpu=1 ./extract
func BenchmarkExtract(b *testing.B) {
	in := benchPage(b)
	rec, err := extract.Extract(context.Background(), in)
	if err != nil || rec.Kind != extract.KindReport {
		b.Fatalf("bench page does not extract as a report: %v", err)
	}
	b.SetBytes(int64(len(in.Body)))
	b.ReportAllocs()
	cpu0 := extract.CPUTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := extract.Extract(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
	// On a shared machine wall time counts other processes' work too; the
	// process CPU time (GC included) is what one core spends per report.
	if cpu := extract.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "reports/cpu-s")
	}
}

// BenchmarkDecodeParseFloor is the part of BenchmarkExtract that is not
// extraction's own: the charset stage and the HTML tree builder on the same
// page. Extract can never be faster than this.
func BenchmarkDecodeParseFloor(b *testing.B) {
	in := benchPage(b)
	b.SetBytes(int64(len(in.Body)))
	b.ReportAllocs()
	cpu0 := extract.CPUTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := charset.Decode(in.Body, in.ContentType, "")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := html.Parse(strings.NewReader(res.Text)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if cpu := extract.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "pages/cpu-s")
	}
}

// smallPages are the pages the crawler benchmark serves (crawler/bench_test.go):
// every corpus and synthetic report rendered with portal chrome in the
// default layout, every other one in GBK, ~11 KB each, on a loopback host.
func smallPages(b testing.TB) []extract.Input {
	b.Helper()
	reps, err := corpus.Reports()
	if err != nil {
		b.Fatal(err)
	}
	var out []extract.Input
	for i, r := range reps {
		o := fixture.Options{Chrome: true}
		if i%2 == 1 {
			o.Encoding = fixture.EncGBK
		}
		p, err := fixture.Render(r, o)
		if err != nil {
			continue // as the crawler benchmark does: a report GBK cannot encode is left out
		}
		out = append(out, extract.Input{URL: fmt.Sprintf("http://127.0.0.1:8080/xxgk/ndbg/t%d.html", i), Body: p.Body, ContentType: p.ContentType})
	}
	if len(out) == 0 {
		b.Fatal("no pages rendered")
	}
	return out
}

// BenchmarkExtractSmall is the whole extraction of the crawler benchmark's
// small report pages, one op per page, taken in turn; in /decoded the page
// comes with the caller's charset.Decode (Input.Decoded), as the crawler
// hands over the GBK pages it decoded to read their links.
// go test -run '^$' -bench=ExtractSmall -benchmem -cpu=1 ./extract
func BenchmarkExtractSmall(b *testing.B) {
	b.Run("bytes", func(b *testing.B) { benchSmall(b, smallPages(b)) })
	b.Run("decoded", func(b *testing.B) {
		pages := smallPages(b)
		for i := range pages {
			if strings.Contains(pages[i].ContentType, "utf-8") {
				continue // the crawler decodes only the pages that are not UTF-8
			}
			res, err := charset.Decode(pages[i].Body, pages[i].ContentType, "")
			if err != nil {
				b.Fatal(err)
			}
			pages[i].Decoded = &res
		}
		benchSmall(b, pages)
	})
}

func benchSmall(b *testing.B, pages []extract.Input) {
	size := 0
	for _, in := range pages {
		rec, err := extract.Extract(context.Background(), in)
		if err != nil || rec.Kind == extract.KindNotReport {
			b.Fatalf("%s does not extract as a report or copy: %v", in.URL, err)
		}
		size += len(in.Body)
	}
	b.SetBytes(int64(size / len(pages)))
	b.ReportAllocs()
	cpu0 := extract.CPUTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := extract.Extract(context.Background(), pages[i%len(pages)]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
	if cpu := extract.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "reports/cpu-s")
	}
}
