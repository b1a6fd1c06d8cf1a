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
			page.Width, page.Height = mb.Index(2).Float64(), mb.Index(3).Float64()
		}
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
			page.Glyphs = append(page.Glyphs, Glyph{Rune: ru, X0: t.X, X1: t.X + w, Y0: page.Height - t.Y - t.FontSize*0.85, Y1: page.Height - t.Y + t.FontSize*0.15, Seq: seq})
		}
		doc.Pages = append(doc.Pages, page)
	}
	_ = AddRules(ctx, data, doc)
	return doc, nil
}
