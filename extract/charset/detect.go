package charset

import (
	"bytes"
	"unicode/utf8"

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

// Detect decides which encoding body is in, looking at a bounded window
// from the first non-ASCII byte. The evidence, in order:
//  1. a byte-order mark decides (UTF-8, GB18030, UTF-16);
//  2. valid UTF-8 (a cut final character allowed) is UTF-8 whatever the
//     labels say, unless it is only 1–4 two-byte non-Latin characters and a
//     GB18030 or Big5 reading is clean, common Chinese (see weakUTF8);
//  3. otherwise the window is read as GB18030, Big5 and UTF-8, and the
//     reading without invalid bytes made of the most common hanzi wins;
//     a declared family wins a tie; then the same allowing 1% bad bytes;
//  4. a declared label (header, then meta) that reads the window cleanly;
//  5. saintfish/chardet, made deterministic, if its answer reads cleanly;
//  6. the declared Chinese label, else GB18030, marked Guess.
//
// Labels never overrule the bytes; they name the charset when they agree
// (see Result).
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
		if l, ok := h.any(); ok {
			return Decision{Charset: l.lab.name, Source: l.src, Class: class, lab: l.lab}
		}
		return Decision{Charset: labelUTF8.name, Source: SourceSniffed, Class: class, lab: labelUTF8}
	}
	win := body[first:min(len(body), first+utf8Window)]
	if looksUTF8(win) {
		if weakUTF8(win) {
			sw := scoreSpan(win)
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
	sw := scoreSpan(win)

	gb := score(labelGB18030, sw)
	if gb.bad == 0 && gb.plausible() {
		// The clean pick below will choose: the GB reading qualifies, and
		// the others can only beat it if they read cleanly too.
		cands := []candidate{gb, scoreIfClean(labelBig5, sw), scoreIfClean(labelUTF8, sw)}
		if c, ok := pick(cands, h, true); ok {
			return h.agree(c.lab, class, false)
		}
	}
	cands := []candidate{
		gb,
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
	if l, ok := h.chinese(); ok {
		lab = l.lab
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
