package charset

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// convert decodes b with lab into UTF-8 in one linear pass and counts the
// U+FFFD it had to add. Every byte that cannot be read becomes a U+FFFD
// rather than vanishing, so nothing is dropped silently.
func convert(b []byte, lab label) (string, int, error) {
	if lab.fam == famUTF8 {
		s, n := convertUTF8(b)
		return s, n, nil
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2) // 2-byte hanzi become 3 bytes
	w := transform.NewWriter(&sb, lab.enc.NewDecoder())
	if _, err := w.Write(b); err != nil {
		return "", 0, fmt.Errorf("charset: decode %s: %w", lab.name, err)
	}
	if err := w.Close(); err != nil {
		return "", 0, fmt.Errorf("charset: decode %s: %w", lab.name, err)
	}
	s := sb.String()
	added := strings.Count(s, "\uFFFD") - genuineFFFD(b, lab)
	return s, max(added, 0), nil
}

// genuineFFFD counts U+FFFD that the input itself encodes (GB18030 can:
// 84 31 A4 37), so they are not blamed on the decoder.
func genuineFFFD(b []byte, lab label) int {
	enc, err := lab.enc.NewEncoder().Bytes([]byte("\uFFFD"))
	if err != nil || len(enc) == 0 || bytes.Equal(enc, []byte("?")) || bytes.Equal(enc, []byte{0x1A}) {
		return 0
	}
	return bytes.Count(b, enc)
}

// convertUTF8 copies valid UTF-8 and replaces each invalid byte with U+FFFD.
func convertUTF8(b []byte) (string, int) {
	if utf8.Valid(b) {
		return string(b), 0
	}
	var sb strings.Builder
	sb.Grow(len(b) + 16)
	added := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			added++
		}
		sb.WriteRune(r)
		b = b[size:]
	}
	return sb.String(), added
}
