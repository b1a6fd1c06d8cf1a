package charset

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// xtextGB18030 is the reference: x/text's decoder over the whole input.
func xtextGB18030(b []byte) (string, int) {
	out, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	added := bytes.Count(out, []byte("\uFFFD")) - bytes.Count(b, []byte("\x84\x31\xA4\x37"))
	return string(out), max(added, 0)
}

// comparable reports whether x/text is a fair reference for b. x/text takes
// a second byte 3A–3F as the start of a four-byte sequence; the WHATWG
// decoder, and ours, take it as an error followed by ASCII (tested below).
func comparable(b []byte) bool {
	for i := 0; i+1 < len(b); i++ {
		if b[i] >= 0x81 && b[i] <= 0xFE && b[i+1] >= 0x3A && b[i+1] <= 0x3F {
			return false
		}
	}
	return true
}

// checkGB18030 compares with x/text on b followed by a newline, so that no
// sequence is cut at the end (cut ends are tested on their own).
func checkGB18030(t *testing.T, b []byte) {
	t.Helper()
	b = append(bytes.Clone(b), '\n')
	if !comparable(b) {
		return
	}
	got, gotN := decodeGB18030(b)
	want, wantN := xtextGB18030(b)
	if bytes.Contains(b, []byte("\x84\x31\xA4\x37")) {
		gotN, wantN = 0, 0 // the reference cannot tell an aligned U+FFFD from a misaligned one
	}
	if got != want || gotN != wantN {
		t.Fatalf("decodeGB18030(% x)\n = %q, %d\nwant %q, %d", b, got, gotN, want, wantN)
	}
}

// A cut final character is one U+FFFD, and bytes that cannot continue a
// sequence are read again on their own, as the WHATWG decoder does.
func TestDecodeGB18030Edges(t *testing.T) {
	tests := []struct {
		in, want string
		added    int
	}{
		{"\xc4\xea\x81", "年\uFFFD", 1},
		{"\xc4\xea\x81\x30", "年\uFFFD", 1},
		{"\xc4\xea\x81\x30\x84", "年\uFFFD", 1},
		{"\x81\x30\x84\x32", "\u00a0", 0},
		{"\x84\x31\xa4\x37", "\uFFFD", 0},          // GB18030's own U+FFFD is not a replacement
		{"\x81\x84\x31\xa4\x37<", "亜1\uFFFD7<", 1}, // the same bytes out of step are an error
		{"\x81\x84\x31\xa4\x37", "亜1\uFFFD", 1},    // …and at the end, a cut four-byte sequence
		{"\x81\x30\x20", "\uFFFD0 ", 1},
		{"\x81\x3a\x78", "\uFFFD:x", 1},
		{"\x81\x3a\x81\x30\x84\x32", "\uFFFD:\u00a0", 1},
		{"\x80\xff<", "€\uFFFD<", 1},
		{"", "", 0},
	}
	for _, tt := range tests {
		got, added := decodeGB18030([]byte(tt.in))
		if got != tt.want || added != tt.added {
			t.Errorf("decodeGB18030(%q) = %q, %d; want %q, %d", tt.in, got, added, tt.want, tt.added)
		}
	}
}

// The table-driven decoder gives exactly x/text's text: on real pages, on
// every two-byte sequence, and on random mixes of ASCII, two-byte, four-byte
// and broken sequences.
func TestDecodeGB18030MatchesXText(t *testing.T) {
	for _, tx := range matrixTexts(t) {
		page, err := simplifiedchinese.GB18030.NewEncoder().String(tx.Body)
		if err != nil {
			t.Fatal(err)
		}
		checkGB18030(t, []byte(page))
	}
	for lead := 0x80; lead <= 0xFF; lead++ {
		for trail := 0x00; trail <= 0xFF; trail++ {
			checkGB18030(t, []byte{byte(lead), byte(trail), 'x'})
			checkGB18030(t, []byte{byte(lead), byte(trail)})
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := [][]byte{[]byte("<p>"), []byte(" "), []byte("0"), []byte("\xc4\xea"), []byte("\x81\x30\x84\x32"),
		[]byte("\x84\x31\xA4\x37"), []byte("\x81"), []byte("\x81\x30"), []byte("\xff"), []byte("\x80"), []byte("\xa1\x40"), []byte("\xfe\xfe")}
	for range 20000 {
		var b []byte
		for range rng.IntN(12) {
			if rng.IntN(4) == 0 {
				b = append(b, byte(rng.IntN(256)))
			} else {
				b = append(b, pieces[rng.IntN(len(pieces))]...)
			}
		}
		checkGB18030(t, b)
	}
}

// FuzzGB18030: the fast decoder and x/text agree on any input.
// Run: go test -run=^$ -fuzz=FuzzGB18030 -fuzztime=1m ./extract/charset
func FuzzGB18030(f *testing.F) {
	f.Add([]byte("\xc4\xea\x81\x30\x84\x32<p>\x81"))
	f.Add([]byte("\x84\x31\xA4\x37\x81\x30"))
	f.Fuzz(func(t *testing.T, b []byte) { checkGB18030(t, b) })
}
