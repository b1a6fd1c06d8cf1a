package charset

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// enc encodes s or fails the test.
func enc(t testing.TB, e encoding.Encoding, s string) string {
	t.Helper()
	b, err := e.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

const (
	simp = "同江市城市社区2020年政府信息公开工作年度报告，本报告由社区管委会编制。"
	trad = "本機關二〇二〇年政府資訊公開工作年度報告，依據條例編製並向社會公開。"
)

func TestDecode(t *testing.T) {
	gbk := func(s string) string { return enc(t, simplifiedchinese.GBK, s) }
	big5 := func(s string) string { return enc(t, traditionalchinese.Big5, s) }
	page := func(head, text string) string {
		return "<html><head>" + head + "</head><body><p>" + text + "</p></body></html>"
	}
	tests := []struct {
		name        string
		body, ctype string
		override    string
		wantText    string // "" means: the page built from the same head and simp
		charset     string
		source      string
		repl        int
		degraded    bool
	}{
		{name: "utf-8 with true header", body: page("", simp), ctype: "text/html; charset=utf-8",
			wantText: page("", simp), charset: "utf-8", source: SourceHeader},
		{name: "gbk with true header", body: page("", gbk(simp)), ctype: "text/html; charset=GBK",
			wantText: page("", simp), charset: "gbk", source: SourceHeader},
		{name: "gbk, header says iso-8859-1", body: page("", gbk(simp)), ctype: "text/html; charset=ISO-8859-1",
			wantText: page("", simp), charset: "gb18030", source: SourceSniffed},
		{name: "gbk, header says utf-8, meta says gb2312", body: page(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`, gbk(simp)),
			ctype: "text/html; charset=utf-8", wantText: page(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`, simp),
			charset: "gb2312", source: SourceMeta},
		{name: "utf-8, meta says gb2312", body: page(`<meta charset="gb2312">`, simp),
			wantText: page(`<meta charset="gb2312">`, simp), charset: "utf-8", source: SourceSniffed},
		{name: "utf-8 bom, header says gbk", body: "\xEF\xBB\xBF" + page("", simp), ctype: "text/html; charset=gbk",
			wantText: page("", simp), charset: "utf-8", source: SourceBOM},
		{name: "gb18030 four-byte no-break space", body: page("", gbk("报告")+"\x81\x30\x84\x32"+gbk("公开")), // U+00A0; GBK decoders reject it
			wantText: page("", "报告\u00a0公开"), charset: "gb18030", source: SourceSniffed},
		{name: "traditional text in gbk, no label", body: page("", gbk(trad)), wantText: page("", trad), charset: "gb18030", source: SourceSniffed},
		{name: "one gbk hanzi that is also valid utf-8", body: page("", "2020"+gbk("息")), ctype: "text/html; charset=utf-8",
			wantText: page("", "2020息"), charset: "gb18030", source: SourceSniffed},
		{name: "utf-8 page whose only non-ascii is ©", body: page("", "© 2020 gov.cn"), ctype: "text/html; charset=gbk",
			wantText: page("", "© 2020 gov.cn"), charset: "utf-8", source: SourceSniffed},
		{name: "utf-8 russian page", body: page("", "Годовой отчёт"), wantText: page("", "Годовой отчёт"), charset: "utf-8", source: SourceSniffed},
		{name: "big5 without label", body: page("", big5(trad)), wantText: page("", trad), charset: "big5", source: SourceSniffed},
		{name: "big5, header says gbk", body: page("", big5(trad)), ctype: "text/html; charset=gbk",
			wantText: page("", trad), charset: "big5", source: SourceSniffed},
		{name: "utf-8 cut inside the last character", body: page("", simp)[:len(page("", simp))-len("。</p></body></html>")+1],
			wantText: page("", simp)[:len(page("", simp))-len("。</p></body></html>")] + "\uFFFD",
			charset:  "utf-8", source: SourceSniffed, repl: 1, degraded: true},
		{name: "gbk cut inside the last character", body: gbk(simp)[:len(gbk(simp))-1],
			wantText: strings.TrimSuffix(simp, "。") + "\uFFFD", charset: "gb18030", source: SourceSniffed, repl: 1, degraded: true},
		{name: "ascii only with gbk label", body: page("", "annual report"), ctype: "text/html;charset=gbk",
			wantText: page("", "annual report"), charset: "gbk", source: SourceHeader},
		{name: "override gbk on gbk bytes", body: gbk(simp), ctype: "text/html; charset=utf-8", override: "GBK",
			wantText: simp, charset: "gbk", source: SourceOverride},
		{name: "override utf-8 on gbk bytes keeps every byte", body: gbk("报告"), override: "utf-8",
			wantText: strings.Repeat("\uFFFD", 4), charset: "utf-8", source: SourceOverride, repl: 4, degraded: true},
		{name: "utf-8 with a stray invalid byte", body: page("", simp+"\xff"+simp),
			wantText: page("", simp+"\uFFFD"+simp), charset: "utf-8", source: SourceSniffed, repl: 1, degraded: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.body), tt.ctype, tt.override)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got.Text != tt.wantText {
				t.Errorf("Text = %q, want %q", got.Text, tt.wantText)
			}
			if got.Charset != tt.charset || got.Source != tt.source {
				t.Errorf("Charset, Source = %q, %q, want %q, %q", got.Charset, got.Source, tt.charset, tt.source)
			}
			if got.Replacements != tt.repl || got.Degraded != tt.degraded || got.Class != ClassText {
				t.Errorf("Replacements, Degraded, Class = %d, %v, %q, want %d, %v, text", got.Replacements, got.Degraded, got.Class, tt.repl, tt.degraded)
			}
		})
	}
}

func TestDecodeUnknownOverride(t *testing.T) {
	if _, err := Decode([]byte("abc"), "", "no-such-charset"); err == nil || !strings.Contains(err.Error(), "no-such-charset") {
		t.Fatalf("err = %v, want one naming the label", err)
	}
}

func TestDecodeNotText(t *testing.T) {
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i * 7919 >> 3) // deterministic noise with NULs and controls
	}
	tests := []struct {
		name, body, ctype, class string
	}{
		{"empty", "", "text/html", ClassEmpty},
		{"white space", " \r\n\t ", "text/html", ClassEmpty},
		{"pdf served as html", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "text/html; charset=utf-8", ClassPDF},
		{"binary junk", string(junk), "text/html", ClassBinary},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/html", ClassBinary},
		{"docx", "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml", "text/html", ClassOffice},
		{"zip", "PK\x03\x04\x14\x00\x00\x00\x08\x00report.txt", "text/html", ClassZip},
		{"doc", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00", "text/html", ClassOffice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.body), tt.ctype, "")
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			want := Result{Class: tt.class}
			if got != want {
				t.Errorf("Decode = %+v, want %+v", got, want)
			}
		})
	}
}

func TestMetaCharset(t *testing.T) {
	tests := []struct{ page, want string }{
		{`<meta charset="gb2312">`, "gb2312"},
		{`<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=GBK">`, "GBK"},
		{`<meta content="text/html;charset=big5" http-equiv="content-type">`, "big5"},
		{`<!-- <meta charset="big5"> --><meta charset=utf-8>`, "utf-8"},
		{`<script>var s = '<meta charset="big5">';</script>`, ""},
		{`<meta name="keywords" content="charset=gbk">`, ""},
		{strings.Repeat(" ", MetaScanLimit) + `<meta charset="gbk">`, ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MetaCharset([]byte(tt.page)); got != tt.want {
			t.Errorf("MetaCharset(%.60q) = %q, want %q", tt.page, got, tt.want)
		}
	}
}

func TestHeaderCharset(t *testing.T) {
	tests := []struct{ ct, want string }{
		{"text/html; charset=GBK", "GBK"},
		{`text/html; charset="utf-8"`, "utf-8"},
		{"text/html;;charset=gb2312", "gb2312"},
		{"text/html", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := HeaderCharset(tt.ct); got != tt.want {
			t.Errorf("HeaderCharset(%q) = %q, want %q", tt.ct, got, tt.want)
		}
	}
}
