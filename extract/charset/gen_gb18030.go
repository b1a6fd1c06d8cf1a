//go:build ignore

// gen_gb18030 writes gb18030_2byte.bin: for every two-byte GB18030 sequence
// (lead 81–FE, trail 40–7E or 80–FE), the BMP code point x/text's GB18030
// decoder gives it, big-endian, or 0 where the decoder does anything else.
// fastgb.go decodes with it; everything else goes to x/text.
// Run: go generate ./extract/charset
package main

import (
	"log"
	"os"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func main() {
	out := make([]byte, 0, 126*190*2)
	dec := simplifiedchinese.GB18030.NewDecoder()
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			if trail == 0x7F {
				continue
			}
			var r rune
			s, err := dec.Bytes([]byte{byte(lead), byte(trail)})
			if c, size := utf8.DecodeRune(s); err == nil && size == len(s) && c != utf8.RuneError && c > 0x7F && c <= 0xFFFF {
				r = c
			}
			out = append(out, byte(r>>8), byte(r))
		}
	}
	if err := os.WriteFile("gb18030_2byte.bin", out, 0o644); err != nil {
		log.Fatal(err)
	}
}
