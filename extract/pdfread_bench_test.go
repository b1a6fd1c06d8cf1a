package extract

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gongkai/gongkai/extract/pdf"
	"github.com/gongkai/gongkai/internal/corpus"
)

// cpuTime is the user+system CPU time of this process: on a shared
// machine it does not grow with other jobs' work, unlike the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPDFReports extracts the two corpus PDF reports (five pages
// each) after the engine has started, and reports PDF reports per
// CPU-second (the target is 20 or more).
//
//	go test -run XXX -bench PDFReports -benchtime 200x ./extract
func BenchmarkPDFReports(b *testing.B) {
	pdfs, err := corpus.PDFs()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := pdf.Shared(); err != nil {
		b.Fatal(err)
	}
	// Warm: the first document of an instance pays for its start.
	for _, p := range pdfs {
		if _, err := Extract(context.Background(), Input{URL: "http://x.gov.cn/a.pdf", Body: p.Bytes}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		p := pdfs[i%len(pdfs)]
		rec, err := Extract(context.Background(), Input{URL: "http://x.gov.cn/a.pdf", Body: p.Bytes})
		if err != nil || rec.TablesSource != "pdf" {
			b.Fatalf("%v %q", err, rec.TablesSource)
		}
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "reports/cpu-s")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/report")
}

// bigPDF writes a PDF of n pages, each with one line of text and an
// uncompressed image of imgBytes (a scanned page's weight), so a 50 MB
// file is mostly images, as large real reports are.
func bigPDF(n, imgBytes int) []byte {
	var b bytes.Buffer
	var offs []int
	obj := func(body string, stream []byte) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s", len(offs), body)
		if stream != nil {
			fmt.Fprintf(&b, "\nstream\n")
			b.Write(stream)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
	}
	b.WriteString("%PDF-1.4\n")
	kids := make([]string, n)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", 4+3*i)
	}
	obj("<</Type/Catalog/Pages 2 0 R>>", nil)
	obj(fmt.Sprintf("<</Type/Pages/Kids[%s]/Count %d>>", strings.Join(kids, " "), n), nil)
	obj("<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>", nil)
	side := 1
	for side*side*3 < imgBytes {
		side++
	}
	img := bytes.Repeat([]byte{0x5a, 0xa5, 0x3c}, side*side)
	for i := 0; i < n; i++ {
		page := 4 + 3*i
		obj(fmt.Sprintf("<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents %d 0 R/Resources<</Font<</F1 3 0 R>>/XObject<</Im1 %d 0 R>>>>>>", page+1, page+2), nil)
		content := fmt.Sprintf("q 500 0 0 700 40 80 cm /Im1 Do Q BT /F1 12 Tf 40 800 Td (Page %d of the annual report 2023) Tj ET", i+1)
		obj(fmt.Sprintf("<</Length %d>>", len(content)), []byte(content))
		obj(fmt.Sprintf("<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceRGB/BitsPerComponent 8/Length %d>>", side, side, len(img)), img)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

// peakRSS is the process's peak resident memory (VmHWM) in MiB.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// TestPDFBigMemory extracts a 50 MB PDF (50 pages of images with a line of
// text each) and prints the process's peak memory before and after; it
// fails above 1 GiB. Its own process, so the peak is this file's:
//
//	GONGKAI_PDF_BIG=1 go test -count=1 -run TestPDFBigMemory -v ./extract
func TestPDFBigMemory(t *testing.T) {
	if os.Getenv("GONGKAI_PDF_BIG") == "" {
		t.Skip("set GONGKAI_PDF_BIG=1 to measure the memory a 50 MB PDF takes")
	}
	if _, err := pdf.Shared(); err != nil {
		t.Fatal(err)
	}
	body := bigPDF(50, 1<<20)
	before := peakRSS()
	t0, cpu0 := time.Now(), cpuTime()
	rec, err := Extract(context.Background(), Input{URL: "http://x.gov.cn/big.pdf", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	after := peakRSS()
	t.Logf("%.1f MB PDF: peak RSS %.0f MiB before, %.0f MiB after; %v wall, %v CPU; %d chars of text, warnings %q",
		float64(len(body))/1e6, before, after, time.Since(t0).Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond), len(rec.Text), rec.Warnings)
	// The fifty lines differ only in their page number, and the page
	// stage keeps repeated boilerplate out of the text: one is enough.
	if !strings.Contains(rec.Text, "of the annual report 2023") || hasWarningPrefix(rec.Warnings, WarnPDFUnreadable) {
		t.Errorf("text not read: %q, warnings %q", rec.Text, rec.Warnings)
	}
	if after > 1024 {
		t.Errorf("peak RSS %.0f MiB, over 1 GiB", after)
	}
}

// TestPDFEngines compares the two engines on the corpus PDFs through the
// whole extraction: cells exact against the truth, and CPU per report
// (after start-up). The figures go to BENCHMARKS.md:
//
//	go test -count=1 -run TestPDFEngines -v ./extract
func TestPDFEngines(t *testing.T) {
	pdfs, err := corpus.PDFs()
	if err != nil {
		t.Fatal(err)
	}
	pdfium, err := pdf.Shared()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct {
		name string
		eng  pdf.Engine
	}{{"pdfium", pdfium}, {"ledongthuc", pdf.Ledongthuc{}}} {
		for _, p := range pdfs {
			var rec *Record
			const runs = 5
			cpu0 := cpuTime()
			for i := 0; i < runs; i++ {
				rec = &Record{Kind: KindNotReport}
				if err := extractPDFWith(context.Background(), e.eng, nil, Input{URL: "http://www.hongze.gov.cn/" + p.Name, Body: p.Bytes}, rec); err != nil {
					t.Fatal(err)
				}
			}
			cpu := (cpuTime() - cpu0) / runs
			got := flatCells(rec.Tables)
			exact := 0
			for k, want := range p.Truth.Cells {
				if v, ok := got[k]; ok && v == want {
					exact++
				}
			}
			t.Logf("%-10s %s: %d/%d cells exact, %d extra, title ok %v, %.1f CPU-ms/report",
				e.name, p.Name, exact, len(p.Truth.Cells), len(got)-exact, rec.Title == p.Truth.Title, float64(cpu.Microseconds())/1000)
			if e.name == "pdfium" && exact != len(p.Truth.Cells) {
				t.Errorf("pdfium: %d of %d cells exact", exact, len(p.Truth.Cells))
			}
		}
	}
}
