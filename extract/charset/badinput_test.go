package charset

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// A 50 MB page decodes in one linear pass, judged on its first KB only.
func TestDecodeHugeBody(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB body: skipped with -short")
	}
	para := enc(t, simplifiedchinese.GBK, "<p>"+simp+"</p>\n")
	var b bytes.Buffer
	b.WriteString("<html><head><meta charset=gb2312></head><body>\n")
	for b.Len() < 50<<20 {
		b.WriteString(para)
	}
	b.WriteString("</body></html>\n")
	body := b.Bytes()
	got, err := Decode(body, "text/html; charset=ISO-8859-1", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Charset != "gb2312" || got.Source != SourceMeta || got.Degraded || got.Class != ClassText {
		t.Fatalf("got %s", summary(got))
	}
	n := (len(body) - len("<html><head><meta charset=gb2312></head><body>\n") - len("</body></html>\n")) / len(para)
	if c := strings.Count(got.Text, simp); c != n {
		t.Errorf("text holds %d paragraphs, want %d", c, n)
	}
}

// Hostile or odd text: each gets a definite answer, and a byte that cannot
// be read shows up as U+FFFD, counted and flagged.
func TestDecodeHostileText(t *testing.T) {
	gbk := enc(t, simplifiedchinese.GBK, simp)
	tests := []struct {
		name, body, ctype     string
		text, charset, source string
		repl                  int
		degraded              bool
	}{
		{"lone lead bytes under a gbk label", strings.Repeat("<p>\x81", 3), "text/html; charset=gbk",
			strings.Repeat("<p>\uFFFD", 3), "gbk", SourceHeader, 3, true},
		{"lone lead bytes, no label", strings.Repeat("<p>\x81", 3), "",
			strings.Repeat("<p>\uFFFD", 3), "gb18030", SourceSniffed, 3, true},
		{"latin-1 page with honest label", "<p>caf\xe9 cr\xe8me</p>", "text/html; charset=iso-8859-1",
			"<p>café crème</p>", "windows-1252", SourceHeader, 0, false},
		{"shift_jis page, no label (chardet)", "<p>\x82\xb1\x82\xea\x82\xcd\x93\xfa\x96\x7b\x8c\xea\x82\xcc\x95\xb6\x8f\xcd\x82\xc5\x82\xb7\x81B</p>", "",
			"<p>これは日本語の文章です。</p>", "shift_jis", SourceSniffed, 0, false},
		{"label for an unknown charset", "<p>" + gbk + "</p>", "text/html; charset=x-nonsense",
			"<p>" + simp + "</p>", "gb18030", SourceSniffed, 0, false},
		{"misspelt gb label", "<p>" + gbk + "</p>", "text/html; charset=gbk2312",
			"<p>" + simp + "</p>", "gbk", SourceHeader, 0, false},
		{"utf-16 label on ascii", "<p>report</p>", "text/html; charset=utf-16",
			"<p>report</p>", "utf-8", SourceSniffed, 0, false},
		{"cut meta tag", `<meta http-equiv="Content-Type" content="text/html; charset=`, "",
			`<meta http-equiv="Content-Type" content="text/html; charset=`, "utf-8", SourceSniffed, 0, false},
		{"gb18030 bom", "\x84\x31\x95\x33" + gbk, "text/html; charset=big5",
			simp, "gb18030", SourceBOM, 0, false},
		{"utf-16le bom", "\xFF\xFE<\x00p\x00>\x00\xa5\x62\x4a\x54", "",
			"<p>报告", "utf-16le", SourceBOM, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.body), tt.ctype, "")
			if err != nil {
				t.Fatal(err)
			}
			want := Result{Text: tt.text, Charset: tt.charset, Source: tt.source, Replacements: tt.repl, Degraded: tt.degraded, Class: ClassText}
			if got != want {
				t.Errorf("got  %s %q\nwant %s %q", summary(got), got.Text, summary(want), want.Text)
			}
		})
	}
}
