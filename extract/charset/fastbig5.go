package charset

import (
	_ "embed" // the Big5 two-byte table

	"golang.org/x/text/encoding/traditionalchinese"
)

// big5Table maps every two-byte Big5 sequence to its code point (3 bytes,
// big-endian; 0 = not a plain character). It is generated from x/text's own
// decoder, so scoring by it counts what x/text's text would hold.
//
//go:generate go run gen_big5.go
//go:embed big5_2byte.bin
var big5Table string

// countBig5 adds the Big5 reading of b to c without writing any text: the
// table gives the characters of nearly every pair, and anything else
// (broken bytes, unassigned codes, the two-character sequences) is read by
// x/text one character at a time. A character cut off at the end is left
// out, as score does for a window. With stopBad it returns at the first
// invalid byte (scoreIfClean's early answer).
func countBig5(b []byte, c *candidate, stopBad bool) {
	dec := traditionalchinese.Big5.NewDecoder()
	var one [8]byte
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			i++
			continue
		}
		if i+1 < len(b) {
			if r := big5Rune(b[i], b[i+1]); r != 0 {
				c.add(r)
				i += 2
				continue
			}
		}
		// Two bytes hold any one character (and an ASCII byte after a
		// lone lead); one byte left is a lead cut off at the end.
		nDst, nSrc, _ := dec.Transform(one[:], b[i:min(i+2, len(b))], false)
		if nSrc == 0 {
			break
		}
		c.count(one[:nDst])
		i += nSrc
		if stopBad && c.bad > 0 {
			return
		}
	}
}

// big5Rune looks up a two-byte sequence; 0 means "not a plain character".
func big5Rune(lead, trail byte) rune {
	var t int
	switch {
	case trail >= 0x40 && trail <= 0x7E:
		t = int(trail) - 0x40
	case trail >= 0xA1 && trail <= 0xFE:
		t = int(trail) - 0xA1 + 0x3F
	default:
		return 0
	}
	if lead < 0x81 || lead == 0xFF {
		return 0
	}
	k := (int(lead-0x81)*157 + t) * 3
	return rune(big5Table[k])<<16 | rune(big5Table[k+1])<<8 | rune(big5Table[k+2])
}
