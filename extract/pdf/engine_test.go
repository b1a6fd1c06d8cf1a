package pdf

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/gongkai/gongkai/internal/corpus"
)

// testEngine is the shared PDFium engine: started once per test binary.
func testEngine(t testing.TB) Engine {
	t.Helper()
	e, err := Shared()
	if err != nil {
		t.Fatalf("start pdfium: %v", err)
	}
	return e
}

var corpusOnce = sync.OnceValues(corpus.PDFs)

func corpusPDFs(t testing.TB) []corpus.PDF {
	t.Helper()
	pdfs, err := corpusOnce()
	if err != nil {
		t.Fatal(err)
	}
	if len(pdfs) < 2 {
		t.Fatalf("corpus has %d PDFs, want 2", len(pdfs))
	}
	return pdfs
}

// pageText is the glyphs of a page in stream order, as one string.
func pageText(p Page) string {
	var b strings.Builder
	for _, g := range p.Glyphs {
		b.WriteRune(g.Rune)
	}
	return b.String()
}

func TestPDFiumReadsCorpus(t *testing.T) {
	e := testEngine(t)
	for _, p := range corpusPDFs(t) {
		doc, err := e.Read(context.Background(), p.Bytes, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if doc.PageCount != 5 || len(doc.Pages) != 5 || doc.Truncated() || doc.Scanned() {
			t.Errorf("%s: %d pages of %d, scanned %v", p.Name, len(doc.Pages), doc.PageCount, doc.Scanned())
		}
		var all strings.Builder
		for _, pg := range doc.Pages {
			if pg.Width < 500 || pg.Width > 700 || pg.Height < 800 || pg.Height > 900 {
				t.Errorf("%s p%d: size %.0fx%.0f, want A4", p.Name, pg.Number, pg.Width, pg.Height)
			}
			for _, g := range pg.Glyphs {
				if g.X0 < 0 || g.X1 > pg.Width || g.Y0 < 0 || g.Y1 > pg.Height || g.X0 > g.X1 || g.Y0 > g.Y1 {
					t.Fatalf("%s p%d: glyph %q box %+v outside the page", p.Name, pg.Number, g.Rune, g)
				}
			}
			all.WriteString(pageText(pg))
		}
		text := all.String()
		// The vertical group label is read in order, top to bottom.
		for _, want := range []string{"三、本年度办理结果", "本年收费金额", "结转下年度继续办理"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: text lacks %q", p.Name, want)
			}
		}
	}
}

func TestPDFiumPageCap(t *testing.T) {
	e := testEngine(t)
	p := corpusPDFs(t)[0]
	doc, err := e.Read(context.Background(), p.Bytes, Limits{MaxPages: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Pages) != 2 || doc.PageCount != 5 || !doc.Truncated() {
		t.Errorf("read %d of %d pages, truncated %v; want 2 of 5", len(doc.Pages), doc.PageCount, doc.Truncated())
	}
}

func TestPDFiumCancelled(t *testing.T) {
	e := testEngine(t)
	p := corpusPDFs(t)[0]
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Read(ctx, p.Bytes, Limits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read: err %v, want context.Canceled", err)
	}
	// The engine still works after an interrupted read.
	if _, err := e.Read(context.Background(), p.Bytes, Limits{}); err != nil {
		t.Errorf("read after a cancelled one: %v", err)
	}
}

func TestPDFiumNotPDF(t *testing.T) {
	e := testEngine(t)
	for _, in := range [][]byte{nil, []byte("%PDF-1.4\n"), []byte("<html>not a pdf</html>")} {
		if _, err := e.Read(context.Background(), in, Limits{}); !errors.Is(err, ErrUnreadable) {
			t.Errorf("%q: err %v, want ErrUnreadable", in, err)
		}
	}
}

// TestEngineAgreement compares the two engines glyph for glyph on the
// corpus: they agree except on the vertically set label, which ledongthuc
// reads as garbage (the reason PDFium is the engine).
func TestEngineAgreement(t *testing.T) {
	e := testEngine(t)
	for _, p := range corpusPDFs(t) {
		a, err := e.Read(context.Background(), p.Bytes, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Ledongthuc{}.Read(context.Background(), p.Bytes, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		same, total := 0, 0
		var ta, tb strings.Builder
		for i := range a.Pages {
			ta.WriteString(pageText(a.Pages[i]))
			tb.WriteString(pageText(b.Pages[i]))
		}
		ra, rb := []rune(ta.String()), []rune(tb.String())
		total = len(ra)
		for i := 0; i < len(ra) && i < len(rb) && ra[i] == rb[i]; i++ {
			same++
		}
		t.Logf("%s: pdfium %d glyphs, ledongthuc %d; first difference at %d", p.Name, len(ra), len(rb), same)
		if same == total {
			t.Errorf("%s: ledongthuc read the vertical label right; revisit the engine choice", p.Name)
		}
		if !strings.Contains(ta.String(), "三、本年度办理结果") || strings.Contains(tb.String(), "三、本年度办理结果") {
			t.Errorf("%s: vertical label: pdfium %v, ledongthuc %v", p.Name,
				strings.Contains(ta.String(), "三、本年度办理结果"), strings.Contains(tb.String(), "三、本年度办理结果"))
		}
	}
}
