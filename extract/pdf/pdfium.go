package pdf

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"unicode/utf8"

	pdfium "github.com/klippa-app/go-pdfium"
	pdferr "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/responses"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// PDFium in WebAssembly. Compiling the 5 MB module is the expensive part
// (3 to 10 s of CPU); it is done once per process and, when a cache
// directory is writable, once per machine: wazero's compilation cache keeps
// the machine code on disk (about 20 MB), and a later process starts in
// about 0.5 s. An instance is cheap (10 to 30 ms) and is reused for
// document after document; one that read a large file, failed or was
// interrupted is discarded, so the memory a wasm instance grew to (it never
// shrinks) is given back.

// PDFiumConfig tunes the PDFium engine. The zero value is ready to use.
type PDFiumConfig struct {
	// Instances is how many documents are read at once (0: GOMAXPROCS, at most 4).
	Instances int
	// MemoryLimit caps each instance's memory in bytes (0: 512 MiB). A
	// document that needs more fails as unreadable instead of taking the machine.
	MemoryLimit int64
	// CacheDir holds the compiled module between processes ("": the user
	// cache directory's gongkai/wazero; "-": no disk cache).
	CacheDir string
}

// PDFium is the PDFium engine. It is safe for concurrent use.
type PDFium struct {
	pool pdfium.Pool
	mu   sync.Mutex
	sem  chan struct{}
}

// discardAbove: an instance that read a file larger than this is discarded
// rather than reused, to give its grown memory back.
const discardAbove = 8 << 20

// NewPDFium compiles (or loads from the cache) the PDFium module and
// prepares the pool. ctx bounds the start-up only.
func NewPDFium(ctx context.Context, cfg PDFiumConfig) (*PDFium, error) {
	n := cfg.Instances
	if n <= 0 {
		n = min(runtime.GOMAXPROCS(0), 4)
	}
	limit := cfg.MemoryLimit
	if limit <= 0 {
		limit = 512 << 20
	}
	rc := wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithMemoryLimitPages(uint32(limit / 65536))
	if cc := compilationCache(cfg.CacheDir); cc != nil {
		rc = rc.WithCompilationCache(cc)
	}
	type result struct {
		pool pdfium.Pool
		err  error
	}
	done := make(chan result, 1)
	go func() {
		p, err := webassembly.Init(webassembly.Config{
			MinIdle: 0, MaxIdle: n, MaxTotal: n,
			ReuseWorkers:  true,
			RuntimeConfig: rc,
			// No file system: documents are passed as bytes, and a hostile
			// PDF must not reach the host's files through PDFium.
			FSConfig: wazero.NewFSConfig(),
		})
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("pdf: start pdfium: %w", r.err)
		}
		return &PDFium{pool: r.pool, sem: make(chan struct{}, n)}, nil
	case <-ctx.Done():
		go func() { // let the start finish in the background, then release it
			if r := <-done; r.err == nil {
				r.pool.Close()
			}
		}()
		return nil, fmt.Errorf("pdf: start pdfium: %w", ctx.Err())
	}
}

// compilationCache opens the on-disk cache, or returns nil to compile in memory.
func compilationCache(dir string) wazero.CompilationCache {
	if dir == "-" {
		return nil
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil
		}
		dir = filepath.Join(base, "gongkai", "wazero")
	}
	// wazero names its cache files after its own version, which reads
	// "dev" in a module build: the module version keeps an upgrade from
	// loading machine code compiled by another wazero.
	dir = filepath.Join(dir, wazeroVersion())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil
	}
	cc, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil
	}
	return cc
}

// Close releases the module and every instance.
func (e *PDFium) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.pool == nil {
		return nil
	}
	err := e.pool.Close()
	e.pool = nil
	return err
}

// Read implements Engine.
//
// A document that runs past ctx is given up: Read returns at once and the
// instance is discarded. The call inside PDFium runs on to its end in the
// background (wazero can interrupt wasm code only when every call carries
// a context watcher, which made reading five times slower), holding its
// slot of the pool until then, so runaway documents cannot pile up.
func (e *PDFium) Read(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("pdf: wait for an instance: %w", ctx.Err())
	}
	e.mu.Lock()
	pool := e.pool
	e.mu.Unlock()
	if pool == nil {
		<-e.sem
		return nil, errors.New("pdf: engine closed")
	}
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		<-e.sem
		return nil, fmt.Errorf("pdf: get instance: %w", err)
	}
	type result struct {
		doc *Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-e.sem }()
		var r result
		func() {
			defer func() {
				if p := recover(); p != nil {
					r = result{nil, fmt.Errorf("%w: pdfium: %v", ErrUnreadable, p)}
				}
			}()
			r.doc, r.err = readPDFium(ctx, inst, data, lim)
		}()
		if r.err != nil || ctx.Err() != nil || len(data) > discardAbove {
			inst.Kill()
		} else {
			inst.Close()
		}
		done <- r
	}()
	select {
	case r := <-done:
		if r.err == nil && ctx.Err() != nil {
			return nil, fmt.Errorf("pdf: read: %w", ctx.Err())
		}
		if r.err == nil {
			// Borders, in Go outside the instance; a file the scanner
			// cannot follow keeps its text and loses only its rules.
			_ = AddRules(ctx, data, r.doc)
		}
		return r.doc, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("pdf: read: %w", ctx.Err())
	}
}

func readPDFium(ctx context.Context, inst pdfium.Pdfium, data []byte, lim Limits) (*Document, error) {
	opened, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pdf: open: %w", ctx.Err())
		}
		if errors.Is(err, pdferr.ErrPassword) || errors.Is(err, pdferr.ErrSecurity) {
			return nil, ErrEncrypted
		}
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: opened.Document})
	pc, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: opened.Document})
	if err != nil {
		return nil, fmt.Errorf("%w: page count: %v", ErrUnreadable, err)
	}
	doc := &Document{PageCount: pc.PageCount, Info: pdfiumInfo(inst, opened)}
	n := min(pc.PageCount, lim.maxPages())
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("pdf: page %d: %w", i+1, err)
		}
		page, err := pdfiumPage(inst, opened, i)
		if err != nil {
			return nil, fmt.Errorf("%w: page %d: %v", ErrUnreadable, i+1, err)
		}
		doc.Pages = append(doc.Pages, page)
	}
	return doc, nil
}

func pdfiumPage(inst pdfium.Pdfium, opened *responses.OpenDocument, i int) (Page, error) {
	size, err := inst.FPDF_GetPageSizeByIndex(&requests.FPDF_GetPageSizeByIndex{Document: opened.Document, Index: i})
	if err != nil {
		return Page{}, err
	}
	text, err := inst.GetPageTextStructured(&requests.GetPageTextStructured{
		Page: requests.Page{ByIndex: &requests.PageByIndex{Document: opened.Document, Index: i}},
		Mode: requests.GetPageTextStructuredModeChars,
	})
	if err != nil {
		return Page{}, err
	}
	p := Page{Number: i + 1, Width: size.Width, Height: size.Height}
	p.user = pdfiumDisplay(inst, opened, i, size.Width, size.Height)
	m := p.userMatrix()
	p.Glyphs = make([]Glyph, 0, len(text.Chars))
	for seq, c := range text.Chars {
		r, _ := utf8.DecodeRuneInString(c.Text)
		if !isLayoutRune(r) {
			continue
		}
		pos := c.PointPosition
		g := Glyph{Rune: r, Seq: seq}
		g.X0, g.Y0, g.X1, g.Y1 = m.box(pos.Left, pos.Bottom, pos.Right, pos.Top)
		if bad(g.X0) || bad(g.X1) || bad(g.Y0) || bad(g.Y1) {
			continue
		}
		p.Glyphs = append(p.Glyphs, g)
	}
	return p, nil
}

// pdfiumDisplay is the transform PDFium displays page i with (crop box
// offset, /Rotate), in points with y down: three points through
// FPDF_PageToDevice on a display 64 times the page size, for precision
// (device coordinates are integers). Zero when PDFium cannot say.
func pdfiumDisplay(inst pdfium.Pdfium, opened *responses.OpenDocument, i int, w, h float64) matrix {
	const k = 64.0
	var out [3][2]float64
	for n, pt := range [3][2]float64{{0, 0}, {1000, 0}, {0, 1000}} {
		r, err := inst.FPDF_PageToDevice(&requests.FPDF_PageToDevice{
			Page:  requests.Page{ByIndex: &requests.PageByIndex{Document: opened.Document, Index: i}},
			SizeX: int(math.Round(w * k)), SizeY: int(math.Round(h * k)),
			PageX: pt[0], PageY: pt[1],
		})
		if err != nil {
			return matrix{}
		}
		out[n] = [2]float64{float64(r.DeviceX) / k, float64(r.DeviceY) / k}
	}
	e, f := out[0][0], out[0][1]
	return matrix{(out[1][0] - e) / 1000, (out[1][1] - f) / 1000, (out[2][0] - e) / 1000, (out[2][1] - f) / 1000, e, f}
}

func bad(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e6 }

// pdfiumInfo reads the information dictionary; a missing entry is "".
func pdfiumInfo(inst pdfium.Pdfium, opened *responses.OpenDocument) Info {
	get := func(tag string) string {
		r, err := inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: opened.Document, Tag: tag})
		if err != nil {
			return ""
		}
		return r.Value
	}
	return Info{
		Title: get("Title"), Author: get("Author"), Subject: get("Subject"), Keywords: get("Keywords"),
		Creator: get("Creator"), Producer: get("Producer"), CreationDate: get("CreationDate"), ModDate: get("ModDate"),
	}
}

// wazeroVersion is the version of the wazero module linked in ("unknown"
// when the build carries no module information).
func wazeroVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/tetratelabs/wazero" {
				return d.Version
			}
		}
	}
	return "unknown"
}
