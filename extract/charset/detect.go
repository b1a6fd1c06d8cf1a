package charset

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Detection looks at a bounded part of the page, so a 50 MB body costs no
// more to judge than a 64 KB one; conversion afterwards is linear.
const (
	utf8Window  = 64 << 10 // bytes checked for UTF-8 validity
	scoreWindow = 32 << 10 // at most this many bytes are decoded and scored…
	scoreBytes  = 3000     // …and fewer once they hold this many non-ASCII bytes (~1000 hanzi)
)

// Decision is what Detect concluded: the encoding to decode with and the
// evidence for it. Decode applies it.
type Decision struct {
	Charset string // as reported in Result.Charset; "" when Class is not text
	Source  string // one of the Source* constants; "" when Class is not text
	Class   string // one of the Class* constants
	// Guess is true when no encoding fitted the bytes well and the choice is
	// a last resort; Decode marks such a page Degraded.
	Guess bool

	lab    label
	skip   int  // length of the byte-order mark to drop
	utf8OK bool // the whole body was checked and is valid UTF-8
}

var boms = []bom{
	{[]byte("\xEF\xBB\xBF"), labelUTF8},
	{[]byte("\x84\x31\x95\x33"), labelGB18030},
	{[]byte("\xFF\xFE"), label{name: "utf-16le", fam: famOther, enc: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)}},
	{[]byte("\xFE\xFF"), label{name: "utf-16be", fam: famOther, enc: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)}},
}

func findBOM(b []byte) (bom, bool) {
	for _, m := range boms {
		if bytes.HasPrefix(b, m.mark) {
			return m, true
		}
	}
	return bom{}, false
}

// Detect decides which encoding body is in. The evidence, strongest first:
// a byte-order mark; then the bytes themselves (valid UTF-8 is UTF-8, else
// whichever of GB18030 and Big5 reads as common Chinese characters without
// errors); the HTTP header and <meta> labels only break ties and name the
// charset when the bytes agree with them. saintfish/chardet is asked only
// when nothing fits, and its answer is made deterministic.
func Detect(body []byte, contentType string) Decision {
	class := Classify(body)
	if class != ClassText {
		return Decision{Class: class}
	}
	if m, ok := findBOM(body); ok {
		return Decision{Charset: m.lab.name, Source: SourceBOM, Class: class, lab: m.lab, skip: len(m.mark)}
	}
	h := readHints(body, contentType)

	first := firstNonASCII(body)
	if first < 0 {
		// Pure ASCII reads the same in every label we accept; report the label.
		if lab, src, ok := h.any(); ok {
			return Decision{Charset: lab.name, Source: src, Class: class, lab: lab}
		}
		return Decision{Charset: labelUTF8.name, Source: SourceSniffed, Class: class, lab: labelUTF8}
	}
	win := body[first:min(len(body), first+utf8Window)]
	sw := scoreSpan(win)
	if looksUTF8(win) {
		if weakUTF8(win) {
			// One or two GBK hanzi can happen to be valid UTF-8 (息 = CF A2 =
			// Ϣ). With this little evidence a clean Chinese reading wins.
			if c, ok := pick([]candidate{score(labelGB18030, sw), score(labelBig5, sw)}, h, true); ok {
				return h.agree(c.lab, class, false)
			}
		}
		d := h.agree(labelUTF8, class, false)
		d.utf8OK = first+len(win) == len(body) && cutTail(win) == 0
		return d
	}

	cands := []candidate{
		score(labelGB18030, sw),
		score(labelBig5, sw),
		score(labelUTF8, sw),
	}
	if c, ok := pick(cands, h, true); ok {
		return h.agree(c.lab, class, false)
	}
	if c, ok := pick(cands, h, false); ok {
		return h.agree(c.lab, class, false)
	}
	// No reading looks like Chinese prose (a table of digits and pinyin, or
	// another script). A declared label that reads the bytes cleanly wins.
	for _, l := range h.list() {
		if readsClean(l.lab, sw, cands) {
			return Decision{Charset: l.lab.name, Source: l.src, Class: class, lab: l.lab}
		}
	}
	if lab, ok := chardetGuess(sw); ok {
		return h.agree(lab, class, false)
	}
	lab := labelGB18030 // Chinese portals: the least bad reading of unknown bytes
	if l, _, ok := h.chinese(); ok {
		lab = l
	}
	return h.agree(lab, class, true)
}

// scoreSpan returns the start of win that holds enough non-ASCII bytes to
// judge by: a page whose first KB are mostly markup gets a longer look.
func scoreSpan(win []byte) []byte {
	n := 0
	for i, c := range win[:min(len(win), scoreWindow)] {
		if c >= 0x80 {
			if n++; n == scoreBytes {
				return win[:i+1]
			}
		}
	}
	return win[:min(len(win), scoreWindow)]
}

// firstNonASCII returns the index of the first byte ≥ 0x80, or -1.
func firstNonASCII(b []byte) int {
	for i, c := range b {
		if c >= 0x80 {
			return i
		}
	}
	return -1
}

// looksUTF8 reports whether b (which starts with a non-ASCII byte) is valid
// UTF-8 holding at least one complete multi-byte character, allowing the
// last character to be cut off (truncated body, or the window's end).
func looksUTF8(b []byte) bool {
	if !utf8.RuneStart(b[0]) {
		return false
	}
	end := len(b) - cutTail(b)
	if end == 0 {
		return false
	}
	return utf8.Valid(b[:end])
}

// weakUTF8 reports whether valid UTF-8 b is too little evidence to trust:
// at most weakRunes non-ASCII characters, all of them 2-byte ones outside
// Latin-1 (Greek, Cyrillic, IPA, Hebrew…), which is what a GBK or Big5
// hanzi looks like when its bytes happen to form UTF-8. Chinese in UTF-8 is
// 3 bytes a character; a Latin-1 © or é stays UTF-8.
func weakUTF8(b []byte) bool {
	const weakRunes = 4
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		switch {
		case r < utf8.RuneSelf:
			continue
		case size != 2 || r <= 0xFF:
			return false
		}
		if n++; n > weakRunes {
			return false
		}
	}
	return n > 0
}

// hints are the labels the server and the page declared.
type hints struct {
	header, meta       label
	hasHeader, hasMeta bool
}

func readHints(body []byte, contentType string) hints {
	var h hints
	h.header, h.hasHeader = lookupLabel(HeaderCharset(contentType))
	h.meta, h.hasMeta = lookupLabel(MetaCharset(body))
	// A label whose ASCII is not ASCII (UTF-16) cannot have been read from
	// ASCII bytes: browsers ignore it, and so do we.
	h.hasHeader = h.hasHeader && h.header.asciiCompatible()
	h.hasMeta = h.hasMeta && h.meta.asciiCompatible()
	return h
}

// any returns the strongest declared label.
func (h hints) any() (label, string, bool) {
	switch {
	case h.hasHeader:
		return h.header, SourceHeader, true
	case h.hasMeta:
		return h.meta, SourceMeta, true
	}
	return label{}, "", false
}

// declares reports whether some label names family f.
func (h hints) declares(f family) bool {
	return (h.hasHeader && h.header.fam == f) || (h.hasMeta && h.meta.fam == f)
}

// declared is one label and where it came from.
type declared struct {
	lab label
	src string
}

// list returns the declared labels, strongest first.
func (h hints) list() []declared {
	var out []declared
	if h.hasHeader {
		out = append(out, declared{h.header, SourceHeader})
	}
	if h.hasMeta {
		out = append(out, declared{h.meta, SourceMeta})
	}
	return out
}

// readsClean reports whether lab decodes b without an invalid byte, using
// the scores already computed for the families that have one.
func readsClean(lab label, b []byte, cands []candidate) bool {
	for _, c := range cands {
		if c.lab.fam == lab.fam && lab.fam != famOther {
			return c.bad == 0
		}
	}
	return score(lab, b).bad == 0
}

// chinese returns a declared GB or Big5 label.
func (h hints) chinese() (label, string, bool) {
	for _, c := range []struct {
		ok  bool
		lab label
		src string
	}{{h.hasHeader, h.header, SourceHeader}, {h.hasMeta, h.meta, SourceMeta}} {
		if c.ok && (c.lab.fam == famGB || c.lab.fam == famBig5) {
			return c.lab, c.src, true
		}
	}
	return label{}, "", false
}

// agree turns the encoding the bytes chose into a Decision. When a label of
// the same family was declared, the page's own name for it is reported
// ("gbk", "gb2312") with that label as the source; otherwise the detected
// family's name ("utf-8", "gb18030", "big5") with source "sniffed".
func (h hints) agree(lab label, class string, guess bool) Decision {
	d := Decision{Charset: lab.name, Source: SourceSniffed, Class: class, Guess: guess, lab: lab}
	switch {
	case h.hasHeader && h.header.fam == lab.fam && (lab.fam != famOther || h.header.name == lab.name):
		d.Charset, d.Source, d.lab = h.header.name, SourceHeader, h.header
	case h.hasMeta && h.meta.fam == lab.fam && (lab.fam != famOther || h.meta.name == lab.name):
		d.Charset, d.Source, d.lab = h.meta.name, SourceMeta, h.meta
	}
	if d.lab.fam == famGB {
		d.lab.enc = simplifiedchinese.GB18030 // never the GBK decoder
	}
	return d
}
