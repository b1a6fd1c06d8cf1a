// Package charset turns the raw bytes of a page into UTF-8 text and records
// how it decided which encoding they were in.
package charset

import "errors"

// Where the decision came from (the record's charset_source).
const (
	SourceBOM      = "bom"
	SourceHeader   = "http-header"
	SourceMeta     = "meta"
	SourceSniffed  = "sniffed"
	SourceOverride = "override"
)

// Result is the decoded text and the evidence behind it.
type Result struct {
	Text         string // UTF-8
	Charset      string // lower-case canonical name: utf-8, gbk, gb2312, gb18030, big5, ...
	Source       string // one of the Source* constants
	Replacements int    // U+FFFD characters in Text that were not in the input
	Degraded     bool   // Replacements > 0, or the bytes fit no encoding well
	Class        string // "text", or why it is not text: "empty", "binary", "pdf", ...
}

var errNotImplemented = errors.New("charset: not implemented yet")

// Decode converts body to UTF-8. contentType is the HTTP Content-Type header
// (may be empty); override, when not empty, names the encoding to use and
// skips detection (crawl parse --charset).
func Decode(body []byte, contentType, override string) (Result, error) {
	return Result{}, errNotImplemented
}
