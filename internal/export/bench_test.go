package export

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
	"github.com/gongkai/gongkai/internal/corpus"
	"github.com/gongkai/gongkai/internal/fixture"
)

// benchArchive writes n report versions (distinct ~30 KB GBK pages, each
// captured twice, with the parsed record of a real corpus report) into a
// real archive file and reopens it read-only.
func benchArchive(b *testing.B, n int) *archive.Store {
	b.Helper()
	rep, err := corpus.ReportByID("001")
	if err != nil {
		b.Fatal(err)
	}
	page, err := fixture.Render(rep, fixture.Options{Style: fixture.StyleGrid, Meta: fixture.MetaTable, Encoding: fixture.EncGBK, Chrome: true})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	rec, err := extract.Extract(ctx, extract.Input{URL: "http://www.zjhy.gov.cn/a.html", Body: page.Body, ContentType: page.ContentType})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "bench.db")
	s, err := archive.Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	hdr := http.Header{"Content-Type": {page.ContentType}}
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		u := fmt.Sprintf("http://www%d.zjhy.gov.cn/art/2021/1/25/art_%d.html", i%50, i)
		body := append(append([]byte(nil), page.Body...), fmt.Sprintf("<!-- %d -->", i)...)
		var added archive.Added
		for k := range 2 {
			added, err = s.AddCapture(ctx, archive.Capture{URL: u, FinalURL: u, Seed: "http://www.zjhy.gov.cn/", FetchedAt: t.Add(time.Duration(2*i+k) * time.Second),
				Status: 200, Proto: "HTTP/1.1", Header: hdr}, body)
			if err != nil {
				b.Fatal(err)
			}
		}
		r := *rec
		r.URL, r.SHA256 = u, added.Capture.Digest
		js, err := json.Marshal(&r)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.PutParsed(ctx, archive.Parsed{Digest: r.SHA256, ParserVersion: extract.ParserVersion, URL: u, Kind: r.Kind,
			Agency: r.Agency, Year: r.Year, Template: r.Template, JSON: js}); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	s, err = archive.Open(path, &archive.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// heapPeak samples the live heap while an export runs.
type heapPeak struct{ max uint64 }

func (h *heapPeak) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h.max = max(h.max, m.HeapAlloc)
}

// BenchmarkExport measures each format on archives of two sizes; peak-heap-MB
// staying flat from 500 to 4000 versions is the constant-memory claim.
func BenchmarkExport(b *testing.B) {
	for _, n := range []int{500, 4000} {
		s := benchArchive(b, n)
		formats := []struct {
			name string
			run  func(w io.Writer, h *heapPeak) error
		}{
			{"jsonl", func(w io.Writer, h *heapPeak) error {
				_, err := JSONL(context.Background(), s, w, Filter{}, func(Counts) { h.sample() })
				return err
			}},
			{"csv", func(w io.Writer, h *heapPeak) error {
				_, err := CSV(context.Background(), s, w, Filter{}, func(Counts) { h.sample() })
				return err
			}},
			{"warc", func(w io.Writer, h *heapPeak) error {
				_, err := WARC(context.Background(), s, w, WARCOptions{Filename: "b.warc.gz", CDX: io.Discard}, func(WARCCounts) { h.sample() })
				return err
			}},
			{"wacz", func(w io.Writer, h *heapPeak) error {
				_, err := WACZ(context.Background(), s, w, WACZOptions{TempDir: b.TempDir()}, func(WARCCounts) { h.sample() })
				return err
			}},
			{"panel", func(w io.Writer, h *heapPeak) error {
				_, err := Panel(context.Background(), s, w, Filter{}, func(PanelCounts) { h.sample() })
				return err
			}},
		}
		for _, f := range formats {
			b.Run(fmt.Sprintf("%s/versions=%d", f.name, n), func(b *testing.B) {
				var h heapPeak
				cw := &countingWriter{w: io.Discard}
				runtime.GC()
				for b.Loop() {
					if err := f.run(cw, &h); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "versions/s")
				b.ReportMetric(float64(cw.n)/float64(b.N)/1e6, "MB-out/op")
				b.ReportMetric(float64(h.max)/1e6, "peak-heap-MB")
			})
		}
	}
}
