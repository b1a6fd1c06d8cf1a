package tables

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// BenchmarkFromHTML reads the tables of a ~100 KB Word-exported report page
// (testdata/html/word_000.html) from an already parsed document.
func BenchmarkFromHTML(b *testing.B) {
	page, err := os.ReadFile(filepath.Join("testdata", "html", "word_000.html"))
	if err != nil {
		b.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(page)))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromHTML(doc.Selection); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAndFromHTML includes the HTML parse, for comparison.
func BenchmarkParseAndFromHTML(b *testing.B) {
	page, err := os.ReadFile(filepath.Join("testdata", "html", "word_000.html"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(page)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := FromHTML(doc.Selection); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFromText reads corpus 001 (paragraph layout).
func BenchmarkFromText(b *testing.B) {
	text, err := os.ReadFile(filepath.Join("testdata", "text", "001_804bc5c71be8d781.txt"))
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(string(text), "\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromText(lines); err != nil {
			b.Fatal(err)
		}
	}
}
