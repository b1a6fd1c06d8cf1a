//go:build ignore

// gen_big5 writes big5_2byte.bin: for every two-byte Big5 sequence (lead
// 81–FE, trail 40–7E or A1–FE), the code point x/text's Big5 decoder gives
// it, 3 bytes big-endian, or 0 where the decoder gives anything but one
// character (unassigned codes, the four two-character sequences).
// fastbig5.go scores with it; everything else goes to x/text.
// Run: go generate ./extract/charset
package main

import (
	"log"
	"os"
	"unicode/utf8"

	"golang.org/x/text/encoding/traditionalchinese"
)

func main() {
	out := make([]byte, 0, 126*157*3)
	dec := traditionalchinese.Big5.NewDecoder()
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			if trail > 0x7E && trail < 0xA1 {
				continue
			}
			var r rune
			s, err := dec.Bytes([]byte{byte(lead), byte(trail)})
			if c, size := utf8.DecodeRune(s); err == nil && size == len(s) && c != utf8.RuneError && c > 0x7F {
				r = c
			}
			out = append(out, byte(r>>16), byte(r>>8), byte(r))
		}
	}
	if err := os.WriteFile("big5_2byte.bin", out, 0o644); err != nil {
		log.Fatal(err)
	}
}
