package pdffixture

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ErrNoProgram means a renderer's program is not installed; the tests skip.
var ErrNoProgram = errors.New("program not installed")

// ChromiumPath finds Debian's chromium (or another Chrome) on PATH, or "".
func ChromiumPath() string {
	return lookPath("chromium", "chromium-browser", "google-chrome")
}

// SofficePath finds LibreOffice's soffice on PATH, or "".
func SofficePath() string {
	return lookPath("soffice", "libreoffice")
}

func lookPath(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// PrintChromium prints HTML pages to A4 PDFs with headless Chromium: one
// browser for all of them, each page loaded from a file and printed with
// DevTools' Page.printToPDF (the command behind chromium --print-to-pdf),
// without the date/URL header and footer. pages maps a name to the page's
// bytes; the result maps the same names to PDFs.
func PrintChromium(ctx context.Context, exe string, pages map[string][]byte) (map[string][]byte, error) {
	if exe == "" {
		return nil, fmt.Errorf("chromium: %w", ErrNoProgram)
	}
	dir, err := os.MkdirTemp("", "gongkai-chromium-")
	if err != nil {
		return nil, fmt.Errorf("chromium: %w", err)
	}
	defer os.RemoveAll(dir)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	out := map[string][]byte{}
	for _, name := range slices.Sorted(maps.Keys(pages)) {
		file := filepath.Join(dir, safeName(name)+".html")
		if err := os.WriteFile(file, pages[name], 0o644); err != nil {
			return nil, fmt.Errorf("chromium %s: %w", name, err)
		}
		if err := chromedp.Do(bctx, chromedp.Navigate("file://"+file)); err != nil {
			return nil, fmt.Errorf("chromium %s: %w", name, err)
		}
		pdf, err := chromedp.Run(bctx, printA4)
		if err != nil {
			return nil, fmt.Errorf("chromium %s: %w", name, err)
		}
		out[name] = pdf
	}
	return out, nil
}

// ConvertSoffice converts DOCX documents to PDF with LibreOffice
// (soffice --headless --convert-to pdf), all in one run of the program with
// a profile of its own so it neither needs nor touches $HOME. docs maps a
// name to the document's bytes; the result maps the same names to PDFs.
func ConvertSoffice(ctx context.Context, exe string, docs map[string][]byte) (map[string][]byte, error) {
	if exe == "" {
		return nil, fmt.Errorf("soffice: %w", ErrNoProgram)
	}
	dir, err := os.MkdirTemp("", "gongkai-soffice-")
	if err != nil {
		return nil, fmt.Errorf("soffice: %w", err)
	}
	defer os.RemoveAll(dir)
	in, outDir := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	for _, d := range []string{in, outDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return nil, fmt.Errorf("soffice: %w", err)
		}
	}
	names := slices.Sorted(maps.Keys(docs))
	args := []string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--headless", "--norestore", "--convert-to", "pdf", "--outdir", outDir}
	for _, name := range names {
		file := filepath.Join(in, safeName(name)+".docx")
		if err := os.WriteFile(file, docs[name], 0o644); err != nil {
			return nil, fmt.Errorf("soffice %s: %w", name, err)
		}
		args = append(args, file)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("soffice: %w: %s", err, strings.TrimSpace(string(msg)))
	}
	out := map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(outDir, safeName(name)+".pdf"))
		if err != nil {
			return nil, fmt.Errorf("soffice %s: no PDF written: %w", name, err)
		}
		out[name] = b
	}
	return out, nil
}

// printA4 prints the loaded page on A4 paper with the margins of a Word
// document and no header or footer.
func printA4(ctx context.Context, t *chromedp.Target) ([]byte, error) {
	no := false
	top, side := 0.8, 0.7 // inches
	res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{
		PaperWidth: 8.27, PaperHeight: 11.69,
		MarginTop: &top, MarginBottom: &top, MarginLeft: &side, MarginRight: &side,
		DisplayHeaderFooter: &no,
	})
	if err != nil {
		return nil, fmt.Errorf("print to pdf: %w", err)
	}
	return res.Data, nil
}

// safeName keeps a fixture name usable as a file name.
func safeName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ' ' {
			return '_'
		}
		return r
	}, name)
}
