package charset

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/transform"
)

// The common-hanzi bitsets in hanzi_table.go are built from hanzi.txt.
//go:generate go run gen_hanzi.go

// candidate is one trial decoding of the score window.
type candidate struct {
	lab   label
	runes int // non-ASCII characters decoded
	bad   int // U+FFFD from invalid bytes (a cut final character is not decoded)
	han   int // CJK ideographs
	very  int // of which among the ~1000 most common per script
	comm  int // of which among the ~2600 most common per script
	odd   int // other non-ASCII that Chinese prose rarely has (kana, hangul, PUA, Latin-1 letters…)
}

// score decodes b as lab and counts what came out. UTF-8 is read in place,
// GB18030 and Big5 a character at a time from their tables, the other
// encodings a piece of decoded text at a time.
func score(lab label, b []byte) candidate {
	c := candidate{lab: lab}
	switch {
	case lab.fam == famUTF8:
		c.count(b[:len(b)-cutTail(b)])
	case lab.enc == simplifiedchinese.GB18030:
		countGB18030(b, &c)
	case lab.enc == traditionalchinese.Big5:
		countBig5(b, &c, false)
	default:
		if _, err := transformAll(lab.enc.NewDecoder(), b, sink{c: &c}); err != nil {
			return candidate{lab: lab, bad: len(b)} // x/text decoders replace rather than fail; count it unreadable
		}
	}
	// A character cut off by the window's end is left out above.
	return c
}

// scoreIfClean is score for a candidate that matters only if it reads b
// without a single invalid byte: one that does not is returned with bad > 0
// and nothing else counted, most often after reading only the start of b.
// (Decoding runs left to right, so a U+FFFD in the text of a prefix is one
// in the text of the whole.)
func scoreIfClean(lab label, b []byte) candidate {
	switch {
	case lab.fam == famUTF8:
		if !utf8.Valid(b[:len(b)-cutTail(b)]) {
			return candidate{lab: lab, bad: 1}
		}
	case lab.enc == simplifiedchinese.GB18030:
	case lab.enc == traditionalchinese.Big5:
		c := candidate{lab: lab}
		if countBig5(b, &c, true); c.bad > 0 {
			return candidate{lab: lab, bad: 1}
		}
		return c
	default:
		var buf [1024]byte
		nDst, _, err := lab.enc.NewDecoder().Transform(buf[:], b[:min(len(b), 256)], false)
		if (err == nil || err == transform.ErrShortSrc) && bytes.Contains(buf[:nDst], []byte("\uFFFD")) {
			return candidate{lab: lab, bad: 1}
		}
	}
	return score(lab, b)
}

// count adds the characters of a piece of decoded UTF-8 (whole characters).
func (c *candidate) count(out []byte) {
	for len(out) > 0 {
		b0 := out[0]
		if b0 < utf8.RuneSelf {
			out = out[1:]
			continue
		}
		var r rune
		if b0 >= 0xE1 && b0 <= 0xEF && b0 != 0xED && len(out) >= 3 && out[1]&0xC0 == 0x80 && out[2]&0xC0 == 0x80 {
			// A well-formed three-byte character (hanzi, CJK punctuation),
			// decoded in place; E0 and ED, with narrower second bytes, are
			// left to utf8.DecodeRune.
			r = rune(b0&0x0F)<<12 | rune(out[1]&0x3F)<<6 | rune(out[2]&0x3F)
			out = out[3:]
		} else {
			var size int
			r, size = utf8.DecodeRune(out)
			out = out[size:]
		}
		c.add(r)
	}
}

// add counts one non-ASCII character (U+FFFD as a bad byte).
func (c *candidate) add(r rune) {
	c.runes++
	if r == utf8.RuneError {
		c.bad++
		return
	}
	switch {
	case isHan(r):
		c.han++
		if r >= 0x4E00 && r <= 0x9FFF {
			o := r - 0x4E00
			if veryCommonHanzi[o>>3]&(1<<(o&7)) != 0 {
				c.very++
			}
			if commonHanzi[o>>3]&(1<<(o&7)) != 0 {
				c.comm++
			}
		}
	case isChinesePunct(r):
	default:
		c.odd++
	}
}

func isHan(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) || (r >= 0xF900 && r <= 0xFAFF)
}

// pinyinVowels are the tone-marked letters of GB2312 row 8 (拼音).
const pinyinVowels = "āáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜüêńňǹɑɡ"

// isChinesePunct covers the punctuation and symbols Chinese text uses:
// CJK symbols (、。《》「」), general punctuation (“”…—), full-width forms
// (，：（）０-９), the no-break space, ×÷°·, circled/parenthesised numbers
// and pinyin letters.
func isChinesePunct(r rune) bool {
	switch {
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF01 && r <= 0xFF5E, r >= 0x2010 && r <= 0x203B:
		return true
	case r >= 0x2460 && r <= 0x24FF, r >= 0x3220 && r <= 0x3243, r >= 0x2160 && r <= 0x217F:
		return true
	case r == 0xA0, r == 0xD7, r == 0xF7, r == 0xB0, r == 0xB7, r == 0x2103, r == 0xFFE5:
		return true
	case r >= 0xE0 && r <= 0x261 && strings.ContainsRune(pinyinVowels, r):
		return true
	}
	return false
}

// quality is how much the decoding looks like Chinese prose, in [0, 1]:
// very common characters count 1, other common ones 1/2, rare ideographs
// and odd symbols 0. A decoding with only punctuation is neutral (1/2).
// It is returned as a fraction num/den so comparisons are exact.
func (c candidate) quality() (num, den int) {
	if c.han+c.odd == 0 {
		return 1, 2
	}
	return 2*c.very + (c.comm - c.very), 2 * (c.han + c.odd)
}

// plausible: at least half the weight of a perfectly common text.
func (c candidate) plausible() bool {
	n, d := c.quality()
	return 2*n >= d
}

// pick chooses the best plausible candidate. With clean, only decodings
// without a single invalid byte qualify; otherwise a few (1%) are forgiven,
// for pages with a stray corrupt byte. Equal quality goes to the declared
// family, then to the order of cands (GB18030 before Big5 before UTF-8).
func pick(cands []candidate, h hints, clean bool) (candidate, bool) {
	best, found := candidate{}, false
	for _, c := range cands {
		if !c.plausible() {
			continue
		}
		if clean && c.bad > 0 || !clean && c.bad*100 > max(c.runes, 100) {
			continue
		}
		if !found || better(c, best, h) {
			best, found = c, true
		}
	}
	return best, found
}

// better reports whether a beats b: fewer errors, then higher quality, then
// a declared family.
func better(a, b candidate, h hints) bool {
	if a.bad != b.bad {
		return a.bad < b.bad
	}
	an, ad := a.quality()
	bn, bd := b.quality()
	if an*bd != bn*ad {
		return an*bd > bn*ad
	}
	return h.declares(a.lab.fam) && !h.declares(b.lab.fam)
}
