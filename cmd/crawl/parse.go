package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gongkai/gongkai/extract"
)

func parseCmd() *command {
	return &command{
		name:    "parse",
		summary: "extract saved pages (any encoding) and print their records as JSON",
		usage:   "crawl parse [--charset NAME] [--url URL] [--compact] FILE...",
		detail: `
Runs extraction (charset → text → metadata → tables → checks) on pages saved
on disk and prints one record per file, in the format of "crawl export
--format jsonl". No network, no archive: --db is ignored. The content type
is taken from the file name (.html, .docx, .pdf, .txt) unless
--content-type says otherwise.`,
		example: `  crawl parse report.html
  crawl parse --charset gbk --url http://www.example.gov.cn/ndbg/t1.html saved.htm
  crawl parse --compact *.html > records.jsonl`,
		flags: func(fs *flagSet) {
			fs.String("charset", "", "decode as this `CHARSET` (gbk, gb18030, utf-8, big5, ...) instead of detecting it")
			fs.String("url", "", "the `URL` the page came from (resolves links; default file://PATH)")
			fs.String("content-type", "", "the HTTP `TYPE` it was served with (default: from the file name)")
			fs.String("agency", "", "seed-list agency hint `NAME`, used only when the page names none")
			fs.Bool("compact", false, "one record per line (JSONL) instead of indented JSON")
		},
		run: runParse,
	}
}

func runParse(ctx context.Context, e *env, fs *flagSet) error {
	if len(fs.args) == 0 {
		return usageErrorf("no FILE given (see crawl parse -h)")
	}
	if len(fs.args) > 1 && fs.isSet("url") {
		return usageErrorf("--url names one page; give one FILE with it")
	}
	str := func(n string) string { return fs.Lookup(n).Value.String() }
	bodies := make([][]byte, len(fs.args))
	for i, path := range fs.args {
		b, err := os.ReadFile(path)
		if err != nil {
			return badInput(fmt.Errorf("read %s: %w", path, err))
		}
		bodies[i] = b
	}
	compact := str("compact") == "true"
	for i, path := range fs.args {
		u := str("url")
		if u == "" {
			abs, err := filepath.Abs(path)
			if err != nil {
				abs = path
			}
			u = "file://" + filepath.ToSlash(abs)
		}
		ct := str("content-type")
		if ct == "" {
			ct = contentTypeOf(path)
		}
		rec, err := extract.Extract(ctx, extract.Input{URL: u, Body: bodies[i], ContentType: ct,
			CharsetOverride: str("charset"), Agency: str("agency")})
		if err != nil {
			return badInput(fmt.Errorf("extract %s: %w", path, err))
		}
		if rec.SHA256 == "" {
			sum := sha256.Sum256(bodies[i])
			rec.SHA256 = hex.EncodeToString(sum[:])
		}
		if err := printJSON(e, rec, compact); err != nil {
			return err
		}
	}
	return nil
}

// printJSON writes v to stdout, indented unless compact.
func printJSON(e *env, v any, compact bool) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	if !compact {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return failed(fmt.Errorf("write: %w", err))
	}
	return nil
}

// contentTypeOf guesses the served type from a saved file's name; "" lets
// extraction sniff the bytes.
func contentTypeOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm", ".shtml", ".xhtml", ".jhtml":
		return "text/html"
	case ".txt":
		return "text/plain"
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".pdf":
		return "application/pdf"
	case ".doc":
		return "application/msword"
	}
	return ""
}

// jsonMarshal encodes v compactly without escaping <, > and &.
func jsonMarshal(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}
