package pdf

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	lpdf "github.com/ledongthuc/pdf"
)

// Ledongthuc is the pure-Go engine github.com/ledongthuc/pdf. It starts at
// once but reads vertically set CJK text (Identity-V fonts) as garbage and
// gives no glyph widths, so production uses PDFium; it is kept for the
// comparison in BENCHMARKS.md (TestEngineAgreement, BenchmarkEngines).
type Ledongthuc struct{}

// Close implements Engine.
func (Ledongthuc) Close() error { return nil }

// Read implements Engine.
func (Ledongthuc) Read(ctx context.Context, data []byte, lim Limits) (doc *Document, err error) {
	defer func() {
		if p := recover(); p != nil { // the library panics on some malformed files
			doc, err = nil, fmt.Errorf("%w: ledongthuc: %v", ErrUnreadable, p)
		}
	}()
	r, err := lpdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if strings.Contains(err.Error(), "encrypt") || strings.Contains(err.Error(), "password") {
			return nil, ErrEncrypted
		}
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	doc = &Document{PageCount: r.NumPage()}
	n := min(doc.PageCount, lim.maxPages())
	for i := 1; i <= n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("pdf: page %d: %w", i, err)
		}
		pg := r.Page(i)
		page := Page{Number: i}
		if mb := pg.V.Key("MediaBox"); mb.Len() == 4 {
			x0, y0, x1, y1 := mb.Index(0).Float64(), mb.Index(1).Float64(), mb.Index(2).Float64(), mb.Index(3).Float64()
			page.Width, page.Height = x1-x0, y1-y0
			page.user = matrix{1, 0, 0, -1, -x0, y1} // no /Rotate: this engine is for comparison only
		}
		m := page.userMatrix()
		for seq, t := range pg.Content().Text {
			ru, _ := utf8.DecodeRuneInString(t.S)
			if !isLayoutRune(ru) || utf8.RuneCountInString(t.S) != 1 {
				continue
			}
			// x, y is the baseline origin; no width is given: the glyph box
			// is taken as one em wide and tall, the usual CJK advance.
			w := t.FontSize
			if ru < 0x2E80 {
				w = t.FontSize / 2
			}
			g := Glyph{Rune: ru, Seq: seq}
			g.X0, g.Y0, g.X1, g.Y1 = m.box(t.X, t.Y-t.FontSize*0.15, t.X+w, t.Y+t.FontSize*0.85)
			page.Glyphs = append(page.Glyphs, g)
		}
		doc.Pages = append(doc.Pages, page)
	}
	_ = AddRules(ctx, data, doc)
	return doc, nil
}
