package charset

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// convert decodes b with lab into UTF-8 in one linear pass (GB18030 by the
// table in fastgb.go, UTF-8 by copying, the rest by x/text) and counts the
// U+FFFD it had to add. Every byte that cannot be read becomes a U+FFFD
// rather than vanishing, so nothing is dropped silently.
func convert(b []byte, lab label) (string, int, error) {
	switch lab.enc {
	case unicode.UTF8:
		s, n := convertUTF8(b)
		return s, n, nil
	case simplifiedchinese.GB18030:
		s, n := decodeGB18030(b)
		return s, n, nil
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/2) // 2-byte hanzi become 3 bytes
	src, err := transformAll(lab.enc.NewDecoder(), b, sink{sb: &sb})
	if err != nil {
		return "", 0, fmt.Errorf("charset: decode %s: %w", lab.name, err)
	}
	tailCut := 0
	if len(src) > 0 {
		sb.WriteString("\uFFFD") // one for the cut character, as browsers do
		tailCut = 1
	}
	s := sb.String()
	added := strings.Count(s, "\uFFFD") - genuineFFFD(b, lab)
	return s, max(added, tailCut), nil
}

// sink receives decoded UTF-8 a piece at a time: into a builder (conversion)
// or into a candidate's counts (scoring). A concrete type rather than a func
// value lets the piece buffers of the decoders stay on the stack instead of
// costing 16 KB of heap per call.
type sink struct {
	sb *strings.Builder
	c  *candidate
}

func (s sink) write(p []byte) {
	if s.sb != nil {
		s.sb.Write(p)
		return
	}
	s.c.count(p)
}

// transformAll decodes src, handing the output to emit in pieces, and
// returns the bytes it left over: a character cut off at the end. atEOF is
// kept false so that such a character is left whole instead of decoded byte
// by byte (x/text would turn a cut "81 30 84" into "\uFFFD0\uFFFD").
func transformAll(dec *encoding.Decoder, src []byte, emit sink) ([]byte, error) {
	var buf [16 << 10]byte
	for {
		nDst, nSrc, err := dec.Transform(buf[:], src, false)
		emit.write(buf[:nDst])
		src = src[nSrc:]
		switch err {
		case transform.ErrShortDst:
			continue
		case nil, transform.ErrShortSrc:
			return src, nil
		default:
			return src, err
		}
	}
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

// convertUTF8 copies valid UTF-8, replaces each invalid byte with U+FFFD,
// and a character cut off at the end with one U+FFFD.
func convertUTF8(b []byte) (string, int) {
	end := len(b) - cutTail(b)
	if end == len(b) && utf8.Valid(b) {
		return string(b), 0
	}
	var sb strings.Builder
	sb.Grow(len(b) + 16)
	added, start := 0, 0
	for i := 0; i < end; {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:end])
		if r == utf8.RuneError && size == 1 {
			sb.Write(b[start:i])
			sb.WriteString("\uFFFD")
			added++
			start = i + 1
		}
		i += size
	}
	sb.Write(b[start:end])
	if end < len(b) {
		sb.WriteRune(utf8.RuneError)
		added++
	}
	return sb.String(), added
}

// cutTail returns the length of an incomplete UTF-8 sequence at the end of b
// (a lead byte and fewer continuation bytes than it announces), or 0.
func cutTail(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		if utf8.RuneStart(b[i]) {
			if b[i] >= 0xC0 && !utf8.FullRune(b[i:]) {
				return len(b) - i
			}
			return 0
		}
	}
	return 0
}
