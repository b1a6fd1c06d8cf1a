package charset

import (
	"fmt"
	"strings"
	"testing"
)

// TestShortPieceSweep goes below the matrix: pieces of 24 and 50 bytes
// taken every 101 bytes through every text, in every encoding and label
// mode. Every one must round-trip (pieces with no non-ASCII character are
// left out: any ASCII-compatible reading of them is right). Skipped with
// -short; it decodes about 36,000 pages.
func TestShortPieceSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("sweep of 36k short pages: skipped with -short")
	}
	texts := matrixTexts(t)
	for _, size := range []int{24, 50} {
		ok, total := 0, 0
		var failures []string
		for _, tx := range texts {
			for off := 0; off+size < len(tx.Body); off += 101 {
				text := cutText(tx.Body, off, size)
				if strings.IndexFunc(text, func(r rune) bool { return r >= 0x80 }) < 0 {
					continue
				}
				for _, me := range matrixEncodings {
					for _, mode := range matrixModes {
						c, good := makeCase(t, me, mode, text, false)
						if !good {
							continue
						}
						total++
						if _, problem := checkCase(c); problem != "" {
							failures = append(failures, fmt.Sprintf("%s/%s %q: %s", me.name, mode, text, problem))
							continue
						}
						ok++
					}
				}
			}
		}
		t.Logf("%d-byte pieces: %d/%d exact", size, ok, total)
		if total < 17000 {
			t.Errorf("%d-byte sweep has only %d pages", size, total)
		}
		for i, f := range failures {
			if i == 10 {
				break
			}
			t.Error(f)
		}
	}
}
