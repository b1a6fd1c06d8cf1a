package pdf

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	lpdf "github.com/ledongthuc/pdf"
)

// FuzzLayout feeds arbitrary glyph positions to the layout and the table
// rebuilding (no engine: fast). Every 11 bytes are one glyph.
func FuzzLayout(f *testing.F) {
	f.Add([]byte("\x00\x10\x00\x10\x00\x20\x00\x31\x00\x01\x00\x00\x10\x00\x10\x00\x40\x00\x31\x00\x01\x00"))
	// A table row as glyphs: a label and three figures. (No engine here:
	// every fuzz worker would start PDFium.)
	f.Add(encodeGlyphs([]Glyph{
		{Rune: '规', X0: 80, Y0: 100, X1: 90, Y1: 110, Seq: 1}, {Rune: '章', X0: 90, Y0: 100, X1: 100, Y1: 110, Seq: 2},
		{Rune: '1', X0: 300, Y0: 100, X1: 305, Y1: 110, Seq: 3}, {Rune: '0', X0: 306, Y0: 100, X1: 311, Y1: 110, Seq: 4},
		{Rune: '0', X0: 350, Y0: 100, X1: 355, Y1: 110, Seq: 5}, {Rune: '5', X0: 400, Y0: 100, X1: 405, Y1: 110, Seq: 6},
	}, 100))
	runes := []rune("0123456789一二三四、（）.规章行政许可总计其他处理自然人结果维持本年度办理")
	f.Fuzz(func(t *testing.T, b []byte) {
		var gs []Glyph
		for i := 0; i+11 <= len(b) && len(gs) < 2000; i += 11 {
			u := func(k int) float64 { return float64(binary.BigEndian.Uint16(b[i+k:])) / 64 }
			g := Glyph{Rune: runes[int(b[i+8])%len(runes)], X0: u(0), Y0: u(2), Seq: int(b[i+10])}
			g.X1, g.Y1 = g.X0+float64(b[i+9]%16), g.Y0+u(4)/64+float64(b[i+6]%12)
			gs = append(gs, g)
		}
		doc := &Document{PageCount: 1, Pages: []Page{{Number: 1, Width: 600, Height: 850, Glyphs: gs}}}
		_ = HTML(doc)
	})
}

func encodeGlyphs(gs []Glyph, n int) []byte {
	var out []byte
	for i, g := range gs {
		if i == n {
			break
		}
		var b [11]byte
		binary.BigEndian.PutUint16(b[0:], uint16(g.X0*64))
		binary.BigEndian.PutUint16(b[2:], uint16(g.Y0*64))
		binary.BigEndian.PutUint16(b[4:], uint16((g.Y1-g.Y0)*64*64))
		b[8], b[9], b[10] = byte(g.Rune), byte(g.X1-g.X0), byte(g.Seq)
		out = append(out, b[:]...)
	}
	return out
}

// FuzzRead feeds mutated PDFs to PDFium and the layout: any input gives a
// document or an error within the time limit, never a panic or a hang.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("../testdata/pdf/*.pdf")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>>>endobj 4 0 obj<</Length 44>>stream\nBT /F1 12 Tf 20 100 Td (Total 12 5) Tj ET\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF"))
	e := testEngine(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		doc, err := e.Read(ctx, b, Limits{MaxPages: 20})
		if err != nil {
			return
		}
		if len(doc.Pages) > 20 {
			t.Fatalf("%d pages read, cap 20", len(doc.Pages))
		}
		_ = HTML(doc)
	})
}

// FuzzRules feeds arbitrary content streams to the path scanner and the
// rules it keeps to the ruled-table stage, with a few glyphs on the page:
// any stream ends within the operator cap, never a panic or a hang.
func FuzzRules(f *testing.F) {
	f.Add([]byte("0 0 0 RG q 0.5 w 84.35 709.24 m 500.15 709.24 l S Q q 0.5 w 84.6 709.49 m 84.6 413.09 l S Q"))
	f.Add([]byte(".24 0 0 -.24 0 842 cm q 3.125 0 0 3.125 0 0 cm 8 971 208 1 re f 8 971 1 26 re f 216 971 1 26 re f 8 997 208 1 re f Q"))
	f.Add([]byte("q 1 0 0 -1 0 842 cm 0.96 w 230.8 80.1 m 517.6 80.1 l S 0.8 g 74.3 79.6 444.2 27 re f* Q"))
	f.Add([]byte("BI /W 1 /H 1 ID \x00EI q ((nested) \\) string) <41> [1 2] << /A 1 >> % comment\n 1 2 3 4 re S /Im0 Do"))
	f.Add([]byte("100 100 m 300 100 l 300 200 l 100 200 l h 200 100 m 200 200 l 100 150 m 300 150 l S"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := newPathScanner(&Page{Width: 595, Height: 842})
		s.scan(b, lpdf.Value{}, 0)
		if s.ops > maxPathOps || len(s.rules) > maxPageRules {
			t.Fatalf("%d operators, %d rules: past the caps", s.ops, len(s.rules))
		}
		var gs []Glyph
		for i, r := range "规章12总计3" {
			x, y := 110+float64(i%4)*90, 110+float64(i/4)*40
			gs = append(gs, Glyph{Rune: r, X0: x, Y0: y, X1: x + 8, Y1: y + 10, Seq: i})
		}
		p := Page{Number: 1, Width: 595, Height: 842, Glyphs: gs, Rules: s.rules}
		_ = HTML(&Document{PageCount: 2, Pages: []Page{p, {Number: 2, Width: 595, Height: 842, Glyphs: gs, Rules: s.rules}}})
	})
}
