package charset

// A decision dump for before/after comparisons of detection changes that
// must not move any answer (speed work): GONGKAI_CHARSET_DUMP=/tmp/a.txt go
// test ./extract/charset -run TestDecisionDump writes one line per body and
// label: Decode's charset, source, class, replacements, degraded and the
// SHA-256 of its text. Run it on two trees and diff the files; without the
// variable the test is skipped.

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"os"
	"testing"
)

func TestDecisionDump(t *testing.T) {
	path := os.Getenv("GONGKAI_CHARSET_DUMP")
	if path == "" {
		t.Skip("set GONGKAI_CHARSET_DUMP=file to write the decision dump")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	contentTypes := []string{"", "text/html; charset=utf-8", "text/html; charset=gbk", "text/html; charset=big5", "text/html; charset=gb2312"}
	n := 0
	for i, b := range scoreWindows(t) {
		for _, ct := range contentTypes {
			res, err := Decode(b, ct, "")
			fmt.Fprintf(w, "%d %q %s %s %s %d %v %x %v\n", i, ct, res.Charset, res.Source, res.Class, res.Replacements, res.Degraded, sha256.Sum256([]byte(res.Text)), err)
			n++
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d decisions written to %s", n, path)
}
