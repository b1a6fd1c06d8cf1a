package charset

import (
	_ "embed" // the GB18030 two-byte table
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// gb2 maps every two-byte GB18030 sequence to its code point (2 bytes,
// big-endian; 0 = not a plain two-byte character). It is generated from
// x/text's own decoder, so the fast path below gives the same text.
//
//go:generate go run gen_gb18030.go
//go:embed gb18030_2byte.bin
var gb2 string

// decodeGB18030 converts GB18030 (and so GBK and GB2312) to UTF-8 the way
// the WHATWG decoder does. ASCII runs and two-byte characters, nearly all of
// a page, come from the table; anything else (four-byte sequences, €, broken
// bytes) is decoded one character at a time by x/text. A character cut off
// at the very end becomes one U+FFFD. It returns the text and the U+FFFD it
// added (GB18030's own encoding of U+FFFD, 84 31 A4 37, is not counted).
func decodeGB18030(b []byte) (string, int) {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2) // 2-byte hanzi become 3 bytes; the only big allocation
	added := eachGB18030(b, false, sink{sb: &sb})
	return sb.String(), added
}

// eachGB18030 decodes b, handing the UTF-8 to emit in pieces of up to
// 16 KB, and returns the U+FFFD it added. With dropCut a character cut off
// at the end is left out instead of becoming U+FFFD (for scoring a window,
// whose end cuts wherever it falls).
func eachGB18030(b []byte, dropCut bool, emit sink) int {
	dec := simplifiedchinese.GB18030.NewDecoder()
	var buf [16 << 10]byte
	out := buf[:0]
	var one [4]byte
	added := 0
	for i := 0; i < len(b); {
		if len(out) > len(buf)-8 {
			emit.write(out)
			out = buf[:0]
		}
		c := b[i]
		if c < 0x80 {
			j := i + 1
			for j < len(b) && b[j] < 0x80 {
				j++
			}
			if j-i > len(buf)-len(out) {
				emit.write(out) // a long ASCII run goes out as it is
				out = buf[:0]
				emit.write(b[i:j])
			} else {
				out = append(out, b[i:j]...)
			}
			i = j
			continue
		}
		if i+1 < len(b) {
			if r := gb2Rune(c, b[i+1]); r >= 0x800 {
				// Hanzi and CJK punctuation: three UTF-8 bytes, written inline.
				out = append(out, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
				i += 2
				continue
			} else if r != 0 {
				out = utf8.AppendRune(out, r)
				i += 2
				continue
			}
		}
		var n int
		var bad bool
		if out, n, bad = gbOther(dec, &one, out, b[i:]); n == 0 {
			if !dropCut {
				out = append(out, "\uFFFD"...)
				added++
			}
			break
		}
		if bad {
			added++
		}
		i += n
	}
	emit.write(out)
	return added
}

// countGB18030 adds to c the text eachGB18030 would write with dropCut,
// without writing it: each character from the table is counted where it is
// read. It returns the U+FFFD it added.
func countGB18030(b []byte, c *candidate) int {
	dec := simplifiedchinese.GB18030.NewDecoder()
	var one [4]byte
	var tmp [8]byte
	added := 0
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			i++
			continue
		}
		if i+1 < len(b) {
			if r := gb2Rune(b[i], b[i+1]); r != 0 {
				c.add(r)
				i += 2
				continue
			}
		}
		out, n, bad := gbOther(dec, &one, tmp[:0], b[i:])
		if n == 0 {
			break
		}
		c.count(out)
		if bad {
			added++
		}
		i += n
	}
	return added
}

// gbOther reads the character at the start of b (b[0] ≥ 0x80) that the
// two-byte table does not hold, appending its UTF-8 to out: n is how many
// bytes it took (0 for a sequence cut off at the end, which is not read),
// bad whether it is a U+FFFD standing for broken bytes.
func gbOther(dec *encoding.Decoder, one *[4]byte, out, b []byte) (_ []byte, n int, bad bool) {
	if len(b) > 1 {
		if t := b[1]; b[0] != 0x80 && b[0] != 0xFF && t >= 0x3A && t <= 0x3F {
			// Not a four-byte start (those are 30–39), though x/text takes
			// it for one: an error, and the ASCII byte is read again.
			return append(out, "\uFFFD"...), 1, true
		}
	}
	if gbCutPrefix(b) {
		return out, 0, false
	}
	// One character by x/text: a 3-byte buffer holds a U+FFFD only on its
	// own, so each U+FFFD can be traced to the bytes it replaced.
	nDst, nSrc, _ := dec.Transform(one[:3], b, true)
	if nSrc == 0 {
		nDst, nSrc, _ = dec.Transform(one[:4], b, true) // a supplementary character
	}
	if nSrc == 0 { // cannot happen with a 4-byte buffer; never loop forever
		return append(out, "\uFFFD"...), 1, true
	}
	out = append(out, one[:nDst]...)
	return out, nSrc, string(one[:nDst]) == "\uFFFD" && string(b[:nSrc]) != "\x84\x31\xA4\x37"
}

// gbCutPrefix reports whether b, the end of the body, is an incomplete
// GB18030 sequence: a lead byte, then optionally 30–39, then optionally a
// byte 81–FE.
func gbCutPrefix(b []byte) bool {
	lead := func(c byte) bool { return c >= 0x81 && c <= 0xFE }
	switch len(b) {
	case 1:
		return lead(b[0])
	case 2:
		return lead(b[0]) && b[1] >= 0x30 && b[1] <= 0x39
	case 3:
		return lead(b[0]) && b[1] >= 0x30 && b[1] <= 0x39 && lead(b[2])
	}
	return false
}

// gb2Rune looks up a two-byte sequence; 0 means "not a plain character".
func gb2Rune(lead, trail byte) rune {
	if lead < 0x81 || lead == 0xFF || trail < 0x40 || trail == 0x7F || trail == 0xFF {
		return 0
	}
	t := int(trail) - 0x40
	if trail > 0x7F {
		t--
	}
	k := (int(lead-0x81)*190 + t) * 2
	return rune(gb2[k])<<8 | rune(gb2[k+1])
}
