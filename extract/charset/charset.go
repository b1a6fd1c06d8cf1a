// Package charset turns the raw bytes of a page into UTF-8 text and records
// how it decided which encoding they were in.
//
// Portals serve GBK, GB2312, GB18030, UTF-8 (with or without BOM) and Big5,
// and their labels lie, so the bytes outrank the labels: see Detect. Every
// GB-family label is decoded with GB18030, which also reads the 4-byte
// sequences GBK decoders reject.
package charset

import "fmt"

// Where the decision came from (the record's charset_source).
const (
	SourceBOM      = "bom"
	SourceHeader   = "http-header"
	SourceMeta     = "meta"
	SourceSniffed  = "sniffed"
	SourceOverride = "override"
)

// Result is the decoded text and the evidence behind it.
//
// Charset rule: when the bytes agree with a declared label of the same
// family, the page's own name is reported ("gbk", "gb2312", "gb18030",
// "big5", "utf-8") with Source http-header (preferred) or meta; when they
// agree with no label, the detected family's name ("utf-8", "gb18030",
// "big5", or chardet's answer) with Source sniffed.
type Result struct {
	Text         string // valid UTF-8, whatever the bytes (FuzzDecode, TestDecodeAlwaysValid)
	Charset      string // lower-case canonical name: utf-8, gbk, gb2312, gb18030, big5, ...
	Source       string // one of the Source* constants
	Replacements int    // U+FFFD characters in Text that were not in the input
	Degraded     bool   // Replacements > 0, or the bytes fit no encoding well
	Class        string // "text", or why it is not text: "empty", "binary", "pdf", ...
}

// Decode converts body to UTF-8. contentType is the HTTP Content-Type header
// (may be empty); override, when not empty, names the encoding to use and
// skips detection (crawl parse --charset).
//
// A body that is not text (Class empty, binary, pdf, zip, office) gives a
// Result with that Class, no Text and a nil error: the caller records it.
// With an override the body is decoded whatever its class. The only error is
// an override label nobody can decode.
func Decode(body []byte, contentType, override string) (Result, error) {
	var d Decision
	if override != "" {
		lab, ok := lookupLabel(override)
		if !ok {
			return Result{}, fmt.Errorf("charset: unknown encoding %q", override)
		}
		d = Decision{Charset: lab.name, Source: SourceOverride, Class: Classify(body), lab: lab}
		if m, ok := findBOM(body); ok && m.lab.fam == lab.fam && (lab.fam != famOther || m.lab.name == lab.name) {
			d.skip = len(m.mark)
		}
	} else {
		d = Detect(body, contentType)
		if d.Class != ClassText {
			return Result{Class: d.Class}, nil
		}
	}
	var text string
	var added int
	if d.utf8OK {
		text = string(body) // already validated by Detect
	} else {
		var err error
		if text, added, err = convert(body[d.skip:], d.lab); err != nil {
			return Result{}, err
		}
	}
	return Result{
		Text:         text,
		Charset:      d.Charset,
		Source:       d.Source,
		Replacements: added,
		Degraded:     added > 0 || d.Guess,
		Class:        d.Class,
	}, nil
}
