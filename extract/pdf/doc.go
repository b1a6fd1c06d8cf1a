// Package pdf reads the text layer of a PDF report: every glyph with its
// position on its page, the ruling lines drawn on it (rules.go), the
// document information dictionary, and a layout of lines and tables:
// tables drawn with borders get their cells from the borders (ruled.go),
// the others are rebuilt from glyph positions (layout.go, grid.go). The
// result is a plain HTML page, so that a PDF report is read by the same
// table and metadata stages as a web page or a DOCX attachment.
//
// The glyphs come from an Engine. The one used in production is PDFium
// compiled to WebAssembly and run inside the process by wazero
// (pdfium.go): pure Go, no external program. github.com/ledongthuc/pdf
// (ledongthuc.go) is kept beside it for the comparison in BENCHMARKS.md.
package pdf

import (
	"context"
	"errors"
	"strings"
)

// Glyph is one character drawn on a page. Coordinates are PDF points
// (1/72 inch) with the origin at the top-left corner of the page and y
// growing downwards: X0 < X1, Y0 < Y1.
type Glyph struct {
	Rune           rune
	X0, Y0, X1, Y1 float64
	// Seq is the glyph's place in the page's content stream: glyphs of
	// one table cell are drawn one after the other, so two glyphs side by
	// side but far apart in the stream belong to two cells even when the
	// gap between them is narrow.
	Seq int
}

// Page is one page of a document, its glyphs in content-stream order.
type Page struct {
	Number        int // 1-based
	Width, Height float64
	Glyphs        []Glyph
	// Rules are the ruling lines drawn on the page (AddRules): table
	// borders, from which ruled tables get their cells.
	Rules []Rule
	// user maps PDF user space to these coordinates (crop box offset and
	// /Rotate included); the zero value is the plain flip by Height.
	user matrix
}

// userMatrix is the page's user-space transform.
func (p *Page) userMatrix() matrix {
	if p.user == (matrix{}) {
		return matrix{1, 0, 0, -1, 0, p.Height}
	}
	return p.user
}

// box maps a user-space box (two opposite corners) to page coordinates.
func (m matrix) box(x0, y0, x1, y1 float64) (float64, float64, float64, float64) {
	ax, ay := m.apply(x0, y0)
	bx, by := m.apply(x1, y1)
	return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)
}

// Info is the document information dictionary (PDF 1.7 §14.3.3).
type Info struct {
	Title, Author, Subject, Keywords, Creator, Producer string
	CreationDate, ModDate                               string // as stored: D:YYYYMMDDHHmmSS…
}

// Document is what an Engine read from one PDF.
type Document struct {
	Pages     []Page // at most Limits.MaxPages
	PageCount int    // pages in the file, read or not
	Info      Info
}

// Truncated reports whether pages were left unread because of the page cap.
func (d *Document) Truncated() bool { return d.PageCount > len(d.Pages) }

// Glyphs is the number of glyphs on the pages read.
func (d *Document) Glyphs() int {
	n := 0
	for _, p := range d.Pages {
		n += len(p.Glyphs)
	}
	return n
}

// Scanned reports a document with pages but no text layer: images only.
// A few stray glyphs (a page number stamped on a scan) do not make a text
// layer; the threshold is per page read.
func (d *Document) Scanned() bool {
	return len(d.Pages) > 0 && d.Glyphs() < 8*len(d.Pages)
}

// Limits bound the work on one document.
type Limits struct {
	MaxPages int // pages read; the rest are counted, not read (0: DefaultMaxPages)
}

// DefaultMaxPages is the page cap when Limits.MaxPages is 0: annual reports
// run from 3 to about 40 pages.
const DefaultMaxPages = 120

func (l Limits) maxPages() int {
	if l.MaxPages <= 0 {
		return DefaultMaxPages
	}
	return l.MaxPages
}

// Engine reads the glyphs of a PDF.
type Engine interface {
	// Read reads up to lim.MaxPages pages. It returns ErrEncrypted for a
	// document that needs a password, ErrUnreadable (wrapped) for one that
	// is not a PDF it can parse, and ctx.Err() (wrapped) when ctx ends first.
	Read(ctx context.Context, data []byte, lim Limits) (*Document, error)
	// Close releases the engine.
	Close() error
}

// Errors of Engine.Read.
var (
	ErrEncrypted  = errors.New("pdf: encrypted (a password is needed to read it)")
	ErrUnreadable = errors.New("pdf: unreadable")
)

// isLayoutRune says whether a glyph takes part in the layout: engines also
// report the spaces and line breaks they infer, which the layout decides
// from positions instead.
func isLayoutRune(r rune) bool {
	return r > ' ' && r != 0x3000 && r != 0xA0 && r != 0xFEFF && r != 0xFFFD && r != 0x200B &&
		!strings.ContainsRune("\u2028\u2029\u00AD", r)
}
