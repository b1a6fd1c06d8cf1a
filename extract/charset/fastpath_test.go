package charset

import (
	"math/rand"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/corpus"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// refScore is score as first written: decode the whole window into one
// buffer, then count its characters.
func refScore(lab label, b []byte) candidate {
	c := candidate{lab: lab}
	var out []byte
	var sb strings.Builder
	switch {
	case lab.fam == famUTF8:
		out = b[:len(b)-cutTail(b)]
	case lab.enc == simplifiedchinese.GB18030:
		eachGB18030(b, true, sink{sb: &sb})
		out = []byte(sb.String())
	default:
		if _, err := transformAll(lab.enc.NewDecoder(), b, sink{sb: &sb}); err != nil {
			c.bad = len(b)
			return c
		}
		out = []byte(sb.String())
	}
	for len(out) > 0 {
		r, size := utf8.DecodeRune(out)
		out = out[size:]
		if r < 0x80 {
			continue
		}
		c.add(r) // the text read back, counted as Score counted it before the tables
	}
	return c
}

// scoreWindows: corpus texts and the traditional text in every encoding,
// cut at many places (a window's end cuts wherever it falls), and random
// bytes of the ranges the Chinese encodings use.
func scoreWindows(t *testing.T) [][]byte {
	t.Helper()
	texts, err := corpus.Texts()
	if err != nil {
		t.Fatal(err)
	}
	trad, err := os.ReadFile("testdata/traditional.txt")
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, tx := range texts {
		all = append(all, tx.Body)
	}
	all = append(all, string(trad))
	var out [][]byte
	rng := rand.New(rand.NewSource(4))
	for _, s := range all {
		for _, enc := range []encoding.Encoding{nil, simplifiedchinese.GBK, simplifiedchinese.GB18030, traditionalchinese.Big5} {
			b := []byte(s)
			if enc != nil {
				// Characters an encoding lacks become its replacement byte.
				e, err := encoding.ReplaceUnsupported(enc.NewEncoder()).Bytes(b)
				if err != nil {
					t.Fatal(err)
				}
				b = e
			}
			for i := 0; i < 40; i++ {
				start := rng.Intn(len(b))
				end := min(len(b), start+1+rng.Intn(12000))
				out = append(out, b[start:end])
			}
			out = append(out, b[:min(len(b), 32<<10)])
		}
	}
	for i := 0; i < 3000; i++ {
		b := make([]byte, rng.Intn(600))
		for j := range b {
			switch rng.Intn(4) {
			case 0:
				b[j] = byte(0x20 + rng.Intn(0x5F))
			default:
				b[j] = byte(0x80 + rng.Intn(0x80))
			}
		}
		out = append(out, b)
	}
	return out
}

// TestScoreMatchesDefinition: counting each decoded piece as it comes gives
// the counts of the whole decoded window; scoreIfClean says "not clean"
// exactly when the full reading has a bad byte, and is the full score
// otherwise.
func TestScoreMatchesDefinition(t *testing.T) {
	clean, notClean := map[string]int{}, map[string]int{}
	for _, b := range scoreWindows(t) {
		for _, lab := range []label{labelGB18030, labelBig5, labelUTF8} {
			want := refScore(lab, b)
			if got := score(lab, b); got != want {
				t.Fatalf("score(%s, %d bytes) = %+v, want %+v", lab.name, len(b), got, want)
			}
			got := scoreIfClean(lab, b)
			if (got.bad > 0) != (want.bad > 0) || want.bad == 0 && got != want {
				t.Fatalf("scoreIfClean(%s, %d bytes %q) = %+v, full score %+v", lab.name, len(b), b[:min(len(b), 40)], got, want)
			}
			if want.bad > 0 {
				notClean[lab.name]++
			} else {
				clean[lab.name]++
			}
		}
	}
	for _, lab := range []label{labelGB18030, labelBig5, labelUTF8} {
		if clean[lab.name] < 50 || notClean[lab.name] < 50 {
			t.Errorf("%s: %d clean and %d unclean windows; the test needs both", lab.name, clean[lab.name], notClean[lab.name])
		}
	}
}

// TestDecodeAlwaysValid: Decode's Text is valid UTF-8 whatever the bytes
// and whichever label is forced (extract parses it without checking each
// text node again). FuzzDecode checks the same without an override.
func TestDecodeAlwaysValid(t *testing.T) {
	labels := []string{
		"", "utf-8", "gbk", "gb2312", "gb18030", "big5", "shift_jis", "euc-jp", "iso-2022-jp", "euc-kr",
		"windows-1252", "iso-8859-5", "koi8-r", "utf-16le", "utf-16be", "x-user-defined", "macintosh",
		"ibm866", "windows-874", "gbk2312", "utf8mb4",
	}
	rng := rand.New(rand.NewSource(8))
	var bodies [][]byte
	for i, w := range scoreWindows(t) {
		if i%4 == 0 {
			bodies = append(bodies, w)
		}
	}
	for i := 0; i < 1000; i++ {
		b := make([]byte, rng.Intn(300))
		rng.Read(b)
		bodies = append(bodies, b)
	}
	for _, b := range bodies {
		for _, l := range labels {
			res, err := Decode(b, "", l)
			if err != nil {
				t.Fatalf("Decode(%d bytes, %q): %v", len(b), l, err)
			}
			if !utf8.ValidString(res.Text) {
				t.Fatalf("Decode(%q, override %q) gave invalid UTF-8", b[:min(len(b), 60)], l)
			}
		}
	}
}

// TestCountThreeByte: every three-byte sequence led by E0–EF counts as
// utf8.DecodeRune reads it.
func TestCountThreeByte(t *testing.T) {
	for b0 := 0xE0; b0 <= 0xEF; b0++ {
		for b1 := 0x7F; b1 <= 0xC0; b1++ {
			for b2 := 0x7F; b2 <= 0xC0; b2++ {
				b := []byte{byte(b0), byte(b1), byte(b2), 'x'}
				if got, want := score(labelUTF8, b), refScore(labelUTF8, b); got != want {
					t.Fatalf("% x: %+v, want %+v", b, got, want)
				}
			}
		}
	}
}

// TestCountMatchesText: every two-byte start, alone and followed by more
// bytes (a whole character; for GB18030 the rest of a four-byte sequence,
// whole or cut), is counted by the GB18030 and Big5 tables as the text of
// the decoders (eachGB18030, x/text's Big5) reads: the tables, Big5's
// two-character sequences, broken and cut sequences (a lone lead before an
// ASCII byte is among the pairs). scoreIfClean agrees on cleanness.
func TestCountMatchesText(t *testing.T) {
	tails := map[string][]string{
		labelBig5.name:    {"", "\xA4\x40"},
		labelGB18030.name: {"", "\xB0\xA1", "\x81\x30"},
	}
	for _, lab := range []label{labelBig5, labelGB18030} {
		for c0 := 0; c0 < 256; c0++ {
			for c1 := 0; c1 < 256; c1++ {
				for _, tail := range tails[lab.name] {
					b := append([]byte{byte(c0), byte(c1)}, tail...)
					want := refScore(lab, b)
					if got := score(lab, b); got != want {
						t.Fatalf("score(%s, % x) = %+v, want %+v", lab.name, b, got, want)
					}
					got := scoreIfClean(lab, b)
					if (got.bad > 0) != (want.bad > 0) || want.bad == 0 && got != want {
						t.Fatalf("scoreIfClean(%s, % x) = %+v, full score %+v", lab.name, b, got, want)
					}
				}
			}
		}
	}
}
