package charset

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// FuzzDecode: whatever the bytes and header, Decode does not panic, returns
// valid UTF-8, answers the same twice, and keeps valid UTF-8 as it is.
// Run: go test -run=^$ -fuzz=FuzzDecode -fuzztime=3m ./extract/charset
func FuzzDecode(f *testing.F) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("<p>" + simp + "</p>")
	big5, _ := traditionalchinese.Big5.NewEncoder().String("<p>" + trad + "</p>")
	for _, s := range []struct{ body, ctype string }{
		{"<html><body>" + simp + "</body></html>", "text/html; charset=utf-8"},
		{gbk, "text/html; charset=iso-8859-1"},
		{gbk[:len(gbk)-5], ""},
		{big5, "text/html; charset=gbk"},
		{`<meta charset="gb2312">` + simp, ""},
		{"\xEF\xBB\xBF" + simp, "text/html; charset=gbk"},
		{"\x84\x31\x95\x33" + gbk, ""},
		{"\xFF\xFE<\x00p\x00>\x00", ""},
		{"%PDF-1.4\n", "text/html"},
		{"PK\x03\x04word/", ""},
		{"", ""},
		{"\x81\x30\x84", "text/html;charset=gb18030"},
	} {
		f.Add([]byte(s.body), s.ctype)
	}
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		orig := bytes.Clone(body)
		got, err := Decode(body, ctype, "")
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if !bytes.Equal(body, orig) {
			t.Fatal("Decode changed its input")
		}
		if !utf8.ValidString(got.Text) {
			t.Fatalf("Text is not valid UTF-8: %q", got.Text)
		}
		if again, _ := Decode(body, ctype, ""); again != got {
			t.Fatalf("second answer differs: %s vs %s", summary(again), summary(got))
		}
		if got.Class != ClassText {
			if got != (Result{Class: got.Class}) {
				t.Fatalf("non-text result carries data: %s", summary(got))
			}
			return
		}
		if got.Charset == "" || got.Source == "" || (got.Replacements > 0 && !got.Degraded) {
			t.Fatalf("incomplete result: %s", summary(got))
		}
		first := firstNonASCII(body)
		if _, hasBOM := findBOM(body); !hasBOM && first >= 0 && utf8.Valid(body) && len(body) <= utf8Window && !weakUTF8(body[first:]) {
			if got.Charset != "utf-8" || got.Text != string(body) {
				t.Fatalf("valid UTF-8 read as %s: %q", got.Charset, got.Text)
			}
		}
	})
}

// FuzzScore: the table counts of GB18030 and Big5 (score, scoreIfClean)
// equal the counts of the decoders' text (refScore) on any bytes.
// Run: go test -run=^$ -fuzz=FuzzScore -fuzztime=1m ./extract/charset
func FuzzScore(f *testing.F) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(simp)
	big5, _ := traditionalchinese.Big5.NewEncoder().String(trad)
	for _, s := range []string{gbk, big5, gbk[:len(gbk)-1], "\x81\x30\x84", "\x88\x62\x88\xa3a\xff\x80", "\xa4\x40\x81\x39\xee\x39"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, lab := range []label{labelGB18030, labelBig5} {
			want := refScore(lab, b)
			if got := score(lab, b); got != want {
				t.Fatalf("score(%s, % x) = %+v, want %+v", lab.name, b, got, want)
			}
			if got := scoreIfClean(lab, b); (got.bad > 0) != (want.bad > 0) || want.bad == 0 && got != want {
				t.Fatalf("scoreIfClean(%s, % x) = %+v, full score %+v", lab.name, b, got, want)
			}
		}
	})
}
